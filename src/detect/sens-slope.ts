// Theil-Sen slope with pymannkendall's semantics: slope = median of the n(n-1)/2 pairwise slopes
// (x[j] - x[i]) / (j - i), i < j; intercept = median(x) - median(0..n-1) * slope (Conover 1980).
// Each slope is computed by the same expression as pymannkendall, and for an even count the median
// is the mean of the two middle slopes as numpy computes it, so the results are the same doubles.
// The median is found by slope selection in O(n log n) expected time (see bracketedMedianSlope).
import { mergeSortCounting } from "./sort";

export interface SensSlopeResult {
  slope: number;
  intercept: number;
}

/** Scratch space for `sensSlopeWith`, reusable between calls to avoid large allocations. */
export interface SensSlopeScratch {
  slopes: Float64Array;
  band: Float64Array;
  values: Float64Array;
  work?: { keyA: Float64Array; keyB: Float64Array; order: Int32Array; tmp: Int32Array };
}

export function createSensSlopeScratch(n = 0): SensSlopeScratch {
  return { slopes: new Float64Array(0), band: new Float64Array(0), values: new Float64Array(n) };
}

export function sensSlope(x: ArrayLike<number>): SensSlopeResult {
  return sensSlopeWith(x, createSensSlopeScratch(x.length));
}

export function sensSlopeWith(x: ArrayLike<number>, scratch: SensSlopeScratch): SensSlopeResult {
  const n = x.length;
  if (n < 2) throw new RangeError(`Sen's slope needs at least 2 values, got ${n}`);
  if (scratch.values.length < n) scratch.values = new Float64Array(n);
  const slope = medianSlope(x, scratch);
  const v = scratch.values;
  for (let i = 0; i < n; i++) v[i] = x[i];
  // median(arange(n)) = (n - 1) / 2 exactly.
  const intercept = median(v, n) - ((n - 1) / 2) * slope;
  return { slope, intercept };
}

const slopeOf = (x: ArrayLike<number>, i: number, j: number) => (x[j] - x[i]) / (j - i);

/** Median of all pairwise slopes, as the mean of the slopes of ranks kLo and kHi. */
function medianSlope(x: ArrayLike<number>, scratch: SensSlopeScratch): number {
  const n = x.length;
  const count = (n * (n - 1)) / 2;
  const kHi = Math.floor(count / 2); // 0-based rank of the (upper) middle slope
  const kLo = count % 2 === 1 ? kHi : kHi - 1;
  if (n > 64) {
    // A bracket of +-2 standard deviations of the sample rank misses about 1 time in 20; the
    // retry at +-8 practically never, so all slopes are stored only for small n.
    for (const spread of [1, 4]) {
      const m = bracketedMedianSlope(x, scratch, count, kLo, kHi, spread);
      if (m !== undefined) return m;
    }
  }
  if (scratch.slopes.length < count) scratch.slopes = new Float64Array(count);
  const d = scratch.slopes;
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i];
    for (let j = i + 1; j < n; j++) d[k++] = (x[j] - xi) / (j - i);
  }
  return medianOfRanks(d, count, kLo, kHi);
}

/** Slope selection in O(n log n + K) expected time (after Matousek 1991; Dillencourt, Mount &
 * Netanyahu 1992), exact on the doubles pymannkendall computes:
 * 1. a random sample of slopes gives a bracket [lo, hi] that very likely holds the median;
 * 2. with u_k(t) = x_k - t k, a pair i < j has slope < t iff u_j(t) < u_i(t), so sorting the
 *    points by u(lo') counts the slopes below lo' as inversions, and the pairs whose order
 *    differs between u(lo') and u(hi') are exactly those with slopes in [lo', hi'] (K of them),
 *    enumerated by a merge sort; lo' < lo and hi' > hi by a margin far above the rounding error of
 *    u, so rounding can misplace no pair across [lo, hi];
 * 3. the K pairs get their slope computed exactly as pymannkendall does; the median is selected
 *    among those in [lo, hi].
 * Returns undefined when the bracket missed or rounding was inconsistent (then the caller retries
 * with a wider bracket, and only then computes all slopes). */
