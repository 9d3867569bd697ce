// Growing all the trees of an isolation forest (see isolation-forest.ts): each tree's sample is
// drawn (./sample-draw.ts) and the tree grown into flat arrays (./isolation-tree-growth.ts).
// These loops are kept out of the IsolationForest class on purpose: a method that holds them is
// compiled on the stack mid-loop (OSR) and thrown away again at its first line after the loop
// (no type feedback there yet) on every fit; as plain functions they stay compiled.
import type { Rng } from "./rng";
import { createGrowScratch, createTreeArrays, growSortedColumnTree, growTree, type TreeArrays } from "./isolation-tree-growth";
import { drawSample, identity, restoreIdentity } from "./sample-draw";

export interface GrownForest {
  roots: Int32Array<ArrayBuffer>;
  trees: TreeArrays;
}

/** `T` trees of `maxSamples` rows each on row-major data (feature j of row i at data[i·f + j]);
 * for one column with every row in every tree, `pathTotals` receives the summed path length of
 * each position of the sorted column. */
export function growForest(
  data: Float32Array, n: number, f: number, T: number, maxSamples: number, rng: Rng, pathTotals?: Float64Array,
): GrownForest {
  const maxDepth = Math.ceil(Math.log2(Math.max(maxSamples, 2)));
  const trees = createTreeArrays(T * (2 * maxSamples - 1), maxSamples, f);
  const roots = f === 1 ? growColumnTrees(data, n, T, maxSamples, maxDepth, rng, trees, pathTotals)
    : growRowTrees(data, n, f, T, maxSamples, maxDepth, rng, trees);
  return { roots, trees };
}

function growColumnTrees(
  cols: Float32Array, n: number, T: number, maxSamples: number, maxDepth: number, rng: Rng, trees: TreeArrays,
  pathTotals: Float64Array | undefined,
): Int32Array<ArrayBuffer> {
  const roots = new Int32Array(T);
  const stack = new Int32Array(4 * (2 * maxSamples + 1));
  // Sort once; each tree's sample is a subsequence of the sorted column.
  const sortedAll = cols.slice().sort();
  const sample = maxSamples === n ? sortedAll : new Float32Array(maxSamples);
  const order = identity(n);
  const chosen = new Uint8Array(n);
  for (let t = 0; t < T; t++) {
    if (maxSamples < n) {
      drawSample(rng, order, n, maxSamples, chosen);
      restoreIdentity(order, maxSamples);
      for (let i = 0, k = 0; i < n; i++) if (chosen[i]) sample[k++] = sortedAll[i];
    }
    roots[t] = growSortedColumnTree(sample, maxDepth, rng, trees, stack, pathTotals);
  }
  return roots;
}

function growRowTrees(
  data: Float32Array, n: number, f: number, T: number, maxSamples: number, maxDepth: number, rng: Rng, trees: TreeArrays,
): Int32Array<ArrayBuffer> {
  const roots = new Int32Array(T);
  const order = identity(n);
  const scratch = createGrowScratch(maxSamples, f);
  // Each tree grows on a copy of its sample rows (in the order drawn, column-major): the node
  // scans then read a few kB instead of gathering from all n rows, and the copy reads each drawn
  // row's f values from one place. The splits and the tree are the same.
  const sample = new Float32Array(maxSamples * f);
  const sampleRows = new Int32Array(maxSamples);
  if (maxSamples === n) copyRows(data, f, order, sample, maxSamples); // every tree has every row
  for (let t = 0; t < T; t++) {
    if (maxSamples < n) {
      drawSample(rng, order, n, maxSamples);
      copyRows(data, f, order, sample, maxSamples);
      restoreIdentity(order, maxSamples);
    }
    for (let i = 0; i < maxSamples; i++) sampleRows[i] = i;
    roots[t] = growTree(sample, maxSamples, f, sampleRows, maxDepth, rng, trees, scratch);
  }
  return roots;
}

/** The rows order[0..m) of row-major `data`, column-major into `out` (feature j of the k-th at
 * out[j·m + k]). */
function copyRows(data: Float32Array, f: number, order: Int32Array, out: Float32Array, m: number): void {
  for (let k = 0; k < m; k++) {
    const from = order[k] * f;
    for (let j = 0; j < f; j++) out[j * m + k] = data[from + j];
  }
}
