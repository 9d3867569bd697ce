// Isolation forest with scikit-learn 1.2's semantics (sklearn.ensemble.IsolationForest with its
// defaults): each of nEstimators trees is an extremely randomised tree grown on max_samples =
// min(256, n) rows drawn without replacement, to depth ceil(log2(max_samples)); at each node a
// random non-constant feature and a threshold uniform in [min, max) of the node's values
// (x <= threshold goes left). The path length of a row is its leaf depth + c(leaf size), and
// score_samples = -2^(-mean path / c(max_samples)) (Liu, Ting & Zhou 2008), so -1 is the most
// anomalous. Like sklearn the data are rounded to float32 first. Randomness comes from our own
// seeded PRNG, so scores match sklearn in distribution, not draw for draw.
import { Rng } from "./rng";
import { growForest } from "./forest-growth";
import { averagePathLength } from "./isolation-tree-growth";

export { averagePathLength };

export interface IsolationForestOptions {
  nEstimators?: number;
  /** Rows per tree; default min(256, n). */
  maxSamples?: number;
  seed?: number;
}

export interface IsolationForestJSON {
  nEstimators: number;
  maxSamples: number;
  seed: number;
  nFeatures: number;
  /** Root node of each tree. */
  roots: number[];
  child: number[];
  /** Split feature of each node; empty for a single column. */
  feature: number[];
  value: number[];
}

export class IsolationForest {
  readonly nEstimators: number;
  readonly seed: number;
  private readonly requestedMaxSamples: number | undefined;
  private maxSamples = 0;
  private nFeatures = 0;
  private roots = new Int32Array(0);
  private child = new Int32Array(0);
  private feature = new Int32Array(0);
  private value = new Float64Array(0);

  constructor(options: IsolationForestOptions = {}) {
    this.nEstimators = options.nEstimators ?? 100;
    this.seed = options.seed ?? 0;
    this.requestedMaxSamples = options.maxSamples;
    if (!(Number.isInteger(this.nEstimators) && this.nEstimators > 0)) throw new RangeError("nEstimators must be a positive integer");
  }

  get fitted(): boolean {
    return this.nFeatures > 0;
  }

  /** Fits on rows X (n x features). */
  fit(X: number[][]): this {
    const n = X.length;
    const f = n > 0 ? X[0].length : 0;
    const data = new Float32Array(n * f); // row-major
    for (let i = 0; i < n; i++) {
      if (X[i].length !== f) throw new RangeError(`row ${i} has ${X[i].length} columns, expected ${f}`);
      for (let j = 0; j < f; j++) data[i * f + j] = finite(X[i][j], i);
    }
    return this.fitColumns(data, n, f);
  }

  /** Fits on n rows of f features given column-major (feature j of row i at cols[j·n + i]),
   * without building rows: the same forest as fit() on the same values. */
  fitColumnMajor(values: ArrayLike<number>, n: number, f: number): this {
    if (values.length !== n * f) throw new RangeError(`expected ${n} x ${f} values, got ${values.length}`);
    const data = new Float32Array(n * f); // row-major
    for (let j = 0; j < f; j++) for (let i = 0; i < n; i++) data[i * f + j] = finite(values[j * n + i], i);
    return this.fitColumns(data, n, f);
  }

