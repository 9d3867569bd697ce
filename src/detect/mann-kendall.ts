// Mann-Kendall trend tests with pymannkendall's semantics (original_test and
// yue_wang_modification_test, lag = None). The Yue-Wang variance correction follows pymannkendall
// HEAD (ec2e3ab): when the Sen-detrended series is constant the ACF is left un-normalised (all
// zeros) so n_ns = 1. Tag v1.4.3, which the peer server pinned, divides by acov[0] unguarded and
// returns var_s = z = p = NaN, h = False for constant or exactly linear windows; pass
// `{ acf: "v1.4.3" }` to get that behaviour.
import { normalCdf, normalPpf } from "./normal";
import { mergeSortCounting } from "./sort";
import { createSensSlopeScratch, sensSlopeWith, type SensSlopeScratch } from "./sens-slope";

export type Trend = "increasing" | "decreasing" | "no trend";

export interface MannKendallResult {
  trend: Trend;
  h: boolean;
  p: number;
  z: number;
  tau: number;
  s: number;
  varS: number;
  slope: number;
  intercept: number;
}

export interface MannKendallOptions {
  /** "head" (default): pymannkendall HEAD; "v1.4.3": unguarded ACF normalisation. */
  acf?: "head" | "v1.4.3";
  /** Reusable scratch space (the drift detector passes one to avoid allocations). */
  scratch?: MannKendallScratch;
}

export interface MannKendallScratch {
  keys: Float64Array;
  order: Int32Array;
  tmp: Int32Array;
  detrended: Float64Array;
  sens: SensSlopeScratch;
}

export function createMannKendallScratch(n = 0): MannKendallScratch {
  return {
    keys: new Float64Array(n),
    order: new Int32Array(n),
    tmp: new Int32Array(n),
    detrended: new Float64Array(n),
    sens: createSensSlopeScratch(n),
  };
}

const ppfCache = new Map<number, number>();
/** Phi^-1(1 - alpha/2); memoised because the drift detector asks for the same alpha every time. */
function criticalZ(alpha: number): number {
  let c = ppfCache.get(alpha);
  if (c === undefined) {
    c = normalPpf(1 - alpha / 2);
    ppfCache.set(alpha, c);
  }
  return c;
}

/** S = sum_{i<j} sign(x[j] - x[i]) and the tie-corrected Var(S), in O(n log n): a stable merge
 * sort of the indices by value counts the discordant pairs Q (strict inversions); with T tied
 * pairs, S = (N - Q - T) - Q for N = n(n-1)/2 pairs. */
export function mannKendallScore(x: ArrayLike<number>, scratch: MannKendallScratch): { s: number; varS: number } {
  const n = x.length;
  if (scratch.keys.length < n) {
    scratch.keys = new Float64Array(n);
    scratch.order = new Int32Array(n);
    scratch.tmp = new Int32Array(n);
  }
  const { keys, order, tmp } = scratch;
  for (let i = 0; i < n; i++) {
    keys[i] = x[i];
    order[i] = i;
  }
  const discordant = mergeSortCounting(order, keys, tmp, n);
  // Tie groups are runs of equal values in sorted order: T = sum t(t-1)/2, and the variance
  // correction sum t(t-1)(2t+5).
  let tiedPairs = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    const v = keys[order[i]];
    let j = i + 1;
    while (j < n && keys[order[j]] === v) j++;
    const t = j - i;
    if (t > 1) {
      tiedPairs += (t * (t - 1)) / 2;
      tieTerm += t * (t - 1) * (2 * t + 5);
    }
    i = j;
  }
  const s = (n * (n - 1)) / 2 - tiedPairs - 2 * discordant;
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  return { s, varS };
}

function zScore(s: number, varS: number): number {
  if (s > 0) return (s - 1) / Math.sqrt(varS);
  if (s < 0) return (s + 1) / Math.sqrt(varS);
  return 0;
}

