// Drawing each isolation tree's rows without replacement (sklearn's max_samples), from one index
// array reused by every tree of a forest: a partial Fisher-Yates shuffle, then undone in O(m).
import type { Rng } from "./rng";

/** 0, 1, ..., n-1. */
export function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Partial Fisher-Yates: order[0..m) becomes a uniform sample of 0..n-1 without replacement;
 * `chosen`, if given, is set to its indicator. `order` must hold the identity on entry (it is
 * left with the draw: restoreIdentity undoes it). */
export function drawSample(rng: Rng, order: Int32Array, n: number, m: number, chosen?: Uint8Array): void {
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const picked = order[j];
    order[j] = order[i];
    order[i] = picked;
  }
  if (chosen) {
    chosen.fill(0);
    for (let i = 0; i < m; i++) chosen[order[i]] = 1;
  }
}

/** Puts back the identity after drawSample(order, n, m): the draws moved only order[0..m) and the
 * values they swapped out, which now sit at positions given by order[0..m). */
export function restoreIdentity(order: Int32Array, m: number): void {
  for (let i = 0; i < m; i++) {
    const v = order[i];
    if (v >= m) order[v] = v;
  }
  for (let i = 0; i < m; i++) order[i] = i;
}
