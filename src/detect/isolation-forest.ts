// Isolation forest with scikit-learn 1.2's semantics (sklearn.ensemble.IsolationForest with its
// defaults): each of nEstimators trees is an extremely randomised tree grown on max_samples =
// min(256, n) rows drawn without replacement, to depth ceil(log2(max_samples)); at each node a
// random non-constant feature and a threshold uniform in [min, max) of the node's values
// (x <= threshold goes left). The path length of a row is its leaf depth + c(leaf size) and
// score_samples = -2^(-mean path / c(max_samples)) (Liu, Ting & Zhou 2008), so -1 is the most
// anomalous. Like sklearn the data are rounded to float32 first. Randomness comes from our own
// seeded PRNG, so scores match sklearn in distribution, not draw for draw.
// Trees are flat typed arrays: feature (-1 at a leaf), threshold, left/right child, and at a
// leaf the precomputed depth + c(size).
import { Rng } from "./rng";

const EULER_GAMMA = 0.5772156649015329;
const FEATURE_THRESHOLD = 1e-7; // sklearn treats a feature as constant within this range

/** sklearn's _average_path_length: c(n) = 2(ln(n-1) + gamma) - 2(n-1)/n, c(0) = c(1) = 0, c(2) = 1. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

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
  /** Start of each tree in the node arrays. */
  treeStart: number[];
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  pathLength: number[];
}

