// The shallow model's expected value: a symmetric triangular kernel whose width grows with the
// series length, edge-padded, as ShallowOutliers.predict of rb-aioutliers computes it
// (test/fixtures/golden/README.md §5): ws = max(int(0.05·n), min(n, int(5 + ln n))), made odd;
// h = ws // 2; kernel [1..h, h²/4, h..1] / sum; pad h values of the edge each side; 'valid'
// convolution.

export interface SmoothingWindow { windowSize: number; halfSize: number }

export function smoothingWindow(n: number): SmoothingWindow {
  let windowSize = Math.max(Math.trunc(0.05 * n), Math.min(n, Math.trunc(5 + Math.log(n))));
  if (windowSize % 2 === 0) windowSize += 1;
  return { windowSize, halfSize: Math.floor(windowSize / 2) };
}

/** The normalised kernel of length 2h+1. With h = 0 (n = 1) it is [0]/0 = [NaN], as in the
 * original; with h = 1 or 2 the centre weight h²/4 is below its neighbours'. */
function triangularKernel(halfSize: number): Float64Array {
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
  const padded = edgePadded(values, h);
  return h >= RAMP_MIN_HALF_SIZE ? convolveRamps(padded, n, h) : convolveDirect(padded, n, h);
}

/** `values` with h copies of each edge value on its side. (A loop of its own: inside
 * smoothSeries it made V8 compile that function mid-loop and drop the code at every call.) */
function edgePadded(values: ArrayLike<number>, h: number): Float64Array {
  const n = values.length;
  const padded = new Float64Array(n + 2 * h);
  for (let i = 0; i < padded.length; i++) padded[i] = values[Math.min(n - 1, Math.max(0, i - h))]!;
  return padded;
}

/** From this half-width on the O(n) ramp sums replace the O(n·h) direct sum (a week of minutes
 * has h = 252: 5 million multiply-adds). */
const RAMP_MIN_HALF_SIZE = 8;
/** The ramp sums are recomputed from scratch every ANCHOR outputs, so rounding cannot drift. */
const ANCHOR = 64;

/** The plain 'valid' convolution of the edge-padded values with the kernel (it is symmetric). */
export function convolveDirect(padded: Float64Array, n: number, h: number): Float64Array {
  const kernel = triangularKernel(h);
  const width = 2 * h + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < width; j++) acc += kernel[j]! * padded[i + j]!;
    out[i] = acc;
  }
  return out;
}

/** The same convolution from running sums: out[i] = (L + (h²/4)·p[i+h] + R) / W with the left
 * ramp L = Σ_{j<h} (j+1)·p[i+j], the right ramp R = Σ_{k=1..h} (h+1−k)·p[i+h+k] and
 * W = h(h+1) + h²/4. Each ramp moves by its plain window sum: L' = L − SL + h·p[i+h],
 * R' = R − h·p[i+h+1] + SR'. Agrees with the direct sum to ~1e-15 of max|values|. */
export function convolveRamps(p: Float64Array, n: number, h: number): Float64Array {
  const W = h * (h + 1) + h * h * 0.25;
  const centre = h * h * 0.25;
  const out = new Float64Array(n);
  let L = 0, SL = 0, R = 0, SR = 0;
  for (let i = 0; i < n; i++) {
    if (i % ANCHOR === 0) {
      L = 0; SL = 0; R = 0; SR = 0;
      for (let j = 0; j < h; j++) { L += (j + 1) * p[i + j]!; SL += p[i + j]!; }
      for (let k = 1; k <= h; k++) { R += (h + 1 - k) * p[i + h + k]!; SR += p[i + h + k]!; }
    } else {
      // Move the window from i-1 to i.
      L = L - SL + h * p[i - 1 + h]!;
      SL = SL - p[i - 1]! + p[i - 1 + h]!;
      SR = SR - p[i + h]! + p[i + 2 * h]!;
      R = R - h * p[i + h]! + SR;
    }
    out[i] = (L + centre * p[i + h]! + R) / W;
  }
  return out;
}
