// numpy.percentile with its default linear interpolation, and the median absolute deviation.

/** The q-th percentile (0..100) of `values`, numpy's default ("linear") method. */
export function percentile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) throw new RangeError("percentile of an empty array");
  const sorted = Float64Array.from(values).sort();
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos), hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return frac === 0 ? sorted[lo]! : sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac;
}

export function median(values: ArrayLike<number>): number {
  return percentile(values, 50);
}

/** Median of |x - median(x)|. */
export function medianAbsoluteDeviation(values: ArrayLike<number>, center = median(values)): number {
  const dev = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) dev[i] = Math.abs(values[i]! - center);
  return median(dev);
}
