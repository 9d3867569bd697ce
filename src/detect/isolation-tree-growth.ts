// Growing the trees of an isolation forest (see isolation-forest.ts for the semantics), into flat
// typed arrays shared by all trees of a forest:
//   child[node]  index of the left child (the right one is child + 1), 0 at a leaf;
//   feature[node] the split feature (not stored for a single column);
//   value[node]  the split threshold, or at a leaf its depth + c(leaf size).
// A single column takes a fast path: the sample is sorted once, so every node is a contiguous
// range of it, its min and max are the range's ends and a split is a binary search.
import type { Rng } from "./rng";

const EULER_GAMMA = 0.5772156649015329;
/** sklearn treats a feature as constant when max <= min + 1e-7 (FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;

/** sklearn's _average_path_length: c(n) = 2(ln(n-1) + gamma) - 2(n-1)/n, c(0) = c(1) = 0, c(2) = 1. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

export interface TreeArrays {
  child: Int32Array;
  feature: Int32Array;
  value: Float64Array;
  /** Next free node. */
  next: number;
  /** c(k) for k = 0..maxSamples, so leaves need no logarithm. */
  pathAdjust: Float64Array;
}

/** Node arrays for a forest; `feature` stays empty for a single column (every split is on it). */
export function createTreeArrays(capacity: number, maxSamples: number, nFeatures: number): TreeArrays {
  const pathAdjust = new Float64Array(maxSamples + 1);
  for (let k = 0; k <= maxSamples; k++) pathAdjust[k] = averagePathLength(k);
  const feature = new Int32Array(nFeatures > 1 ? capacity : 0);
  return { child: new Int32Array(capacity), feature, value: new Float64Array(capacity), next: 0, pathAdjust };
}

/** sklearn's random threshold: uniform in [lo, hi), and lo if rounding lands on hi. */
function threshold(rng: Rng, lo: number, hi: number): number {
  const t = lo + rng.nextFloat() * (hi - lo);
  return t === hi ? lo : t;
}

/** Grows one tree on a sorted single-column sample; returns its root. With `pathTotals`, each
 * sample position's path length in this tree is added to it (its leaf is the range holding it). */
export function growSortedColumnTree(
  sorted: Float32Array, maxDepth: number, rng: Rng, out: TreeArrays, stack: Int32Array, pathTotals?: Float64Array,
): number {
  const { child, value, pathAdjust } = out;
  const root = out.next++;
  let sp = 0;
  stack[sp++] = root; stack[sp++] = 0; stack[sp++] = sorted.length; stack[sp++] = 0;
  while (sp > 0) {
    const depth = stack[--sp], end = stack[--sp], begin = stack[--sp], node = stack[--sp];
    const lo = sorted[begin], hi = sorted[end - 1];
    if (depth >= maxDepth || end - begin < 2 || !(hi > lo + FEATURE_THRESHOLD)) {
      child[node] = 0;
      const path = (value[node] = depth + pathAdjust[end - begin]);
      if (pathTotals) for (let k = begin; k < end; k++) pathTotals[k] += path;
      continue;
    }
    const t = threshold(rng, lo, hi);
    // first index in [begin, end) whose value is > t
    let a = begin, b = end;
    while (a < b) {
      const m = (a + b) >> 1;
      if (sorted[m] <= t) a = m + 1;
      else b = m;
    }
    const l = out.next;
    out.next += 2;
    child[node] = l;
    value[node] = t;
    // As in growTree: a child too deep or too small is a leaf without drawing, so finish it here.
    const d = depth + 1;
    if (d >= maxDepth || end - a < 2) {
      child[l + 1] = 0;
      const path = (value[l + 1] = d + pathAdjust[end - a]);
      if (pathTotals) for (let k = a; k < end; k++) pathTotals[k] += path;
    } else { stack[sp++] = l + 1; stack[sp++] = a; stack[sp++] = end; stack[sp++] = d; }
    if (d >= maxDepth || a - begin < 2) {
      child[l] = 0;
      const path = (value[l] = d + pathAdjust[a - begin]);
      if (pathTotals) for (let k = begin; k < a; k++) pathTotals[k] += path;
    } else { stack[sp++] = l; stack[sp++] = begin; stack[sp++] = a; stack[sp++] = d; }
  }
  return root;
}

