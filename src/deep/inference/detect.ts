// Anomalies and forecasts of a deep model over a Druid timeseries (docs/design.md § Deep (named)
// models): features -> rescale -> slices (plus an end-aligned one for a tail) -> reconstruction ->
// averaged back per row -> per-row mean absolute error against the rescaled input; a row is
// anomalous when its error exceeds avg_loss + k·std_loss. The forecast is the reconstructed metric,
// de-scaled.
import type { TimeseriesRow, TrafficModelResult } from "../../detect/traffic-model";
import { ModelInputError } from "../../detect/model-catalog";
import { buildFeatures } from "../features";
import { descale, flatten, rescale, rowMeanAbsError, sliceStarts } from "../preprocess";
import { sliceLength, type ModelMetadata } from "../files/metadata";
import type { Matrix } from "../matrix";

/** The slices a forward pass reconstructs: `length` rows of `rows` from each start. */
export interface SliceBatch {
  rows: Matrix;
  starts: number[];
  length: number;
}

/** A model's forward pass: starts.length × length × cols values out. */
export type Reconstruct = (batch: SliceBatch) => Promise<ArrayLike<number>> | ArrayLike<number>;

/** The largest float32 below 1: a sigmoid output that rounded up to 1 would de-scale to Infinity. */
const BELOW_ONE = 1 - 2 ** -24;

export interface Reconstruction {
  /** Rescaled input, one row per input row. */
  input: Matrix;
  /** Reconstruction averaged over overlapping slices, one row per input row. */
  output: Matrix;
  /** Per-row mean absolute error of output against input. */
  loss: Float64Array;
}

/** Feature columns computed from the timestamps, not read from the rows (./features.ts). */
const COMPUTED = new Set(["granularity"]);

/**
 * The model's metrics that some row lacks, each with where: a deep model reads every one of its
 * metrics, and one read as 0 (as the original filled missing columns) makes every row look
 * anomalous, so a series without them is refused rather than judged blindly (issue 12 part 9).
 */
export function missingMetrics(meta: ModelMetadata, rows: TimeseriesRow[]): string[] {
  const out: string[] = [];
  for (const m of meta.metrics) {
    if (COMPUTED.has(m)) continue;
    let absent = 0, first = -1;
    for (let i = 0; i < rows.length; i++) {
      if (Object.hasOwn(rows[i].result, m)) continue;
      absent++;
      if (first < 0) first = i;
    }
    if (absent === rows.length) out.push(m);
    else if (absent > 0) out.push(`${m} (absent from ${absent} of ${rows.length} rows, first row ${first})`);
  }
  return out;
}

export function checkInput(name: string, meta: ModelMetadata, rows: TimeseriesRow[], metric?: string): void {
  if (metric !== undefined && !meta.metrics.includes(metric))
    throw new ModelInputError(`model '${name}' has no metric '${metric}'; it knows: ${meta.metrics.join(", ")}`);
  const need = sliceLength(meta);
  if (rows.length < need)
    throw new ModelInputError(`model '${name}' needs at least ${need} rows (window_size ${meta.windowSize} × num_windows ${meta.numWindows}), got ${rows.length}`);
  const missing = missingMetrics(meta, rows);
  if (missing.length) {
    const read = meta.metrics.filter((m) => !COMPUTED.has(m));
    throw new ModelInputError(`model '${name}' reads every one of its metrics in every row; missing: ${missing.join(", ")}. `
      + `Its metrics: ${read.join(", ")}${read.length < meta.metrics.length ? ` (${meta.metrics.filter((m) => COMPUTED.has(m)).join(", ")} is computed from the timestamps)` : ""}. `
      + `Send "query" (the service asks the broker for all of them) or "data" with all of them, or omit "model" for the default model, which judges one metric`);
  }
}

/** Rescaled features of `rows` and their reconstruction by the model, row by row. */
export async function reconstructRows(rows: TimeseriesRow[], meta: ModelMetadata, reconstruct: Reconstruct): Promise<Reconstruction> {
  const input = rescale(buildFeatures(rows, meta), meta.metrics.length);
  const length = sliceLength(meta);
  const starts = sliceStarts(input.rows, meta.windowSize, meta.numWindows);
  const out = await reconstruct({ rows: input, starts, length });
  const expected = starts.length * length * input.cols;
  if (out.length !== expected) throw new Error(`the model returned ${out.length} values for ${expected}: its output shape differs from its input`);
  const output = flatten(out, starts, length, input.cols, input.rows);
  return { input, output, loss: rowMeanAbsError(input, output) };
}

export async function detectAnomalies(name: string, rows: TimeseriesRow[], metric: string, meta: ModelMetadata,
  k: number, reconstruct: Reconstruct): Promise<TrafficModelResult> {
  checkInput(name, meta, rows, metric);
  const { output, loss } = await reconstructRows(rows, meta, reconstruct);
  for (let i = 0; i < output.data.length; i++) output.data[i] = Math.min(output.data[i], BELOW_ONE);
  const expected = descale(output, meta.metrics.length);
  const col = meta.metrics.indexOf(metric);
  const threshold = meta.avgLoss + k * meta.stdLoss;
  const result: TrafficModelResult = { anomalies: [], predicted: [] };
  rows.forEach((row, i) => {
    const forecast = expected.data[i * expected.cols + col];
    result.predicted.push({ timestamp: row.timestamp, forecast });
    if (loss[i] > threshold) result.anomalies.push({ timestamp: row.timestamp, expected: forecast, value: row.result[metric] ?? 0 });
  });
  return result;
}
