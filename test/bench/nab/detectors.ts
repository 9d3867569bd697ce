// The detectors `npm run bench:nab` runs over the NAB corpus. Adding one is one line in
// `detectors` below.
import type { Pipeline } from "../../../src/detect/pipeline-types";
import { createPipeline, pipelineOptionsFor } from "../../../src/detect/pipeline-registry";
import { nabCadOseScores } from "./cad-ose-nab";

export interface BenchDetector {
  /** Name in the table and in NAB results files: no "_" (NAB splits file names on it). */
  name: string;
  /** Window length, for the table; undefined when the detector sizes itself. */
  window?: number;
  /** Anomaly score in [0, 1] for every row of one file, and the detector's own 0/1 decision per
   * row when it makes one (scored as a second, fixed-threshold figure). */
  run(values: Float64Array, timestamps: string[]): DetectorOutput;
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

/** The four original pipelines at the window lengths the issue compares. */
const ORIGINALS = ["batch", "sliding", "kalman-batch", "kalman-sliding"];
const WINDOWS = [32, 64, 128];

export const detectors: BenchDetector[] = [
  ...ORIGINALS.flatMap((name) => WINDOWS.map((w) => pipelineDetector(`${name}-${w}`, w, () => createPipeline(pipelineOptionsFor(name, w))))),
  pipelineDetector("default", undefined, () => createPipeline({ kind: "default" })),
  // CAD OSE streaming (range learned over its first 300 rows, then widened by new extremes; or kept
  // as learned) and as NAB ran it (whole-file range).
  pipelineDetector("cad-ose", undefined, () => createPipeline(pipelineOptionsFor("cad-ose", 0))),
  pipelineDetector("cad-ose-fixed", undefined, () => createPipeline({ kind: "cad-ose", widenMargin: null })),
  { name: "cad-ose-nab", run: (values) => ({ scores: nabCadOseScores(values) }) },
];