function bracketedMedianSlope(
  x: ArrayLike<number>, scratch: SensSlopeScratch, count: number, kLo: number, kHi: number, spreadFactor: number,
): number | undefined {
  const n = x.length;
  const m = Math.min(count, Math.round(5 * Math.sqrt(count)));
  if (scratch.slopes.length < m) scratch.slopes = new Float64Array(m);
  const sample = scratch.slopes;
  // Pairs drawn by hashing the sample's number (each draw independent of the previous one): any
  // fixed sample gives the same result, only the speed depends on how well it represents all slopes.
  const toUnit = 2.3283064365386963e-10; // 2^-32
  for (let s = 0; s < m; s++) {
    let h = Math.imul(s + 1, 0x9e3779b9);
    h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
    h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
    const a = (h ^ (h >>> 15)) >>> 0;
    const g = Math.imul(a ^ 0x5bd1e995, 0x27d4eb2d);
    const b = (g ^ (g >>> 15)) >>> 0;
    const i = Math.floor(a * toUnit * n);
    let j = Math.floor(b * toUnit * (n - 1));
    if (j >= i) j++;
    sample[s] = i < j ? slopeOf(x, i, j) : slopeOf(x, j, i);
  }
  // The sample rank of the median has a standard deviation of sqrt(m)/2.
  const spread = Math.ceil(spreadFactor * Math.sqrt(m));
  const loRank = Math.max(0, Math.floor((kLo / count) * m) - spread);
  const hiRank = Math.min(m - 1, Math.ceil((kHi / count) * m) + spread);
  select(sample, 0, m - 1, loRank);
  const lo = sample[loRank];
  select(sample, loRank, m - 1, hiRank);
  const hi = sample[hiRank];

  let maxAbs = 0;
  for (let k = 0; k < n; k++) maxAbs = Math.max(maxAbs, Math.abs(x[k]));
  // |rounding error of u_j - u_i| <= ~4 ulp(max|x| + |t| n); the margin is 100x that.
  const margin = 1e-13 * (maxAbs + Math.max(Math.abs(lo), Math.abs(hi)) * n) + Number.MIN_VALUE;
  const tLo = lo - margin, tHi = hi + margin;
  const ws = workspace(scratch, n);
  const { keyA, keyB, order, tmp } = ws;
  for (let k = 0; k < n; k++) {
    keyA[k] = x[k] - tLo * k;
    keyB[k] = x[k] - tHi * k;
    order[k] = k;
  }
  let below = mergeSortCounting(order, keyA, tmp, n);
  // order is now the points by u(lo'). Its inversions by u(hi') are the pairs in [lo', hi'].
  let kept = 0;
  // Expected number of slopes in the bracket, with room to spare; grown if ever exceeded.
  const expected = Math.ceil((1.5 * (hiRank - loRank + 1) * count) / m) + 1024;
  if (scratch.band.length < expected) scratch.band = new Float64Array(expected);
  let band = scratch.band;
  let inconsistent = false;
  for (let width = 1; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const mid = Math.min(start + width, n), end = Math.min(start + 2 * width, n);
      let i = start, j = mid, k = start;
      while (i < mid && j < end) {
        if (keyB[order[i]] <= keyB[order[j]]) { tmp[k++] = order[i++]; continue; }
        const q = order[j];
        for (let l = i; l < mid; l++) {
          const p = order[l];
          if (p > q) { inconsistent = true; continue; }
          const s = (x[q] - x[p]) / (q - p);
          if (s < lo) below++;
          else if (s <= hi) {
            if (kept === band.length) band = scratch.band = grow(band, kept);
            band[kept++] = s;
          }
        }
        tmp[k++] = order[j++];
      }
      while (i < mid) tmp[k++] = order[i++];
      while (j < end) tmp[k++] = order[j++];
    }
    order.set(tmp.subarray(0, n));
  }
  if (inconsistent || below > kLo || below + kept <= kHi) return undefined;
  return medianOfRanks(band, kept, kLo - below, kHi - below);
}

function grow(a: Float64Array, used: number): Float64Array {
  const b = new Float64Array(Math.max(1024, 2 * a.length));
  b.set(a.subarray(0, used));
  return b;
}

interface SlopeWorkspace { keyA: Float64Array; keyB: Float64Array; order: Int32Array; tmp: Int32Array }

function workspace(scratch: SensSlopeScratch, n: number): SlopeWorkspace {
  if (!scratch.work || scratch.work.order.length < n) {
    scratch.work = { keyA: new Float64Array(n), keyB: new Float64Array(n), order: new Int32Array(n), tmp: new Int32Array(n) };
  }
  return scratch.work;
}


/** Mean of the kLo-th and kHi-th smallest of a[0..len) (kHi = kLo or kLo + 1), as numpy's median. */
function medianOfRanks(a: Float64Array, len: number, kLo: number, kHi: number): number {
  select(a, 0, len - 1, kHi);
  if (kLo === kHi) return a[kHi];
  // After selecting index kHi, every element left of it is <= a[kHi]; the lower one is their max.
  let lo = a[0];
  for (let i = 1; i < kHi; i++) if (a[i] > lo) lo = a[i];
  return (lo + a[kHi]) / 2;
}

/** numpy's median of a[0..len) (reorders a): the middle element, or the mean of the two middle ones. */
export function median(a: Float64Array, len: number): number {
  const hi = len >> 1;
  return medianOfRanks(a, len, len % 2 === 1 ? hi : hi - 1, hi);
}

/** Hoare-style quickselect: puts the k-th smallest of a[left..right] at index k, smaller ones
 * before it and larger ones after it. Median-of-three pivots keep sorted input linear. */
function select(a: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    const mid = (left + right) >> 1;
    // order a[left], a[mid], a[right]
    if (a[mid] < a[left]) swap(a, mid, left);
    if (a[right] < a[left]) swap(a, right, left);
    if (a[right] < a[mid]) swap(a, right, mid);
    const pivot = a[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
