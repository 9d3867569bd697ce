// ARTime's input stage (ARTimeNAB.jl, process_sample!): every `step` samples one downsampled
// value, normalised by the series' range, discretised to `levels` levels, pulled to the running
// median when within `chomp` of it, and the last `window` such values turned into a feature
// vector: their Haar wavelet coefficients (min-max scaled to [0, 1]) followed by the values.
import { rintHalfEven } from "../round";
import { haarDwt } from "./haar-dwt";
import { addLevel, newLevelMedian, type LevelMedianState } from "./level-median";

export interface FrontEndParams {
  /** Samples per downsampled value. */
  step: number;
  /** Downsampled values per feature vector (a power of two). */
  window: number;
  levels: number;
  chomp: number;
  /** The range that maps to [0, 1]; values outside it are clamped to the end levels. */
  min: number;
  max: number;
}

export interface FrontEndState {
  /** The last `step` samples, oldest first. */
  recent: Float64Array;
  /** Samples seen. */
  samples: number;
  /** Downsampled values made (ARTime's dsi once the current one is made). */
  made: number;
  movingAverage: number;
  median: LevelMedianState;
  /** The last `window` discretised values, oldest first. */
  values: Float64Array;
}

export function newFrontEnd(p: FrontEndParams): FrontEndState {
  return {
    recent: new Float64Array(p.step), samples: 0, made: 0, movingAverage: 0,
    median: newLevelMedian(p.levels), values: new Float64Array(p.window),
  };
}

function push(a: Float64Array, v: number): void {
  a.copyWithin(0, 1);
  a[a.length - 1] = v;
}

/** One downsampled value: the window's extreme on the side further from a fast moving average
 * of the means (a spike below the mean counts as much as one above), or the mean when that
 * extreme is within 10 % of the mean. */
function downsample(s: FrontEndState): number {
  const r = s.recent;
  let sum = r[0], hi = r[0], lo = r[0];
  for (let k = 1; k < r.length; k++) {
    sum += r[k];
    if (r[k] > hi) hi = r[k];
    if (r[k] < lo) lo = r[k];
  }
  const mean = sum / r.length;
  if (s.made === 1) s.movingAverage = mean;
  s.movingAverage = (s.movingAverage + mean) / 2;
  let ds = Math.abs(hi - s.movingAverage) < Math.abs(lo - s.movingAverage) ? lo : hi;
  if (Math.abs(ds - mean) < 0.1 * mean) ds = mean;
  return ds;
}

/** The level of a downsampled value: normalised, rounded half to even, clamped to [0, levels]. */
function levelOf(p: FrontEndParams, ds: number): number {
  let v = ds - p.min;
  if (p.max - p.min !== 0) v = v / (p.max - p.min);
  const level = rintHalfEven(v * p.levels);
  return level > 0 ? (level < p.levels ? level : p.levels) : 0;
}

/** Scales `a` in place to [0, 1] by its own min and max (left shifted only when constant). */
function minMaxScale(a: Float64Array): void {
  let lo = a[0];
  for (let k = 1; k < a.length; k++) if (a[k] < lo) lo = a[k];
  let hi = -Infinity;
  for (let k = 0; k < a.length; k++) {
    a[k] -= lo;
    if (a[k] > hi) hi = a[k];
  }
  if (hi !== 0) for (let k = 0; k < a.length; k++) a[k] /= hi;
}

const shape = new Float64Array(64), wavelet = new Float64Array(64), half = new Float64Array(32);

/** Feeds one sample. Returns false between downsampled values; otherwise writes the feature
 * vector (2·window values, all 0 until `window` values were made) to `features`. */
export function frontEndStep(p: FrontEndParams, s: FrontEndState, value: number, features: Float64Array): boolean {
  push(s.recent, value);
  s.samples++;
  if (s.samples % p.step !== 0) return false;
  s.made++;
  const level = levelOf(p, downsample(s));
  let ds = level / p.levels;
  const median = addLevel(s.median, level) / p.levels;
  if (Math.abs(ds - median) < p.chomp) ds = median;
  push(s.values, ds);
  const w = p.window;
  if (s.made < w) {
    features.fill(0);
    return true;
  }
  const x = shape.subarray(0, w), y = wavelet.subarray(0, w);
  x.set(s.values);
  minMaxScale(x);
  haarDwt(x, y, half.subarray(0, w >> 1));
  minMaxScale(y);
  features.set(y, 0);
  features.set(s.values, w);
  return true;
}
