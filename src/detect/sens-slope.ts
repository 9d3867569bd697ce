// Theil-Sen slope with pymannkendall's semantics: slope = median of the n(n-1)/2 pairwise slopes
// (x[j] - x[i]) / (j - i), i < j; intercept = median(x) - median(0..n-1) * slope (Conover 1980).
// Each slope is computed by the same expression as pymannkendall, and for an even count the median
// is the mean of the two middle slopes as numpy computes it, so the results are the same doubles.
// The median is found by selection (O(n^2) slopes, O(n^2) expected time), not a full sort.

export interface SensSlopeResult {
  slope: number;
  intercept: number;
}

/** Scratch space for `sensSlopeWith`, reusable between calls to avoid large allocations. */
export interface SensSlopeScratch {
  slopes: Float64Array;
  values: Float64Array;
}

export function createSensSlopeScratch(n = 0): SensSlopeScratch {
  return { slopes: new Float64Array((n * (n - 1)) / 2), values: new Float64Array(n) };
}

export function sensSlope(x: ArrayLike<number>): SensSlopeResult {
  return sensSlopeWith(x, createSensSlopeScratch(x.length));
}

export function sensSlopeWith(x: ArrayLike<number>, scratch: SensSlopeScratch): SensSlopeResult {
  const n = x.length;
  if (n < 2) throw new RangeError(`Sen's slope needs at least 2 values, got ${n}`);
  const count = (n * (n - 1)) / 2;
  if (scratch.slopes.length < count) scratch.slopes = new Float64Array(count);
  if (scratch.values.length < n) scratch.values = new Float64Array(n);
  const d = scratch.slopes;
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i];
    for (let j = i + 1; j < n; j++) d[k++] = (x[j] - xi) / (j - i);
  }
  const slope = median(d, count);
  const v = scratch.values;
  for (let i = 0; i < n; i++) v[i] = x[i];
  // median(arange(n)) = (n - 1) / 2 exactly.
  const intercept = median(v, n) - ((n - 1) / 2) * slope;
  return { slope, intercept };
}

/** numpy's median of a[0..len) (reorders a): the middle element, or the mean of the two middle ones. */
export function median(a: Float64Array, len: number): number {
  const hi = len >> 1;
  select(a, 0, len - 1, hi);
  if (len % 2 === 1) return a[hi];
  // After selecting index hi, every element left of it is <= a[hi]; the lower middle is their max.
  let lo = a[0];
  for (let i = 1; i < hi; i++) if (a[i] > lo) lo = a[i];
  return (lo + a[hi]) / 2;
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
