// The default (shallow) traffic model, after ShallowOutliers of rb-aioutliers (docs/design.md §
// Default (shallow) model). Expected value = the triangular smoothing of the series
// (./smoothing.ts, as the original).
//
// The original then flagged the `contamination` fraction of points an isolation forest over
// [smoothed, |value − smoothed|, sign(value − smoothed), daily_sin, weekly_cos] scored lowest
// (sklearn's predict with contamination), so it flagged at least one point in every series, even
// a clean one, and on long series the lowest scores went to points the wide window (505 points
// for a week of minutes) fits badly at the series' ends and at daily peaks, crowding out real
// spikes. Here:
// 1. sensitivity confirms: a point can be anomalous only when its residual r = value − smoothed
//    stands out locally: e = r − median of its ±5 neighbours' residuals (this removes the slow
//    bias of the wide window), and |e − median e| / (1.4826·MAD e) must exceed the normal quantile
//    at which n Gaussian residuals have chance 1 − sensitivity of any point beyond it (Bonferroni
//    over n). A clean noisy series is flagged in about 5% of cases at the default 0.95.
// 2. contamination caps: at most as many points as sklearn's contamination threshold flags
//    (ceil(contamination·(n − 1)), at least 1) are reported.
// 3. the forest ranks: when more points pass step 1 than the cap allows, the seeded forest (the
//    original's features, fitted on every point) keeps the cap most isolated of them. When they
//    fit under the cap the ranking cannot change the answer, so the forest is not grown.
import { IsolationForest } from "./isolation-forest";
import { ModelInputError, DEFAULT_MODEL_NAME } from "./model-catalog";
import { normalPpf } from "./normal";
import { median, medianAbsoluteDeviation } from "./percentile";
import { smoothSeries } from "./smoothing";
import { encodeTimes } from "./time-encoding";
import type { ColumnJudgement, TimeseriesRow, TrafficModel, TrafficModelResult } from "./traffic-model";

export interface ShallowOptions {
  /** [ShallowOutliers] contamination: the largest fraction of points reported (see above). */
  contamination: number;
  /** [ShallowOutliers] sensitivity: confidence required before a deviation counts (see above). */
  sensitivity: number;
  nEstimators?: number;
  /** Forest seed (42, as the original's OutlierIdentifier used random_state=42). */
  seed?: number;
}

/** Fewer points than this cannot be judged (one point smooths to NaN in the original). */
const SHALLOW_MIN_POINTS = 2;

/** [smoothed, |value − smoothed|, sign(value − smoothed), daily sin, weekly cos]. */
const FEATURES = 5;

/** Half-width of the running median that takes the slow part out of the residuals. */
const LOCAL_HALF_WIDTH = 5;
const MAD_TO_SIGMA = 1.4826; // 1/Φ⁻¹(3/4): MAD of a normal sample estimates 0.6745σ
const MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2); // fallback when more than half the residuals tie

export interface ShallowDecision {
  smoothed: Float64Array;
  anomalous: boolean[];
  /** Whether the forest had to rank (more confirmed points than contamination allows). */
  forestRanked: boolean;
}

/** The most points reported: what sklearn's contamination threshold (the contamination-th
 * percentile of n scores, linear interpolation) flags, at least one. */
export function contaminationCap(n: number, contamination: number): number {
  return Math.max(1, Math.ceil(contamination * (n - 1)));
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
  const H = LOCAL_HALF_WIDTH, width = 2 * H + 1;
  if (n < width || !r.every(Number.isFinite)) { // the sliding window finds values by equality
    for (let i = 0; i < n; i++) out[i] = r[i]! - neighbourMedian(r, i, w);
    return out;
  }
  for (let i = 0; i < H; i++) {
    out[i] = r[i]! - neighbourMedian(r, i, w);
    out[n - 1 - i] = r[n - 1 - i]! - neighbourMedian(r, n - 1 - i, w);
  }
  // Inside, the window r[i-H..i+H] slides: kept sorted, one value leaves and one enters per
  // step; the neighbours are the window without (one copy of) r[i], whose sorted 5th and 6th
  // values are the window's 5th/6th or 6th/7th depending on where r[i] sits.
  const win = new Float64Array(width);
  for (let k = 0; k < width; k++) insertSorted(win, k, r[k]!);
  for (let i = H; i < n - H; i++) {
    if (i > H) {
      let j = 0;
      const leaving = r[i - H - 1]!;
      while (win[j] !== leaving) j++;
      for (; j < width - 1; j++) win[j] = win[j + 1]!;
      insertSorted(win, width - 1, r[i + H]!);
    }
    const self = r[i]!;
    let p = 0;
    while (win[p] !== self) p++;
    const a = p <= H - 1 ? win[H]! : win[H - 1]!, b = p <= H ? win[H + 1]! : win[H]!;
    out[i] = self - (a + b) / 2;
  }
  return out;
}