  /** Fits on a single column of values (the pipelines' case), without building rows. */
  fitColumn(values: ArrayLike<number>): this {
    const cols = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) cols[i] = finite(values[i], i);
    return this.fitColumns(cols, values.length, 1);
  }

  /** Fits on one column and returns score_samples of the same values (what the pipelines do
   * after every training). When every value is in every tree (n <= max_samples) the path lengths
   * are summed while the trees grow, in the same order as scoreColumn sums them, so the scores
   * are identical to fitColumn(values).scoreColumn(values) without descending any tree. */
  fitScoreColumn(values: ArrayLike<number>, out: number[] = new Array(values.length)): number[] {
    const n = values.length;
    const cols = new Float32Array(n);
    for (let i = 0; i < n; i++) cols[i] = finite(values[i], i);
    if (Math.min(this.requestedMaxSamples ?? 256, n) < n) return this.fitColumns(cols, n, 1).scoreColumn(values, out);
    const totals = new Float64Array(n);
    this.fitColumns(cols, n, 1, totals);
    const sorted = cols.sort(); // the same order the trees were grown on
    for (let i = 0; i < n; i++) out[i] = this.normalise(totals[firstAtLeast(sorted, Math.fround(values[i]))]);
    return out;
  }

  /** Grows the forest on n rows of f values, row-major (one column: the column); for one column
   * with every row in every tree, `pathTotals` receives the summed path length of each position
   * of the sorted column. */
  private fitColumns(data: Float32Array, n: number, f: number, pathTotals?: Float64Array): this {
    if (n < 1 || f < 1) throw new RangeError("isolation forest needs at least one row and one column");
    const maxSamples = Math.min(this.requestedMaxSamples ?? 256, n);
    const { roots, trees } = growForest(data, n, f, this.nEstimators, maxSamples, new Rng(this.seed), pathTotals);
    this.maxSamples = maxSamples;
    this.nFeatures = f;
    this.roots = roots;
    this.child = trees.child.slice(0, trees.next);
    this.feature = f > 1 ? trees.feature.slice(0, trees.next) : new Int32Array(0);
    this.value = trees.value.slice(0, trees.next);
    return this;
  }

  /** sklearn's score_samples: -2^(-E[h(x)]/c(max_samples)), in [-1, 0). */
  scoreSamples(X: number[][]): number[] {
    this.assertFitted(X.length > 0 ? X[0].length : this.nFeatures);
    if (this.nFeatures === 1) {
      return this.scoreColumn(X.map((r, i) => {
        if (r.length !== 1) throw new RangeError(`row ${i} has ${r.length} columns, expected 1`);
        return r[0];
      }));
    }
    const f = this.nFeatures, n = X.length;
    const rows = new Float32Array(n * f); // row-major
    X.forEach((r, i) => {
      if (r.length !== f) throw new RangeError(`row ${i} has ${r.length} columns, expected ${f}`);
      for (let j = 0; j < f; j++) rows[i * f + j] = finite(r[j], i);
    });
    const totals = this.pathTotals(rows, n);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.normalise(totals[i]);
    return out;
  }

  /** score_samples of single-column values (only for a forest fitted on one column). Many values
   * are scored together: sorted, they meet each tree's leaves in order (a merge walk), which
   * replaces n random root-to-leaf descents per tree by one sequential pass. The path lengths are
   * summed over the trees in the same order either way, so the scores are identical. */
  scoreColumn(values: ArrayLike<number>, out: number[] = new Array(values.length)): number[] {
    this.assertFitted(1);
    const n = values.length;
    if (n < 16) {
      for (let i = 0; i < n; i++) out[i] = this.scoreValue(Math.fround(finite(values[i], i)));
      return out;
    }
    const sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) sorted[i] = Math.fround(finite(values[i], i));
    sorted.sort();
    const totals = new Float64Array(n);
    const { start, bounds, leafValue } = this.leafSequences();
    for (let t = 0; t < this.roots.length; t++) {
      const first = start[t], last = start[t + 1] - 1; // leaves first..last; bounds[first..last)
      let j = first;
      for (let k = 0; k < n; k++) {
        const v = sorted[k];
        while (j < last && v > bounds[j]) j++;
        totals[k] += leafValue[j];
      }
    }
    for (let i = 0; i < n; i++) out[i] = this.normalise(totals[firstAtLeast(sorted, Math.fround(values[i]))]);
    return out;
  }

  private leaves: { start: Int32Array; bounds: Float64Array; leafValue: Float64Array } | undefined;

  /** Each tree's leaves from left to right (bounds[j] separates leaf j from leaf j + 1), for a
   * single-column forest; built on first use. */
  private leafSequences(): { start: Int32Array; bounds: Float64Array; leafValue: Float64Array } {
    if (this.leaves) return this.leaves;
    const { child, value, roots } = this;
    const start = new Int32Array(roots.length + 1);
    const bounds = new Float64Array(child.length);
    const leafValue = new Float64Array(child.length);
    const stack = new Int32Array(child.length + 1);
    let k = 0;
    for (let t = 0; t < roots.length; t++) {
      start[t] = k;
      // In-order traversal: a leaf, then the threshold of the node whose left subtree it ends.
      let sp = 0;
      let node = roots[t];
      for (;;) {
        while (child[node] !== 0) { stack[sp++] = node; node = child[node]; }
        leafValue[k++] = value[node];
        if (sp === 0) break;
        const parent = stack[--sp];
        bounds[k - 1] = value[parent];
        node = child[parent] + 1;
      }
    }
    start[roots.length] = k;
    this.leaves = { start, bounds, leafValue };
    return this.leaves;
  }

  private normalise(totalPath: number): number {
    return -(2 ** (-totalPath / (this.nEstimators * averagePathLength(this.maxSamples))));
  }

  private scoreValue(v: number): number {
    const { child, value, roots } = this;
    let total = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      let c = child[node];
      while (c !== 0) {
        node = v <= value[node] ? c : c + 1;
        c = child[node];
      }
      total += value[node];
    }
    return this.normalise(total);
  }

  /** Each row's path length summed over the trees, tree by tree: a tree's nodes stay in cache
   * while every row descends it (row by row, each row would walk all the forest's nodes). Each
   * row's lengths are still added in tree order, so the sums are the same. */
  private pathTotals(rows: Float32Array, n: number): Float64Array {
    const { child, feature, value, roots } = this;
    const f = this.nFeatures;
    const totals = new Float64Array(n);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      for (let i = 0; i < n; i++) {
        const at = i * f;
        let node = root;
        let c = child[node];
        while (c !== 0) {
          node = rows[at + feature[node]] <= value[node] ? c : c + 1;
          c = child[node];
        }
        totals[i] += value[node];
      }
    }
    return totals;
  }


  private assertFitted(columns: number): void {
    if (!this.fitted) throw new Error("isolation forest is not fitted");
    if (columns !== this.nFeatures) throw new RangeError(`expected ${this.nFeatures} columns, got ${columns}`);
  }

  toJSON(): IsolationForestJSON {
    return {
      nEstimators: this.nEstimators,
      maxSamples: this.maxSamples,
      seed: this.seed,
      nFeatures: this.nFeatures,
      roots: Array.from(this.roots),
      child: Array.from(this.child),
      feature: Array.from(this.feature),
      value: Array.from(this.value),
    };
  }

  static fromJSON(j: IsolationForestJSON): IsolationForest {
    const forest = new IsolationForest({ nEstimators: j.nEstimators, maxSamples: j.maxSamples, seed: j.seed });
    const nodes = j.child.length;
    const features = j.nFeatures > 1 ? nodes : 0;
    if (j.roots.length !== j.nEstimators || j.feature.length !== features || j.value.length !== nodes) {
      throw new RangeError("isolation forest JSON: array lengths do not match");
    }
    forest.maxSamples = j.maxSamples;
    forest.nFeatures = j.nFeatures;
    forest.roots = Int32Array.from(j.roots);
    forest.child = Int32Array.from(j.child);
    forest.feature = Int32Array.from(j.feature);
    forest.value = Float64Array.from(j.value);
    return forest;
  }
}

/** Index of the first element >= v in sorted a (v must be present: equal values share a total). */
function firstAtLeast(a: Float64Array | Float32Array, v: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m] < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** A value the forest can use: finite and within float32 range (sklearn refuses others too). */
function finite(v: number, row: number): number {
  if (!(Math.abs(v) <= FLOAT32_MAX)) throw new RangeError(`isolation forest needs finite float32 values; row ${row} has ${v}`);
  return v;
}
