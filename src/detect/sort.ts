// In-place ascending sort of a Float64Array range: quicksort (median-of-three, recursing into
// the smaller side) with insertion sort for short ranges. About twice as fast as the built-in
// TypedArray sort for the window sizes used here. Orders by `<` only: -0 and 0 are equal, and the
// input must not contain NaN.
export function sortFloat64(a: Float64Array, lo = 0, hi = a.length): Float64Array {
  while (hi - lo > 16) {
    const mid = (lo + hi) >> 1;
    const x = a[lo], y = a[mid], z = a[hi - 1];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo, j = hi - 1;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (j + 1 - lo < hi - i) {
      sortFloat64(a, lo, j + 1);
      lo = i;
    } else {
      sortFloat64(a, i, hi);
      hi = j + 1;
    }
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a;
}

/** Stable bottom-up merge sort of order[0..n) by key; returns the number of strict inversions
 * (pairs placed before a smaller key). */
export function mergeSortCounting(order: Int32Array, key: Float64Array, tmp: Int32Array, n: number): number {
  let inversions = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const mid = Math.min(start + width, n), end = Math.min(start + 2 * width, n);
      let i = start, j = mid, k = start;
      while (i < mid && j < end) {
        if (key[order[i]] <= key[order[j]]) tmp[k++] = order[i++];
        else { inversions += mid - i; tmp[k++] = order[j++]; }
      }
      while (i < mid) tmp[k++] = order[i++];
      while (j < end) tmp[k++] = order[j++];
    }
    order.set(tmp.subarray(0, n));
  }
  return inversions;
}
