// ARTime's initial vigilance (ARTimeNAB.jl, init_rho): the feature vectors of the probationary
// period, ordered from the least to the most typical (by their summed cosine similarity to all
// the others), are learned by a fresh network at vigilance 0.8; the initial ρ is the mean best
// match over the second half of that pass, i.e. how well typical data matches what came before.
import { complementCode, newFuzzyArt, trainArt } from "./fuzzy-art";

/** Cosine similarity; with a zero vector, 1 − the other's norm (ARTime's "close to cosine"). */
export function similarity(a: Float64Array, b: Float64Array): number {
  const na = norm2(a), nb = norm2(b);
  if (na === 0) return 1 - nb;
  if (nb === 0) return 1 - na;
  let dot = a[0] * b[0];
  for (let k = 1; k < a.length; k++) dot += a[k] * b[k];
  return dot / (na * nb);
}

function norm2(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * a[k];
  return Math.sqrt(s);
}

/** Row sums of the symmetric similarity matrix (diagonal 1). */
function similaritySums(rows: Float64Array[]): Float64Array {
  const n = rows.length;
  const sim = new Float64Array(n * n).fill(1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) sim[i * n + j] = sim[j * n + i] = similarity(rows[i], rows[j]);
  }
  const sums = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = sim[i];
    for (let k = 1; k < n; k++) s += sim[k * n + i];
    sums[i] = s;
  }
  return sums;
}

/** The initial vigilance from the probationary feature vectors `rows` (trendWindow − window + 1
 * of them); `trendWindow` sets where the averaged second half starts. */
export function initialVigilance(rows: Float64Array[], trendWindow: number, rho: number): number {
  const sums = similaritySums(rows);
  const order = rows.map((_, i) => i).sort((a, b) => sums[a] - sums[b] || a - b);
  const dim = rows[0].length;
  const art = newFuzzyArt(dim, rows.length + 1);
  const x = new Float64Array(2 * dim);
  const matches = order.map((i) => {
    complementCode(rows[i], x);
    return trainArt(art, x, rho, rho, true).match;
  });
  const from = (trendWindow >> 1) - 1;
  let s = matches[from];
  for (let k = from + 1; k < matches.length; k++) s += matches[k];
  return s / (matches.length - from);
}
