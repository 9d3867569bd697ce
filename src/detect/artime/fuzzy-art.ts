// The dual-vigilance fuzzy ART network at the heart of ARTime (ARTimeNAB.jl,
// AdaptiveResonanceCompact.jl: a compact DVFA after AdaptiveResonance.jl; fuzzy ART: Carpenter,
// Grossberg & Rosen 1991, Neural Networks 4(6); dual vigilance: da Silva, Elnabarawy & Wunsch
// 2019, Neural Networks 109). Inputs in [0, 1]^d are complement coded to x = [f, 1 − f]. Each
// category is a weight vector w; its match with x is
//   M = (|x ∧ w|₁ / |w|₁)³ · (e(x ∧ w) / e(w))²,
// ∧ the element-wise minimum and e(v) = v[d−1] + v[2d−1] the "energy" of the newest feature (the
// current level) and its complement. Every category with M ≥ ρ_ub learns (w ← x ∧ w, fast
// commit); if none does, the sample becomes a new category, "resonant" when the best M ≥ ρ_lb,
// else a mismatch: the novelty ARTime reports. As in the original the first sample creates an
// all-ones category (it matches everything at 0.5³·0.5² and never learns) and is not learned.
//
// One departure, for bounded memory: at most `capacity` categories. When a new one is needed and
// all slots are taken, it replaces the category that was best match longest ago (never the
// all-ones one). On the NAB corpus the capacity is never reached (docs/quality.md).

export interface FuzzyArtState {
  /** Feature dimension d (weights have 2d entries). */
  dim: number;
  capacity: number;
  /** Categories in use. */
  count: number;
  /** capacity × 2d weights, row-major. */
  weights: Float64Array;
  /** |w|₁ of each category (kept with its weights). */
  weightSums: Float64Array;
  /** The training step at which each category was last the best match or learned. */
  lastUsed: Float64Array;
  /** Training steps so far. */
  steps: number;
}

/** What one training step found. */
export interface ArtOutcome {
  /** False on a mismatch (or when not learning): ARTime's category −1. */
  resonant: boolean;
  /** Best match M (0 when there was none) and its energy similarity. */
  match: number;
  energy: number;
}

export function newFuzzyArt(dim: number, capacity: number): FuzzyArtState {
  if (!(Number.isInteger(capacity) && capacity >= 2)) throw new RangeError(`ART capacity must be an integer >= 2, got ${capacity}`);
  return {
    dim, capacity, count: 0,
    weights: new Float64Array(capacity * 2 * dim),
    weightSums: new Float64Array(capacity),
    lastUsed: new Float64Array(capacity),
    steps: 0,
  };
}

/** Complement coding: [f, 1 − f]. */
export function complementCode(f: Float64Array, out: Float64Array): void {
  const d = f.length;
  for (let k = 0; k < d; k++) {
    out[k] = f[k];
    out[d + k] = 1 - f[k];
  }
}

/** Σ a[from..from+n) in index order. */
function sumRange(a: Float64Array, from: number, n: number): number {
  let s = 0;
  for (let k = from; k < from + n; k++) s += a[k];
  return s;
}

function store(art: FuzzyArtState, j: number, x: Float64Array): void {
  const n = 2 * art.dim;
  art.weights.set(x, j * n);
  art.weightSums[j] = sumRange(art.weights, j * n, n);
  art.lastUsed[j] = art.steps;
}

/** The slot for a new category: the next free one, else the least recently used (not slot 0). */
function newSlot(art: FuzzyArtState): number {
  if (art.count < art.capacity) return art.count++;
  let oldest = 1;
  for (let j = 2; j < art.count; j++) if (art.lastUsed[j] < art.lastUsed[oldest]) oldest = j;
  return oldest;
}

/** The result of a pass over all categories. */
const found = { best: -1, match: 0, energy: 0, resonant: 0, nan: false };

/** Each category's M this step (grown with the capacity). */
let matches = new Float64Array(64);

/** Computes every category's M into `matches`, and into `found` the best one (lowest index among
 * equals; −1 when every M is 0) with its energy similarity and how many reach ρ_ub. A NaN M (a
 * category whose two energy weights are 0) sets `found.nan`: Julia sorts NaN first and stops
 * there, so nothing learns and the best M counts as 0. */
function matchAll(art: FuzzyArtState, x: Float64Array, rhoUb: number): void {
  if (matches.length < art.capacity) matches = new Float64Array(art.capacity);
  found.best = -1; found.match = 0; found.energy = 0; found.resonant = 0; found.nan = false;
  const n = 2 * art.dim, w = art.weights;
  const xa = x[art.dim - 1], xb = x[n - 1];
  for (let j = 0, from = 0; j < art.count; j++, from += n) {
    let overlap = 0;
    for (let k = 0; k < n; k++) {
      const wk = w[from + k];
      overlap += x[k] < wk ? x[k] : wk;
    }
    const ws = art.weightSums[j];
    const fs = overlap / (ws === 0 ? 0.001 : ws);
    const wa = w[from + art.dim - 1], wb = w[from + n - 1];
    const es = ((xa < wa ? xa : wa) + (xb < wb ? xb : wb)) / (wa + wb);
    const m = fs * fs * fs * (es * es);
    matches[j] = m;
    if (m !== m) found.nan = true;
    if (m > found.match) { found.best = j; found.match = m; found.energy = es; }
    if (m >= rhoUb) found.resonant++;
  }
}

/** Learns w ← x ∧ w for every category whose M this step reached ρ_ub. */
function learnResonant(art: FuzzyArtState, x: Float64Array, rhoUb: number): void {
  const n = 2 * art.dim;
  for (let j = 0; j < art.count; j++) {
    if (!(matches[j] >= rhoUb)) continue;
    const from = j * n;
    for (let k = 0; k < n; k++) if (x[k] < art.weights[from + k]) art.weights[from + k] = x[k];
    art.weightSums[j] = sumRange(art.weights, from, n);
    art.lastUsed[j] = art.steps;
  }
}

/** One training step with the complement-coded sample x (2d values). */
export function trainArt(art: FuzzyArtState, x: Float64Array, rhoLb: number, rhoUb: number, learning: boolean): ArtOutcome {
  art.steps++;
  if (art.count === 0) {
    art.count = 1;
    art.weights.fill(1, 0, 2 * art.dim);
    art.weightSums[0] = 2 * art.dim;
    art.lastUsed[0] = art.steps;
    return { resonant: true, match: 0, energy: 0 };
  }
  matchAll(art, x, rhoUb);
  if (found.nan) {
    if (learning) store(art, newSlot(art), x);
    return { resonant: false, match: 0, energy: 0 };
  }
  const { best, match, energy } = found;
  if (best >= 0) art.lastUsed[best] = art.steps;
  if (!learning) return { resonant: false, match, energy };
  if (found.resonant > 0) {
    learnResonant(art, x, rhoUb);
    return { resonant: true, match, energy };
  }
  store(art, newSlot(art), x);
  return { resonant: match >= rhoLb, match, energy };
}
