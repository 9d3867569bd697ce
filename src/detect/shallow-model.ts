// The default (shallow) traffic model, after ShallowOutliers of rb-aioutliers (DESIGN §3):
// expected value = the triangular smoothing of the series (./smoothing.ts); an isolation forest
// over [smoothed, |value − smoothed|, sign(value − smoothed), daily_sin, weekly_cos] ranks the
// points, and the `contamination` fraction with the lowest scores are candidates (sklearn's
// predict: score_samples < offset_ = percentile(scores, 100·contamination)).
//
// The original stopped there, so it flagged at least one point in every series, even a clean one
// (the percentile always has a point below it). Here a candidate is an anomaly only when its
// residual r = value − smoothed also stands out locally: e = r − median of r over ±5 neighbours
// (which removes the slow bias of a wide smoothing window, e.g. 505 points for a week of
// minutes), and |e − median e| / (1.4826·MAD e) must exceed the normal quantile at which n
// Gaussian residuals have chance 1 − sensitivity of any point beyond it (Bonferroni over n). With
// the default sensitivity 0.95 a clean noisy series is flagged in about 5% of cases at most,
// instead of always. The forest is seeded, so the same input gives the same answer.
import { IsolationForest } from "./isolation-forest";
import { ModelInputError, DEFAULT_MODEL_NAME } from "./model-catalog";
import { normalPpf } from "./normal";
import { median, medianAbsoluteDeviation, percentile } from "./percentile";
import { smoothSeries } from "./smoothing";
import { dailySin, wallClock, weeklyCos } from "./time-encoding";
import type { TimeseriesRow, TrafficModel, TrafficModelResult } from "./traffic-model";

export interface ShallowOptions {
  /** [ShallowOutliers] contamination: the largest fraction of points reported. */
  contamination: number;
  /** [ShallowOutliers] sensitivity: confidence required before a deviation counts (see above). */
  sensitivity: number;
  nEstimators?: number;
  /** Forest seed; the original used random_state=42 in its later versions. */
  seed?: number;
}

/** Fewer points than this cannot be judged (one point smooths to NaN in the original). */
export const SHALLOW_MIN_POINTS = 2;

/** Half-width of the running median that takes the slow part out of the residuals. */
const LOCAL_HALF_WIDTH = 5;
const MAD_TO_SIGMA = 1.4826; // 1/Φ⁻¹(3/4): MAD of a normal sample estimates 0.6745σ
const MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2); // fallback when more than half the residuals tie

export interface ShallowDecision {
  smoothed: Float64Array;
  /** The forest's score_samples; undefined when no point passed the confirmation step, so the
   * forest was not needed. */
  scores: number[] | undefined;
  anomalous: boolean[];
}

/** Robust scale of residuals: MAD, else mean absolute deviation, else 0 (all equal). */
function residualScale(r: Float64Array, center: number): number {
  const mad = medianAbsoluteDeviation(r, center);
  if (mad > 0) return MAD_TO_SIGMA * mad;
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += Math.abs(r[i]! - center);
  return (sum / r.length) * MEAN_ABS_TO_SIGMA;
}

/** r minus the median of its neighbours within ±LOCAL_HALF_WIDTH (the point itself left out, so it
 * never pulls its own baseline and the differences keep the noise's spread). */
export function locallyDetrended(r: Float64Array): Float64Array {
  const n = r.length, out = new Float64Array(n), w = new Float64Array(2 * LOCAL_HALF_WIDTH);
  if (n === 1) return out;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - LOCAL_HALF_WIDTH), hi = Math.min(n - 1, i + LOCAL_HALF_WIDTH);
    // Insertion sort of the (at most 10) neighbours: cheaper than a typed-array sort call.
    let m = 0;
    for (let k = lo; k <= hi; k++) {
      if (k === i) continue;
      const v = r[k]!;
      let j = m++;
      while (j > 0 && w[j - 1]! > v) { w[j] = w[j - 1]!; j--; }
      w[j] = v;
    }
    const mid = m >> 1;
    out[i] = r[i]! - (m % 2 ? w[mid]! : (w[mid - 1]! + w[mid]!) / 2);
  }
  return out;
}

/** The pure core: values and their timestamps (ISO-8601, wall clock used as written). */
export function shallowOutliers(values: ArrayLike<number>, timestamps: readonly string[], opts: ShallowOptions): ShallowDecision {
  const n = values.length;
  const smoothed = smoothSeries(values);
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = values[i]! - smoothed[i]!;
  // The confirmation step first: it is cheap, and when no point passes it the forest cannot
  // change the answer (an anomaly needs both), so it is not grown at all.
  const local = locallyDetrended(residual);
  const center = median(local);
  const scale = residualScale(local, center);
  const zCut = normalPpf(1 - (1 - opts.sensitivity) / (2 * n));
  const improbable = new Array<boolean>(n);
  let anyImprobable = false;
  for (let i = 0; i < n; i++) {
    const deviation = Math.abs(local[i]! - center);
    improbable[i] = scale > 0 ? deviation / scale > zCut : deviation > 0;
    anyImprobable ||= improbable[i]!;
  }
  const anomalous = new Array<boolean>(n).fill(false);
  if (!anyImprobable) return { smoothed, scores: undefined, anomalous };
  const X: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const clock = wallClock(timestamps[i]!);
    if (!clock) throw new ModelInputError(`row ${i}: timestamp ${JSON.stringify(timestamps[i])} has no date and time`);
    const r = residual[i]!;
    X[i] = [smoothed[i]!, Math.abs(r), Math.sign(r), dailySin(clock), weeklyCos(clock)];
  }
  const forest = new IsolationForest({ nEstimators: opts.nEstimators ?? 100, seed: opts.seed ?? 42 }).fit(X);
  const scores = forest.scoreSamples(X);
  const offset = percentile(scores, 100 * opts.contamination);
  for (let i = 0; i < n; i++) anomalous[i] = improbable[i]! && scores[i]! < offset;
  return { smoothed, scores, anomalous };
}

export class ShallowModel implements TrafficModel {
  readonly name = DEFAULT_MODEL_NAME;

  constructor(private readonly opts: ShallowOptions) {}

  async run(rows: TimeseriesRow[], metric: string): Promise<TrafficModelResult> {
    if (rows.length < SHALLOW_MIN_POINTS)
      throw new ModelInputError(`the default model needs at least ${SHALLOW_MIN_POINTS} points, got ${rows.length}; send a longer series`);
    const values = rows.map((r) => r.result[metric]!);
    const timestamps = rows.map((r) => r.timestamp);
    const { smoothed, anomalous } = shallowOutliers(values, timestamps, this.opts);
    const anomalies = [];
    const predicted = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      predicted[i] = { timestamp: timestamps[i]!, forecast: smoothed[i]! };
      if (anomalous[i]) anomalies.push({ timestamp: timestamps[i]!, expected: smoothed[i]!, value: values[i]! });
    }
    return { anomalies, predicted };
  }
}