function decide(
  fields: { s: number; varS: number; tau: number; slope: number; intercept: number },
  alpha: number,
): MannKendallResult {
  const z = zScore(fields.s, fields.varS);
  const p = 2 * (1 - normalCdf(Math.abs(z)));
  const h = Math.abs(z) > criticalZ(alpha); // false for NaN
  const trend: Trend = z < 0 && h ? "decreasing" : z > 0 && h ? "increasing" : "no trend";
  return { trend, h, p, z, ...fields };
}

function checkInput(x: ArrayLike<number>): void {
  if (x.length < 2) throw new RangeError(`Mann-Kendall needs at least 2 values, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`Mann-Kendall needs finite values; x[${i}] = ${x[i]}`);
  }
}

/** pymannkendall.original_test(x, alpha). */
export function mannKendallOriginal(x: ArrayLike<number>, alpha = 0.05, options: MannKendallOptions = {}): MannKendallResult {
  checkInput(x);
  const scratch = options.scratch ?? createMannKendallScratch(x.length);
  const n = x.length;
  const { s, varS } = mannKendallScore(x, scratch);
  const { slope, intercept } = sensSlopeWith(x, scratch.sens);
  return decide({ s, varS, tau: s / (0.5 * n * (n - 1)), slope, intercept }, alpha);
}

/** pymannkendall.yue_wang_modification_test(x, alpha, lag=None). */
export function mannKendallYueWang(x: ArrayLike<number>, alpha = 0.05, options: MannKendallOptions = {}): MannKendallResult {
  checkInput(x);
  const scratch = options.scratch ?? createMannKendallScratch(x.length);
  const n = x.length;
  const { s, varS } = mannKendallScore(x, scratch);
  const { slope, intercept } = sensSlopeWith(x, scratch.sens);
  const nNs = yueWangFactor(x, slope, options.acf ?? "head", scratch);
  return decide({ s, varS: varS * nNs, tau: s / (0.5 * n * (n - 1)), slope, intercept }, alpha);
}

/** n_ns = 1 + 2 sum_{k=1}^{n-1} (1 - k/n) acf[k] of y = x - (1..n) * slope, with the biased ACF
 * acf[k] = c_k / (n acov0), c_k = sum_i y_i y_{i+k} (y centred), acov0 = c_0 / n.
 * The lag sum is done in O(n) instead of O(n^2): sum_k (1 - k/n) c_k = sum_{i<j} (1 - (j-i)/n) y_i y_j
 * = A - B/n with A = sum_{i<j} y_i y_j and B = sum_j y_j (j P_j - Q_j), P_j = sum_{i<j} y_i,
 * Q_j = sum_{i<j} i y_i. It differs from numpy's order of summation by rounding only (the
 * golden tests hold it to relative 1e-9). */
function yueWangFactor(x: ArrayLike<number>, slope: number, acf: "head" | "v1.4.3", scratch: MannKendallScratch): number {
  const n = x.length;
  if (scratch.detrended.length < n) scratch.detrended = new Float64Array(n);
  const y = scratch.detrended;
  let mean = 0;
  let constant = true;
  for (let i = 0; i < n; i++) {
    y[i] = x[i] - (i + 1) * slope;
    mean += y[i];
    if (y[i] !== y[0]) constant = false;
  }
  // A constant detrended series has acov[0] == 0 in pymannkendall whatever the summation order;
  // testing it directly keeps that decision exact.
  if (constant) return acf === "head" ? 1 : NaN;
  mean /= n;
  let c0 = 0;
  let A = 0;
  let B = 0;
  let P = 0;
  let Q = 0;
  for (let j = 0; j < n; j++) {
    const v = y[j] - mean;
    c0 += v * v;
    A += v * P;
    B += v * (j * P - Q);
    P += v;
    Q += j * v;
  }
  const acov0 = c0 / n;
  if (acov0 === 0) return acf === "head" ? 1 : NaN;
  const sni = (A - B / n) / n / acov0;
  return 1 + 2 * sni;
}
