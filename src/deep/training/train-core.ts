// Fitting an autoencoder to traffic series (docs/design.md § Training), without I/O: series in,
// weights and loss statistics out. Loss: mean absolute error (the original compiled with "mae");
// optimiser: AdamW with the original's weight decay. After fitting, the per-row reconstruction
// error over the training series gives the new avg/std loss; a retrained model blends them into its
// old ones as 0.9·old + 0.1·new (the original's trainer.py), a fresh model takes them as they are.
import type { TimeseriesRow } from "../../detect/traffic-model";
import type { KerasModelConfig } from "../keras-model";
import { buildModel } from "../keras-model";
import type { ModelMetadata } from "../files/metadata";
import { sliceLength } from "../files/metadata";
import { buildFeatures } from "../features";
import { rescale, slice, sliceStarts } from "../preprocess";
import { reconstructRows } from "../inference/detect";
import { fastModel } from "../inference/fast-forward";
import { adamWClass } from "./adamw";
import { getModelWeights, setModelWeights } from "../inference/tf-model";
import type { Tf } from "../tf-backend";

export interface TrainingInput {
  config: KerasModelConfig;
  /** Current weights; absent: a fresh model initialised from `seed`. */
  weights?: Float32Array[];
  metadata: ModelMetadata;
  series: TimeseriesRow[][];
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** AdamW decoupled weight decay (the original: 0.004). */
  weightDecay: number;
  seed?: number;
}

export interface EpochReport { epoch: number; epochs: number; loss: number; seconds: number }

export interface TrainingOutput {
  weights: Float32Array[];
  /** avg_loss/std_loss to store (blended for a retrained model). */
  avgLoss: number;
  stdLoss: number;
  /** Mean and standard deviation of this data's per-row error. */
  dataAvgLoss: number;
  dataStdLoss: number;
  slices: number;
  rows: number;
  epochLosses: number[];
}

export class TrainingDataError extends Error {
  override name = "TrainingDataError";
}

/** The rescaled slices of every series long enough for one slice, as one float32 batch. */
export function trainingSlices(series: TimeseriesRow[][], meta: ModelMetadata): { data: Float32Array; count: number; cols: number } {
  const length = sliceLength(meta), cols = meta.metrics.length + meta.timestamp.length;
  const parts: Float64Array[] = [];
  for (const rows of series) {
    if (rows.length < length) continue;
    const m = rescale(buildFeatures(rows, meta), meta.metrics.length);
    parts.push(slice(m, sliceStarts(m.rows, meta.windowSize, meta.numWindows), length));
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const data = new Float32Array(total);
  let off = 0;
  for (const p of parts) { data.set(p, off); off += p.length; }
  return { data, count: total / (length * cols), cols };
}

function meanStd(values: number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length; // numpy std: ddof 0
  return [mean, Math.sqrt(variance)];
}

export async function trainAutoencoder(tf: Tf, input: TrainingInput, onEpoch: (r: EpochReport) => void): Promise<TrainingOutput> {
  const meta = input.metadata, length = sliceLength(meta);
  const { data, count, cols } = trainingSlices(input.series, meta);
  if (count === 0) throw new TrainingDataError(`no series has the ${length} rows of one slice; nothing to train on`);
  const model = buildModel(tf, input.config, input.weights ? undefined : input.seed ?? 0);
  if (input.weights) setModelWeights(tf, model, input.config, input.weights);
  const AdamW = adamWClass(tf);
  model.compile({ optimizer: new AdamW({ learningRate: input.learningRate, weightDecay: input.weightDecay }), loss: "meanAbsoluteError" });
  const x = tf.tensor3d(data, [count, length, cols]);
  const epochLosses: number[] = [];
  let started = performance.now();
  try {
    await model.fit(x, x, {
      epochs: input.epochs, batchSize: input.batchSize, shuffle: true, verbose: 0,
      callbacks: {
        onEpochBegin: async () => { started = performance.now(); },
        onEpochEnd: async (epoch, logs) => {
          const loss = Number(logs?.loss);
          epochLosses.push(loss);
          onEpoch({ epoch: epoch + 1, epochs: input.epochs, loss, seconds: (performance.now() - started) / 1000 });
        },
      },
    });
  } finally { x.dispose(); }
  const weights = getModelWeights(model, input.config);
  model.dispose();
  if (!weights.every((w) => w.every(Number.isFinite))) throw new TrainingDataError("training diverged: the new weights are not finite");
  const trained = fastModel(input.config, weights);
  const errors: number[] = [];
  for (const rows of input.series) {
    if (rows.length < length) continue;
    const r = await reconstructRows(rows, meta, (b) => trained.forward(b.rows.data, b.rows.cols, b.starts, b.length));
    errors.push(...r.loss);
  }
  const [dataAvgLoss, dataStdLoss] = meanStd(errors);
  const blend = input.weights !== undefined;
  return {
    weights, slices: count, rows: errors.length, epochLosses, dataAvgLoss, dataStdLoss,
    avgLoss: blend ? 0.9 * meta.avgLoss + 0.1 * dataAvgLoss : dataAvgLoss,
    stdLoss: blend ? 0.9 * meta.stdLoss + 0.1 * dataStdLoss : dataStdLoss,
  };
}
