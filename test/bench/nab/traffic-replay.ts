// The traffic API's polling protocol replayed over one NAB file (issue 18): the redborder manager
// asks about the trailing WINDOW rows of a series every STEP rows, and the rows not judged by an
// earlier answer (the newest STEP, all of them at the first request) take this answer's decision.
// Strictly causal: a row's score comes from the first answer whose window ends at or after it.
import type { DetectorOutput } from "./detectors";

/** What one answer says about each row of its window. */
export interface TrafficVerdict {
  anomalous: ArrayLike<boolean>;
  /** The answer's anomaly score per row, in [0, 1], when it carries one. */
  scores?: ArrayLike<number>;
}

/** One request: the window's values and timestamps (as the answer's rows, oldest first). */
export type TrafficJudge = (values: Float64Array, timestamps: string[]) => TrafficVerdict;

export interface ReplayOptions {
  /** Rows per request (the manager's last day of one-minute rows). */
  window: number;
  /** Rows between requests. */
  step: number;
}

export const MANAGER_POLLING: ReplayOptions = { window: 1440, step: 32 };

/** Requests end at row `step`, `2·step`, … and at the last row; each covers the trailing `window`
 * rows (fewer at the start). Per row: the answer's score (its 0/1 decision when it has no score)
 * and its decision. */
export function replayPolling(judge: TrafficJudge, values: Float64Array, timestamps: string[], opts: ReplayOptions = MANAGER_POLLING): Required<DetectorOutput> {
  const n = values.length;
  const scores = new Float64Array(n);
  const labels = new Uint8Array(n);
  let judged = 0; // rows [0, judged) have their decision
  for (let end = Math.min(opts.step, n); judged < n; end = Math.min(end + opts.step, n)) {
    const start = Math.max(0, end - opts.window);
    const verdict = judge(values.slice(start, end), timestamps.slice(start, end));
    for (let i = judged; i < end; i++) {
      const flag = verdict.anomalous[i - start] ? 1 : 0;
      labels[i] = flag;
      scores[i] = verdict.scores ? verdict.scores[i - start]! : flag;
    }
    judged = end;
  }
  return { scores, labels };
}
