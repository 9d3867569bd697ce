// The autoencoder's numeric preprocessing, as the original's `outliers.py` (Autoencoder.rescale,
// descale, slice, flatten) does it; checked against golden/autoencoder_prep.json.
import { matrix, type Matrix } from "./matrix";

/**
 * The first `numMetrics` columns become tanh(log1p(v)/32), column `numMetrics` (minute of day)
 * becomes v/1440, the rest (weekday one-hot) stay. Returns a new matrix.
 */
export function rescale(m: Matrix, numMetrics: number): Matrix {
  const out = matrix(m.rows, m.cols, m.data);
  const d = out.data;
  for (let r = 0; r < m.rows; r++) {
    const o = r * m.cols;
    for (let c = 0; c < numMetrics; c++) d[o + c] = Math.tanh(Math.log1p(d[o + c]) / 32);
    if (numMetrics < m.cols) d[o + numMetrics] /= 1440;
  }
  return out;
}

/** Inverse of rescale after clipping every value to [-1, 1] (1 -> Infinity, as numpy gives). */
export function descale(m: Matrix, numMetrics: number): Matrix {
  const out = matrix(m.rows, m.cols);
  const d = out.data;
  for (let r = 0; r < m.rows; r++) {
    const o = r * m.cols;
    for (let c = 0; c < m.cols; c++) {
      const v = Math.min(1, Math.max(-1, m.data[o + c]));
      d[o + c] = c < numMetrics ? Math.expm1(32 * Math.atanh(v)) : c === numMetrics ? v * 1440 : v;
    }
  }
  return out;
}

/**
 * Start rows of the slices: 0, ws, 2ws, ... while a whole slice fits (the original), plus one
 * slice aligned to the end when the rows do not divide, so every row is covered (the original
 * left the tail without a forecast and then failed on the length mismatch).
 */
export function sliceStarts(rows: number, windowSize: number, numWindows: number, coverTail = true): number[] {
  const length = windowSize * numWindows;
  const starts: number[] = [];
  for (let s = 0; s <= rows - length; s += windowSize) starts.push(s);
  const last = starts.length ? starts[starts.length - 1] + length : 0;
  if (coverTail && rows >= length && last < rows) starts.push(rows - length);
  return starts;
}

/** Slices of `length` rows at `starts`: a flat (slices × length × cols) array, as the model takes it. */
export function slice(m: Matrix, starts: number[], length: number): Float64Array {
  const out = new Float64Array(starts.length * length * m.cols);
  starts.forEach((s, i) => {
    if (s < 0 || s + length > m.rows) throw new RangeError(`slice at ${s} of ${length} rows exceeds ${m.rows} rows`);
    out.set(m.data.subarray(s * m.cols, (s + length) * m.cols), i * length * m.cols);
  });
  return out;
}

/**
 * Back to one row per time step: row t is the mean of every slice row that maps to t (the
 * original's flatten, generalised to arbitrary starts). Rows no slice covers are 0.
 */
export function flatten(slices: ArrayLike<number>, starts: number[], length: number, cols: number, rows?: number): Matrix {
  const n = rows ?? (starts.length ? Math.max(...starts) + length : 0);
  const out = matrix(n, cols);
  const count = new Float64Array(n);
  starts.forEach((s, i) => {
    const base = i * length * cols;
    for (let r = 0; r < length; r++) {
      const o = (s + r) * cols, so = base + r * cols;
      for (let c = 0; c < cols; c++) out.data[o + c] += slices[so + c];
      count[s + r]++;
    }
  });
  for (let r = 0; r < n; r++) {
    if (count[r] === 0) continue;
    const o = r * cols;
    for (let c = 0; c < cols; c++) out.data[o + c] /= count[r];
  }
  return out;
}

/** Mean absolute difference per row of two equally shaped matrices. */
export function rowMeanAbsError(a: Matrix, b: Matrix): Float64Array {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError("rowMeanAbsError: shapes differ");
  const out = new Float64Array(a.rows);
  for (let r = 0; r < a.rows; r++) {
    let s = 0;
    for (let c = 0, o = r * a.cols; c < a.cols; c++) s += Math.abs(a.data[o + c] - b.data[o + c]);
    out[r] = s / a.cols;
  }
  return out;
}
