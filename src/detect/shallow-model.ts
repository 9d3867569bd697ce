// The default traffic model, after ShallowOutliers of rb-aioutliers (docs/design.md §
// Default (shallow) model), reworked by
// issue 18. Expected value (the answer's `expected` and `forecast`) = the triangular smoothing of
// the series (./smoothing.ts, as the original).
//
// The original flagged the `contamination` fraction of points an isolation forest over
// [smoothed, |value − smoothed|, sign(value − smoothed), daily_sin, weekly_cos] scored lowest, so
// it flagged at least one point in every series, and, replayed the way the redborder manager polls
// (docs/quality.md, "Traffic API"), its flags cost more than they found. Here each row gets an
// anomaly score in [0, 1] (./series-judgement.ts):
// 1. the station `default` detector run over the rows in time order (from scratch on the window,
//    after rehearsing its older part, or continuing a series' history); anomalous when its score
//    reaches its alarm level;
// 2. rows it cannot judge yet (its learning period, e.g. a series shorter than that) take the
//    residual test: a point's residual r = value − smoothed, relative to the median of its ±5
//    neighbours' residuals (which removes the slow bias of the wide window), as a robust z-score
//    (MAD); anomalous when the chance that none of n Gaussian residuals lies as far out exceeds
//    `sensitivity` (Bonferroni over n; a clean noisy series is flagged in about 5% of cases at
//    the default 0.95);
// 3. contamination caps: at most ceil(contamination·(n − 1)) rows (at least 1) decided in one
//    answer are anomalous: the detector's first, then the residual test's, by score.
import type { ContextHelper } from "./default-detector/context-terms";
import { ModelInputError, DEFAULT_MODEL_NAME } from "./model-catalog";
import { median, medianAbsoluteDeviation } from "./percentile";
import { judgeSeries, type RowTimes, type SeriesHistory } from "./series-judgement";
import { smoothSeries } from "./smoothing";
import type { ColumnJudgement, TimeseriesRow, TrafficModel, TrafficModelResult } from "./traffic-model";

export interface ShallowOptions {
  /** [ShallowOutliers] contamination: the largest fraction of rows reported (see above). */
  contamination: number;
  /** [ShallowOutliers] sensitivity: confidence the residual test requires (see above). */
  sensitivity: number;
  /** The part of a window a fresh detector rehearses on (./series-judgement.ts; not a setting: the
   * NAB bench's cross-validation tries other values). */
  rehearsed?: number;
  /** Computes a fresh detector's context terms on another thread (not a setting: the traffic
   * service's, src/traffic/context-pool.ts). */
  context?: ContextHelper;
}

/** Fewer points than this cannot be judged (one point smooths to NaN in the original). */
const SHALLOW_MIN_POINTS = 2;

/** Half-width of the running median that takes the slow part out of the residuals. */
const LOCAL_HALF_WIDTH = 5;
const MAD_TO_SIGMA = 1.4826; // 1/Φ⁻¹(3/4): MAD of a normal sample estimates 0.6745σ
const MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2); // fallback when more than half the residuals tie

export interface ShallowDecision {
  smoothed: Float64Array;
  /** Anomaly score of each row in [0, 1]. */
  scores: Float64Array;
  anomalous: boolean[];
  /** The series' history after this answer (for ../traffic/series-memory.ts). */
  history: SeriesHistory;
  /** Rows fed to the series' detector now (0: the history is unchanged). */
  fed: number;
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
  if (n < width || !allFinite(r)) { // the sliding window finds values by equality
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

/** Whether every value is finite (a loop: `every(Number.isFinite)` boxes each value for the call). */
function allFinite(r: Float64Array): boolean {
  for (let i = 0; i < r.length; i++) if (!Number.isFinite(r[i])) return false;
  return true;
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

/** Robust z-scores of the residuals after smoothing, taken locally (see above). */
export function residualZ(values: ArrayLike<number>, smoothed: Float64Array): Float64Array {
  const n = values.length;
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = values[i]! - smoothed[i]!;
  const local = locallyDetrended(residual);
  const center = median(local);
  const scale = residualScale(local, center);
  for (let i = 0; i < n; i++) {
    const deviation = Math.abs(local[i]! - center);
    local[i] = scale > 0 ? deviation / scale : deviation > 0 ? Infinity : 0;
  }
  return local;
}

/** The pure core: values and their timestamps (ISO-8601, or their epoch ms when the caller has
 * read them), judged from scratch or after a series' history. */
export function shallowOutliers(values: ArrayLike<number>, timestamps: RowTimes, opts: ShallowOptions, history?: SeriesHistory, discardHistory = false): ShallowDecision {
  const smoothed = smoothSeries(values);
  const cap = contaminationCap(values.length, opts.contamination);
  const judged = judgeSeries(values, timestamps, { sensitivity: opts.sensitivity, cap, residualZ: () => residualZ(values, smoothed), rehearsed: opts.rehearsed, discardHistory, context: opts.context }, history);
  return { smoothed, ...judged };
}

export class ShallowModel implements TrafficModel {
  readonly name = DEFAULT_MODEL_NAME;

  constructor(private readonly opts: ShallowOptions) {}

  /** The decision for one metric's values and their timestamps (what run() does without row
   * objects; the traffic API's fast path writes its answer from it), after the series' history
   * when there is one; `timestamps` may be their epoch ms, when the caller has read them. */
  judge(values: ArrayLike<number>, timestamps: RowTimes, history?: SeriesHistory, discardHistory = false): ShallowDecision {
    if (values.length < SHALLOW_MIN_POINTS)
      throw new ModelInputError(`the default model needs at least ${SHALLOW_MIN_POINTS} points, got ${values.length}; send a longer series`);
    return shallowOutliers(values, timestamps, this.opts, history, discardHistory);
  }

  /** The traffic API's fast path, judged from scratch, the history discarded (series memory:
   * ../traffic/series-memory.ts). */
  judgeColumn(values: ArrayLike<number>, times: Float64Array): ColumnJudgement {
    return columnJudgement(this.judge(values, times, undefined, true));
  }

  async run(rows: TimeseriesRow[], metric: string): Promise<TrafficModelResult> {
    const values = rows.map((r) => r.result[metric]!);
    const timestamps = rows.map((r) => r.timestamp);
    return this.answer(values, timestamps, this.judge(values, timestamps, undefined, true));
  }

  /** The answer's anomalies and forecasts from a decision on these values and timestamps. */
  answer(values: ArrayLike<number>, timestamps: readonly string[], decision: ShallowDecision): TrafficModelResult {
    const { smoothed, scores, anomalous } = decision;
    const anomalies = [];
    const predicted = new Array(timestamps.length);
    for (let i = 0; i < timestamps.length; i++) {
      predicted[i] = { timestamp: timestamps[i]!, forecast: smoothed[i]!, score: scores[i]! };
      if (anomalous[i]) anomalies.push({ timestamp: timestamps[i]!, expected: smoothed[i]!, value: values[i]!, score: scores[i]! });
    }
    return { anomalies, predicted };
  }
}

/** A decision as the fast path's verdict: the expected value is the smoothed series. */
export function columnJudgement(decision: ShallowDecision): ColumnJudgement {
  return { expected: decision.smoothed, scores: decision.scores, anomalous: decision.anomalous };
}

/** The default model with the [ShallowOutliers] settings (what the traffic service and the NAB
 * bench's traffic replay use). */
export function defaultTrafficModel(settings: ShallowOptions, context?: ContextHelper): ShallowModel {
  return new ShallowModel({ contamination: settings.contamination, sensitivity: settings.sensitivity, ...(context ? { context } : {}) });
}
