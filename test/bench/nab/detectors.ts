// The detectors `npm run bench:nab` runs over the NAB corpus. Adding one is one line in
// `detectors` below; a detector whose settings were chosen by looking at scores lists the
// alternatives in `variants`, among which `--cv` chooses on the training categories only.
import { epochMs } from "../../../src/detect/iso-time";
import type { Pipeline } from "../../../src/detect/pipeline-types";
import { createPipeline, pipelineOptionsFor } from "../../../src/detect/pipeline-registry";
import { coreStep, DEFAULT_PARAMS, newCore, type DetectorParams } from "../../../src/detect/default-detector/detector-core";
import { nabCadOseScores } from "./cad-ose-nab";

export interface BenchDetector {
  /** Name in the table and in NAB results files: no "_" (NAB splits file names on it). */
  name: string;
  /** Window length, for the table; undefined when the detector sizes itself. */
  window?: number;
  /** Anomaly score in [0, 1] for every row of one file, and the detector's own 0/1 decision per
   * row when it makes one (scored as a second, fixed-threshold figure). */
  run(values: Float64Array, timestamps: string[]): DetectorOutput;
  /** Other settings of the same detector that were candidates when its settings were chosen by
   * looking at scores; `--cv` chooses among this detector (first) and these on the training
   * categories of each fold. Absent: only the threshold is chosen. */
  variants?: BenchDetector[];
}

export interface DetectorOutput {
  scores: Float64Array;
  labels?: Uint8Array;
}

/** Runs a fresh pipeline over a file, one sample at a time. The score of a row is the |score| of
 * the decision that covered it, 0 before the first decision: what the `detect` CLI writes as
 * anomaly_score. A decision's points are the newest rows (the whole window for a batch pipeline). */
export function pipelineScores(pipeline: Pipeline, values: Float64Array, timestamps: string[]): Required<DetectorOutput> {
  const scores = new Float64Array(values.length);
  const labels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const d = pipeline.update(values[i], timestamps[i]);
    if (!d) continue;
    const start = i - d.scores.length + 1;
    for (let j = 0; j < d.scores.length; j++) {
      if (d.timestamps[j] !== timestamps[start + j]) {
        throw new Error(`${pipeline.kind}: at row ${i} a decision covers ${d.timestamps[j]}, expected the newest rows (${timestamps[start + j]})`);
      }
      scores[start + j] = Math.abs(d.scores[j]);
      labels[start + j] = d.labels[j];
    }
  }
  return { scores, labels };
}

/** A bench detector from a pipeline factory (called once per file). */
function pipelineDetector(name: string, window: number | undefined, create: () => Pipeline): BenchDetector {
  return { name, window, run: (values, timestamps) => pipelineScores(create(), values, timestamps) };
}

/** The default detector's core with other parameters (the same scores as the pipeline with
 * DEFAULT_PARAMS; the pipeline adds only labels). */
function defaultCoreDetector(name: string, params: DetectorParams): BenchDetector {
  return {
    name,
    run(values, timestamps) {
      const core = newCore(params);
      const scores = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) scores[i] = coreStep(core, values[i], epochMs(timestamps[i]) / 1000, params);
      return { scores };
    },
  };
}

/** The default detector's settings chosen by looking at scores (docs/quality.md, "Parameters and
 * why these values"): every combination of the values around today's that the sensitivity table
 * measured (record memory, record floor, spike/shift weight, seasonal gate). */
function defaultDetectorVariants(): BenchDetector[] {
  const out: BenchDetector[] = [];
  const d = DEFAULT_PARAMS;
  for (const recordRows of [700, 1000, 1500]) {
    for (const recordFloor of [0.1, 0.2, 0.3]) {
      for (const w of [0.7, 0.8, 0.9]) {
        for (const seasonalGate of [0.35, 0.5, 0.7]) {
          if (recordRows === d.recordRows && recordFloor === d.recordFloor && w === d.weights[0] && seasonalGate === d.seasonalGate) continue; // = the detector itself
          const params: DetectorParams = { ...d, recordRows, recordFloor, seasonalGate, weights: [w, w, d.weights[2], d.weights[3]] };
          out.push(defaultCoreDetector(`default-memory${recordRows}-floor${recordFloor}-weight${w}-gate${seasonalGate}`, params));
        }
      }
    }
  }
  return out;
}

/** What NAB tells a detector about a file in advance: its range and length. */
function seriesOf(values: Float64Array): { min: number; max: number; length: number } {
  let min = Infinity, max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max, length: values.length };
}

/** The four original pipelines at the window lengths the issue compares. */
const ORIGINALS = ["batch", "sliding", "kalman-batch", "kalman-sliding"];
const WINDOWS = [32, 64, 128];

export const detectors: BenchDetector[] = [
  ...ORIGINALS.flatMap((name) => WINDOWS.map((w) => pipelineDetector(`${name}-${w}`, w, () => createPipeline(pipelineOptionsFor(name, w))))),
  { ...pipelineDetector("default", undefined, () => createPipeline({ kind: "default" })), variants: defaultDetectorVariants() },
  // CAD OSE streaming (range learned over its first 300 rows, then widened by new extremes; or kept
  // as learned) and as NAB ran it (whole-file range).
  pipelineDetector("cad-ose", undefined, () => createPipeline(pipelineOptionsFor("cad-ose", 0))),
  pipelineDetector("cad-ose-fixed", undefined, () => createPipeline({ kind: "cad-ose", widenMargin: null })),
  { name: "cad-ose-nab", run: (values) => ({ scores: nabCadOseScores(values) }) },
  // Our ARTime port: as a stream (learns its range over its first 750 rows) and the way NAB runs
  // it (given each file's min, max and length in advance).
  pipelineDetector("artime", undefined, () => createPipeline({ kind: "artime" })),
  { name: "artime-nab", run: (values, timestamps) => pipelineScores(createPipeline({ kind: "artime", series: seriesOf(values) }), values, timestamps) },
];
