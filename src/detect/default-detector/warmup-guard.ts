// The warm-up guard (issue 12 part 4): between the end of a series' learning period (the station's
// window W) and the moment the likelihood-based components have history enough to score (MATURE_ROWS),
// a value is judged against the preceding W values alone, by the robust z-score
//   z = |x - median| / (1.4826 * MAD)   (1.4826 * MAD estimates a normal standard deviation),
// so an extreme value is flagged from sample W + 1 on instead of going unseen for hundreds of rows.
// The score z / (z + c) reaches the alarm level exactly at GUARD_Z robust standard deviations.
// When more than half the window is one value the MAD is 0, and every other value would be
// infinitely far: a step or square wave then re-alarmed every 11 rows (after each alarm hold) while
// it held a new level. Then the scale is the mean absolute deviation from the median instead
// (times sqrt(pi / 2), again a normal standard deviation), which is 0 only on a flat window, where
// any different value still alarms (docs/quality.md, "Short files").

/** Robust standard deviations at which the guard alarms. */
export const GUARD_Z = 10;
const MAD_TO_SD = 1.4826;
const MEAN_AD_TO_SD = Math.sqrt(Math.PI / 2);

function mean(v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  return sum / v.length;
}

function median(sorted: Float64Array): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** |v[i] - med| of the sorted v, sorted, into out[0..count): the deviations fall to the left of
 * the median and rise to its right, so the two runs are merged (the same values as sorting them,
 * without the sort that was most of the guard's time: it scores ~200 rows of every traffic
 * request). */
function mergeDeviations(v: Float64Array, med: number, out: Float64Array, count: number): void {
  const n = v.length;
  let right = 0;
  while (right < n && v[right] < med) right++;
  let left = right - 1;
  for (let k = 0; k < count; k++) {
    // med - v[left] is exactly |v[left] - med| (IEEE subtraction is sign-symmetric)
    if (right >= n || (left >= 0 && med - v[left] < v[right] - med)) out[k] = med - v[left--];
    else out[k] = Math.abs(v[right++] - med);
  }
}

/** |v[i] - med| of the sorted v, sorted. NaN in v (sorted last) takes a sort. */
function sortedDeviations(v: Float64Array, med: number): Float64Array {
  const n = v.length, out = new Float64Array(n);
  if (Number.isNaN(v[n - 1]) || Number.isNaN(med)) {
    for (let i = 0; i < n; i++) out[i] = Math.abs(v[i] - med);
    return out.sort();
  }
  mergeDeviations(v, med, out, n);
  return out;
}

/** The first half of the merge, reused from row to row. */
let halfMerge = new Float64Array(0);

/** median(sortedDeviations(v, med)) without the array: the merge stopped at its middle. */
function medianDeviation(v: Float64Array, med: number): number {
  const n = v.length, m = n >> 1;
  if (Number.isNaN(v[n - 1]) || Number.isNaN(med)) return median(sortedDeviations(v, med));
  if (halfMerge.length <= m) halfMerge = new Float64Array(2 * (m + 1));
  mergeDeviations(v, med, halfMerge, m + 1);
  return n % 2 ? halfMerge[m] : (halfMerge[m - 1] + halfMerge[m]) / 2;
}

/** |x - median(recent)| in robust standard deviations of `recent` (1.4826 MAD, or sqrt(pi / 2) times
 * the mean absolute deviation when the MAD is 0); Infinity when the recent values are all equal and
 * x differs from them, 0 when it does not (or with fewer than 3 values). */
export function robustZ(recent: readonly number[], x: number): number {
  return robustZOfSorted(Float64Array.from(recent).sort(), x);
}

/** robustZ of the values `v`, sorted as TypedArray.prototype.sort sorts them (./sorted-window.ts
 * keeps them so). */
export function robustZOfSorted(v: Float64Array, x: number): number {
  if (v.length < 3) return 0;
  const med = median(v);
  const sd = MAD_TO_SD * medianDeviation(v, med) || MEAN_AD_TO_SD * mean(sortedDeviations(v, med));
  const d = Math.abs(x - med);
  if (sd > 0) return d / sd;
  return d > 0 ? Infinity : 0;
}

/** The guard's score in [0, 1]: alarmLevel at GUARD_Z robust standard deviations of the values
 * `sorted` (sorted as TypedArray.prototype.sort sorts them). */
export function guardScore(sorted: Float64Array, x: number, alarmLevel: number): number {
  const z = robustZOfSorted(sorted, x);
  if (z === Infinity) return 1;
  const c = ((GUARD_Z * (1 - alarmLevel)) / alarmLevel) * (1 - 1e-12); // z = GUARD_Z exactly alarms despite rounding
  return z / (z + c);
}
