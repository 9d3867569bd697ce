// The shallow model's expected value: a symmetric triangular kernel whose width grows with the
// series length, edge-padded, as ShallowOutliers.predict of rb-aioutliers computes it
// (golden/README.md §5): ws = max(int(0.05·n), min(n, int(5 + ln n))), made odd; h = ws // 2;
// kernel [1..h, h²/4, h..1] / sum; pad h values of the edge each side; 'valid' convolution.

export interface SmoothingWindow { windowSize: number; halfSize: number }

export function smoothingWindow(n: number): SmoothingWindow {
  let windowSize = Math.max(Math.trunc(0.05 * n), Math.min(n, Math.trunc(5 + Math.log(n))));
  if (windowSize % 2 === 0) windowSize += 1;
  return { windowSize, halfSize: Math.floor(windowSize / 2) };
}

/** The normalised kernel of length 2h+1. With h = 0 (n = 1) it is [0]/0 = [NaN], as in the
 * original; with h = 1 or 2 the centre weight h²/4 is below its neighbours'. */
export function triangularKernel(halfSize: number): Float64Array {
  const h = halfSize;
  const k = new Float64Array(2 * h + 1);
  for (let i = 0; i < h; i++) { k[i] = i + 1; k[2 * h - i] = i + 1; }
  k[h] = (h * h) * 0.25;
  let sum = 0;
  for (let i = 0; i < k.length; i++) sum += k[i]!;
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/** Smoothed copy of `values` (same length). */
export function smoothSeries(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  if (n === 0) throw new RangeError("smoothSeries needs at least one value");
  const { halfSize: h } = smoothingWindow(n);
  const kernel = triangularKernel(h);
  // Edge-padded copy, then a plain 'valid' convolution (the kernel is symmetric).
  const width = 2 * h + 1;
  const padded = new Float64Array(n + 2 * h);
  for (let i = 0; i < padded.length; i++) padded[i] = values[Math.min(n - 1, Math.max(0, i - h))]!;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < width; j++) acc += kernel[j]! * padded[i + j]!;
    out[i] = acc;
  }
  return out;
}
