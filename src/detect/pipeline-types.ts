// The one interface every streaming detector implements (the four original pipelines and our own
// detectors). Stations, the `detect` CLI and the NAB bench use only this; a shared contract test
// (pipeline-contract.test.ts) runs every implementation through the same checks.
import type { DriftReport } from "./drift";

/** One decision: the points a pipeline decided at this update (the whole window for a batch
 * pipeline, the newest point for a sliding one). */
export interface Decision {
  /** |score| of each decided point, in [0, 1]. */
  scores: number[];
  /** 1 = outlier. */
  labels: (0 | 1)[];
  /** The timestamp of each decided point (its own sample's, never another's). */
  timestamps: string[];
  /** True on the first training and on every drift-triggered retraining. */
  retrained: boolean;
}

/** A pipeline's whole state as plain JSON: restorePipeline(JSON.parse(JSON.stringify(s)))
 * continues with identical output. */
export interface PipelineState {
  kind: string;
  version: number;
  [key: string]: unknown;
}

export interface Pipeline {
  readonly kind: string;
  /** Feeds one sample; returns a decision when this sample completes one. */
  update(value: number, timestamp: string): Decision | undefined;
  toJSON(): PipelineState;
  /** For a pipeline that tests its windows for drift: the test, with its statistics, that
   * update(value) is about to run, or undefined when it runs none then (not trained yet, the
   * window not complete, a step that skips the test). Changes nothing. */
  driftTestBefore?(value: number): DriftReport | undefined;
}
