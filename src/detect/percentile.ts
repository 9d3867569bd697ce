// numpy.percentile with its default linear interpolation, and the median absolute deviation.

/** The q-th percentile (0..100) of `values`, numpy's default ("linear") method. */
export function percentile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) throw new RangeError("percentile of an empty array");
  const a = new Float64Array(values); // a copy (Float64Array.from iterates a typed array, boxing every value)
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos), hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  if (hasNaN(a)) { // NaN sorts last, as numpy puts it; selection cannot order it
    a.sort();
    return frac === 0 ? a[lo]! : a[lo]! + (a[hi]! - a[lo]!) * frac;
  }
  // The two order statistics by selection (O(n)) instead of a sort: the same values.
  const low = select(a, lo);
  if (frac === 0) return low;
  let high = a[hi]!; // after select, a[lo+1..] holds the values >= a[lo]: the next is their least
  for (let i = hi + 1; i < n; i++) if (a[i]! < high) high = a[i]!;
  return low + (high - low) * frac;
}

/** The k-th smallest (from 0) of `a`, which it rearranges so that a[..k] <= a[k] <= a[k+1..]
 * (Hoare's selection with a median-of-three pivot). No NaN. */
function select(a: Float64Array, k: number): number {
  let l = 0, r = a.length - 1;
  while (r > l) {
    const x = a[l]!, y = a[(l + r) >> 1]!, z = a[r]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = l, j = r;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { const t = a[i]!; a[i] = a[j]!; a[j] = t; i++; j--; }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else break;
  }
  return a[k]!;
}

export function median(values: ArrayLike<number>): number {
  return percentile(values, 50);
}

/** Median of |x - median(x)|. */
export function medianAbsoluteDeviation(values: ArrayLike<number>, center = median(values)): number {
  return median(absoluteDeviations(values, center));
}

/** |x - center| of every x. (A loop of its own, as in smoothing.ts: V8 compiles a long loop
 * mid-run, and code after it that has not run yet then throws that compiled code away again.) */
function absoluteDeviations(values: ArrayLike<number>, center: number): Float64Array {
  const dev = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) dev[i] = Math.abs(values[i]! - center);
  return dev;
}

/** Whether any value is NaN (a loop: `some(Number.isNaN)` boxes every value of a typed array for
 * the call, ~160 kB of garbage for a week of minutes). */
export function hasNaN(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i])) return true;
  return false;
}