/** Scratch space for growTree, allocated once per forest: `values[k]` holds the node's values of
 * the feature last scanned at position k of `rows`, `right` the rows going right during a split. */
export interface GrowScratch {
  stack: Int32Array;
  features: Int32Array;
  values: Float32Array;
  right: Int32Array;
}

export function createGrowScratch(maxSamples: number, nFeatures: number): GrowScratch {
  return {
    stack: new Int32Array(4 * (2 * maxSamples + 1)),
    features: new Int32Array(nFeatures),
    values: new Float32Array(maxSamples),
    right: new Int32Array(maxSamples),
  };
}

/** Grows one tree on rows[0..m) of column-major data (n rows, f columns); returns its root.
 * As in sklearn's splitter, a candidate feature's node values are gathered once into a contiguous
 * buffer (min/max scan), and the split partitions rows from that buffer: left rows compacted in
 * place, right rows via `right`, without data-dependent branches. The order of rows inside a node
 * differs from a swap partition, but nothing depends on it (min, max and counts are order-free). */
export function growTree(
  cols: Float32Array, n: number, f: number, rows: Int32Array, maxDepth: number,
  rng: Rng, out: TreeArrays, scratch: GrowScratch,
): number {
  const { child, feature, value, pathAdjust } = out;
  const { stack, features, values, right } = scratch;
  const root = out.next++;
  let sp = 0;
  stack[sp++] = root; stack[sp++] = 0; stack[sp++] = rows.length; stack[sp++] = 0;
  while (sp > 0) {
    const depth = stack[--sp], end = stack[--sp], begin = stack[--sp], node = stack[--sp];
    let split = -1, lo = 0, hi = 0;
    if (depth < maxDepth && end - begin >= 2) {
      // Draw features at random until a non-constant one turns up (sklearn's random splitter).
      for (let j = 0; j < f; j++) features[j] = j;
      for (let remaining = f; remaining > 0 && split < 0; remaining--) {
        const pick = rng.nextInt(remaining);
        const cand = features[pick];
        features[pick] = features[remaining - 1];
        const base = cand * n;
        lo = Infinity; hi = -Infinity;
        for (let k = begin; k < end; k++) {
          const v = cols[base + rows[k]];
          values[k] = v;
          lo = v < lo ? v : lo;
          hi = v > hi ? v : hi;
        }
        if (hi > lo + FEATURE_THRESHOLD) split = cand;
      }
    }
    if (split < 0) {
      child[node] = 0;
      value[node] = depth + pathAdjust[end - begin];
      continue;
    }
    const t = threshold(rng, lo, hi);
    let i = begin, r = 0;
    for (let k = begin; k < end; k++) {
      const row = rows[k];
      const left = +(values[k] <= t);
      rows[i] = row; // i <= k: rows[i] has been read already
      right[r] = row;
      i += left;
      r += 1 - left;
    }
    for (let k = 0; k < r; k++) rows[i + k] = right[k];
    const l = out.next;
    out.next += 2;
    child[node] = l;
    feature[node] = split;
    value[node] = t;
    // A child that is a leaf whatever its values (too deep or too small) draws nothing from the
    // RNG, so it is finished here instead of going through the stack; the node numbering is fixed
    // above, so the tree is the same.
    const d = depth + 1;
    if (d >= maxDepth || end - i < 2) { child[l + 1] = 0; value[l + 1] = d + pathAdjust[end - i]; }
    else { stack[sp++] = l + 1; stack[sp++] = i; stack[sp++] = end; stack[sp++] = d; }
    if (d >= maxDepth || i - begin < 2) { child[l] = 0; value[l] = d + pathAdjust[i - begin]; }
    else { stack[sp++] = l; stack[sp++] = begin; stack[sp++] = i; stack[sp++] = d; }
  }
  return root;
}