export class IsolationForest {
  readonly nEstimators: number;
  readonly seed: number;
  private readonly requestedMaxSamples: number | undefined;
  private maxSamples = 0;
  private nFeatures = 0;
  private treeStart = new Int32Array(0);
  private feature = new Int32Array(0);
  private threshold = new Float64Array(0);
  private left = new Int32Array(0);
  private right = new Int32Array(0);
  private pathLength = new Float64Array(0);

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
    const cols = new Float32Array(n * f); // column-major
    for (let i = 0; i < n; i++) {
      if (X[i].length !== f) throw new RangeError(`row ${i} has ${X[i].length} columns, expected ${f}`);
      for (let j = 0; j < f; j++) cols[j * n + i] = finite(X[i][j], i);
    }
    return this.fitColumns(cols, n, f);
  }

  /** Fits on a single column of values (the pipelines' case), without building rows. */
  fitColumn(values: ArrayLike<number>): this {
    const cols = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) cols[i] = finite(values[i], i);
    return this.fitColumns(cols, values.length, 1);
  }

  private fitColumns(cols: Float32Array, n: number, f: number): this {
    if (n < 1 || f < 1) throw new RangeError("isolation forest needs at least one row and one column");
    const maxSamples = Math.min(this.requestedMaxSamples ?? 256, n);
    const maxDepth = Math.ceil(Math.log2(Math.max(maxSamples, 2)));
    const maxNodes = 2 * maxSamples - 1;
    const T = this.nEstimators;
    const feature = new Int32Array(T * maxNodes);
    const threshold = new Float64Array(T * maxNodes);
    const left = new Int32Array(T * maxNodes);
    const right = new Int32Array(T * maxNodes);
    const pathLength = new Float64Array(T * maxNodes);
    const treeStart = new Int32Array(T + 1);
    const rng = new Rng(this.seed);
    const all = new Int32Array(n);
    const rows = new Int32Array(maxSamples);
    const features = new Int32Array(f);
    // Node work stack: [node, begin, end, depth]
    const stack = new Int32Array(4 * (maxNodes + 1));
    let next = 0;
    for (let t = 0; t < T; t++) {
      treeStart[t] = next;
      // Subsample without replacement (partial Fisher-Yates).
      for (let i = 0; i < n; i++) all[i] = i;
      for (let i = 0; i < maxSamples; i++) {
        const j = i + rng.nextInt(n - i);
        const tmp = all[i];
        all[i] = all[j];
        all[j] = tmp;
        rows[i] = tmp;
      }
      const root = next++;
      let sp = 0;
      stack[sp++] = root; stack[sp++] = 0; stack[sp++] = maxSamples; stack[sp++] = 0;
      while (sp > 0) {
        const depth = stack[--sp], end = stack[--sp], begin = stack[--sp], node = stack[--sp];
        const size = end - begin;
        let splitFeature = -1;
        let lo = 0, hi = 0;
        if (depth < maxDepth && size >= 2) {
          // Draw features at random until a non-constant one turns up (sklearn's random splitter).
          for (let j = 0; j < f; j++) features[j] = j;
          for (let remaining = f; remaining > 0; remaining--) {
            const pick = rng.nextInt(remaining);
            const cand = features[pick];
            features[pick] = features[remaining - 1];
            const base = cand * n;
            lo = Infinity; hi = -Infinity;
            for (let k = begin; k < end; k++) {
              const v = cols[base + rows[k]];
              if (v < lo) lo = v;
              if (v > hi) hi = v;
            }
            if (hi > lo + FEATURE_THRESHOLD) { splitFeature = cand; break; }
          }
        }
        if (splitFeature < 0) {
          feature[node] = -1;
          pathLength[node] = depth + averagePathLength(size);
          continue;
        }
        let thr = lo + rng.nextFloat() * (hi - lo);
        if (thr === hi) thr = lo;
        // Partition rows[begin..end) so that values <= thr come first.
        const base = splitFeature * n;
        let i = begin, j = end - 1;
        while (i <= j) {
          if (cols[base + rows[i]] <= thr) i++;
          else { const tmp = rows[i]; rows[i] = rows[j]; rows[j] = tmp; j--; }
        }
        const l = next++, r = next++;
        feature[node] = splitFeature;
        threshold[node] = thr;
        left[node] = l;
        right[node] = r;
        stack[sp++] = r; stack[sp++] = i; stack[sp++] = end; stack[sp++] = depth + 1;
        stack[sp++] = l; stack[sp++] = begin; stack[sp++] = i; stack[sp++] = depth + 1;
      }
    }
    treeStart[T] = next;
    this.maxSamples = maxSamples;
    this.nFeatures = f;
    this.treeStart = treeStart;
    this.feature = feature.slice(0, next);
    this.threshold = threshold.slice(0, next);
    this.left = left.slice(0, next);
    this.right = right.slice(0, next);
    this.pathLength = pathLength.slice(0, next);
    return this;
  }

  /** sklearn's score_samples: -2^(-E[h(x)]/c(max_samples)), in [-1, 0). */
  scoreSamples(X: number[][]): number[] {
    this.assertFitted(X.length > 0 ? X[0].length : this.nFeatures);
    const row = new Float32Array(this.nFeatures);
    return X.map((r, i) => {
      if (r.length !== this.nFeatures) throw new RangeError(`row ${i} has ${r.length} columns, expected ${this.nFeatures}`);
      for (let j = 0; j < r.length; j++) row[j] = finite(r[j], i);
      return this.scoreRow(row);
    });
  }

  /** score_samples of single-column values (only for a forest fitted on one column). */
  scoreColumn(values: ArrayLike<number>, out: number[] = new Array(values.length)): number[] {
    this.assertFitted(1);
    const row = new Float32Array(1);
    for (let i = 0; i < values.length; i++) {
      row[0] = finite(values[i], i);
      out[i] = this.scoreRow(row);
    }
    return out;
  }

  private scoreRow(row: Float32Array): number {
    const { feature, threshold, left, right, pathLength, treeStart } = this;
    let total = 0;
    for (let t = 0; t < this.nEstimators; t++) {
      let node = treeStart[t];
      let fe = feature[node];
      while (fe >= 0) {
        node = row[fe] <= threshold[node] ? left[node] : right[node];
        fe = feature[node];
      }
      total += pathLength[node];
    }
    return -(2 ** (-total / (this.nEstimators * averagePathLength(this.maxSamples))));
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
      treeStart: Array.from(this.treeStart),
      feature: Array.from(this.feature),
      threshold: Array.from(this.threshold),
      left: Array.from(this.left),
      right: Array.from(this.right),
      pathLength: Array.from(this.pathLength),
    };
  }

  static fromJSON(j: IsolationForestJSON): IsolationForest {
    const forest = new IsolationForest({ nEstimators: j.nEstimators, maxSamples: j.maxSamples, seed: j.seed });
    if (j.treeStart.length !== j.nEstimators + 1) throw new RangeError("isolation forest JSON: treeStart does not match nEstimators");
    forest.maxSamples = j.maxSamples;
    forest.nFeatures = j.nFeatures;
    forest.treeStart = Int32Array.from(j.treeStart);
    forest.feature = Int32Array.from(j.feature);
    forest.threshold = Float64Array.from(j.threshold);
    forest.left = Int32Array.from(j.left);
    forest.right = Int32Array.from(j.right);
    forest.pathLength = Float64Array.from(j.pathLength);
    return forest;
  }
}

function finite(v: number, row: number): number {
  if (!Number.isFinite(v)) throw new RangeError(`isolation forest needs finite values; row ${row} has ${v}`);
  return v;
}