/** Inserts v into the sorted w[0..m). */
function insertSorted(w: Float64Array, m: number, v: number): void {
  let j = m;
  while (j > 0 && w[j - 1]! > v) { w[j] = w[j - 1]!; j--; }
  w[j] = v;
}

/** The median of r's neighbours within ±LOCAL_HALF_WIDTH of i (near the ends, fewer). */
function neighbourMedian(r: Float64Array, i: number, w: Float64Array): number {
  const n = r.length;
  const lo = Math.max(0, i - LOCAL_HALF_WIDTH), hi = Math.min(n - 1, i + LOCAL_HALF_WIDTH);
  // Insertion sort of the (at most 10) neighbours: cheaper than a typed-array sort call.
  let m = 0;
  for (let k = lo; k <= hi; k++) if (k !== i) insertSorted(w, m++, r[k]!);
  const mid = m >> 1;
  return m % 2 ? w[mid]! : (w[mid - 1]! + w[mid]!) / 2;
}

/** The forest's features column by column (feature j of point i at X[j·n + i]). */
function forestFeatures(smoothed: Float64Array, residual: Float64Array, timestamps: readonly string[]): Float64Array {
  const n = residual.length;
  const X = new Float64Array(FEATURES * n);
  for (let i = 0; i < n; i++) {
    const r = residual[i]!;
    X[i] = smoothed[i]!; X[n + i] = Math.abs(r); X[2 * n + i] = Math.sign(r);
  }
  const bad = encodeTimes(timestamps, X.subarray(3 * n, 4 * n), X.subarray(4 * n));
  if (bad >= 0) throw new ModelInputError(`row ${bad}: timestamp ${JSON.stringify(timestamps[bad])} has no date and time`);
  return X;
}

/** The pure core: values and their timestamps (ISO-8601, wall clock used as written). */
export function shallowOutliers(values: ArrayLike<number>, timestamps: readonly string[], opts: ShallowOptions): ShallowDecision {
  const n = values.length;
  const smoothed = smoothSeries(values);
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = values[i]! - smoothed[i]!;
  const local = locallyDetrended(residual);
  const center = median(local);
  const scale = residualScale(local, center);
  const zCut = normalPpf(1 - (1 - opts.sensitivity) / (2 * n));
  const confirmed: number[] = [];
  for (let i = 0; i < n; i++) {
    const deviation = Math.abs(local[i]! - center);
    if (scale > 0 ? deviation / scale > zCut : deviation > 0) confirmed.push(i);
  }
  const anomalous = new Array<boolean>(n).fill(false);
  const cap = contaminationCap(n, opts.contamination);
  if (confirmed.length <= cap) {
    for (const i of confirmed) anomalous[i] = true;
    return { smoothed, anomalous, forestRanked: false };
  }
  const X = forestFeatures(smoothed, residual, timestamps);
  const forest = new IsolationForest({ nEstimators: opts.nEstimators ?? 100, seed: opts.seed ?? 42 }).fitColumnMajor(X, n, FEATURES);
  const candidates: number[][] = [];
  for (const i of confirmed) {
    const row = new Array<number>(FEATURES);
    for (let j = 0; j < FEATURES; j++) row[j] = X[j * n + i]!;
    candidates.push(row);
  }
  const scores = forest.scoreSamples(candidates);
  // Lowest score = most isolated; ties keep input order.
  const order = confirmed.map((_, k) => k).sort((a, b) => scores[a]! - scores[b]! || a - b);
  for (const k of order.slice(0, cap)) anomalous[confirmed[k]!] = true;
  return { smoothed, anomalous, forestRanked: true };
}

export class ShallowModel implements TrafficModel {
  readonly name = DEFAULT_MODEL_NAME;

  constructor(private readonly opts: ShallowOptions) {}

  /** The decision for one metric's values and their timestamps (what run() does without row
   * objects). */
  judge(values: ArrayLike<number>, timestamps: readonly string[]): ShallowDecision {
    if (values.length < SHALLOW_MIN_POINTS)
      throw new ModelInputError(`the default model needs at least ${SHALLOW_MIN_POINTS} points, got ${values.length}; send a longer series`);
    return shallowOutliers(values, timestamps, this.opts);
  }

  /** The traffic API's fast path: the expected value is the smoothed series. */
  judgeColumn(values: ArrayLike<number>, timestamps: readonly string[]): ColumnJudgement {
    const { smoothed, anomalous } = this.judge(values, timestamps);
    return { expected: smoothed, anomalous };
  }

  async run(rows: TimeseriesRow[], metric: string): Promise<TrafficModelResult> {
    const values = rows.map((r) => r.result[metric]!);
    const timestamps = rows.map((r) => r.timestamp);
    const { smoothed, anomalous } = this.judge(values, timestamps);
    const anomalies = [];
    const predicted = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      predicted[i] = { timestamp: timestamps[i]!, forecast: smoothed[i]! };
      if (anomalous[i]) anomalies.push({ timestamp: timestamps[i]!, expected: smoothed[i]!, value: values[i]! });
    }
    return { anomalies, predicted };
  }
}
