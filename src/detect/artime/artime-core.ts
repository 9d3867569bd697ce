// ARTime (Mark Hampton, 2021; NAB's ARTime detector, ARTimeNAB.jl): anomaly detection with a
// dual-vigilance fuzzy ART network over wavelet features of a downsampled, discretised series.
// A sample is anomalous when its feature vector resonates with no learned category (a new
// category is a mismatch), outside the masking that follows a new category or an anomaly; the
// score is a confidence from how far the best match lies below the two vigilances and how far
// the current level is from that category's. The vigilances adapt: every half trend window (and
// 12 steps after an anomaly) ρ_ub moves to the mean best match so far (capped at 0.97) and ρ_lb
// creeps towards the lowest recent match, or backs off after mismatches, never below the mean
// match of past anomalies. Written from ARTimeNAB.jl's description and behaviour; step numbers
// (i) count downsampled values from 1 as there.
import { complementCode, newFuzzyArt, trainArt, type FuzzyArtState } from "./fuzzy-art";
import { frontEndStep, newFrontEnd, type FrontEndParams, type FrontEndState } from "./front-end";
import { initialVigilance } from "./initial-vigilance";
import { rintHalfEven } from "../round";

/** ARTime's constants (ARTimeNAB.jl `P`); `capacity` is ours (./fuzzy-art.ts). */
export const ARTIME_PARAMS = {
  window: 8,
  windowsPerProbation: 13,
  levels: 80,
  chomp: 0.075,
  initialRho: 0.8,
  capacity: 1024,
} as const;

/** What NAB tells ARTime about a series before it starts: its range and probationary length. */
export interface ArtimeSetup {
  min: number;
  max: number;
  /** Rows of learning (NAB's probationary period); made even as ARTime does. */
  probation: number;
}

/** Sizes derived from the setup (ARTimeNAB.jl `init`). */
export interface ArtimeSizes extends FrontEndParams {
  /** Downsampled values in the learning period (≥ 2·window). */
  trendWindow: number;
  /** Steps of masking after an anomaly, and when ρ is revised after one: 1.5 windows. */
  mask: number;
}

export interface ArtimeCore {
  sizes: ArtimeSizes;
  front: FrontEndState;
  art: FuzzyArtState;
  /** Feature vectors of the learning period, until it ends (then empty). */
  learning: Float64Array[];
  rhoLb: number;
  rhoUb: number;
  lastAnomaly: number;
  lastAnomalyMatch: number;
  lastRhoUpdate: number;
  maskAfterCategory: boolean;
  sinceNewCategory: number;
  /** Best matches of past anomalies (each the lowest within its masking window): count, sum
   * of all but the last, the last. */
  anomalies: { count: number; sumBefore: number; last: number };
  /** Running mean of every best match (OnlineStats.Mean: μ += (x − μ)/n). */
  matchMean: { mean: number; n: number };
  /** The last trendWindow/2 + 1 best matches (initially 1), oldest first. */
  recentMatches: Float64Array;
  /** ρ_ub − best match over the last trendWindow + 1 steps (initially 0), oldest first. */
  recentGaps: Float64Array;
}

export function artimeSizes(setup: ArtimeSetup, p = ARTIME_PARAMS): ArtimeSizes {
  const probation = setup.probation - (setup.probation % 2);
  const step = Math.max(1, Math.floor(probation / (p.window * p.windowsPerProbation)));
  const trendWindow = Math.floor(probation / step);
  if (!(trendWindow >= 2 * p.window)) throw new RangeError(`ARTime needs a learning period of at least ${2 * p.window} rows, got ${setup.probation}`);
  if (!(Number.isFinite(setup.min) && Number.isFinite(setup.max) && setup.min <= setup.max)) throw new RangeError(`ARTime range [${setup.min}, ${setup.max}] is not a finite interval`);
  return {
    step, window: p.window, levels: p.levels, chomp: p.chomp, min: setup.min, max: setup.max,
    trendWindow, mask: Math.floor(p.window * 1.5),
  };
}

export function newArtimeCore(setup: ArtimeSetup, p = ARTIME_PARAMS): ArtimeCore {
  const sizes = artimeSizes(setup, p);
  return {
    sizes,
    front: newFrontEnd(sizes),
    art: newFuzzyArt(2 * p.window, p.capacity),
    learning: [],
    rhoLb: 0, rhoUb: 0,
    lastAnomaly: 0, lastAnomalyMatch: 0, lastRhoUpdate: 0,
    maskAfterCategory: false, sinceNewCategory: 0,
    anomalies: { count: 0, sumBefore: 0, last: 0 },
    matchMean: { mean: 0, n: 0 },
    recentMatches: new Float64Array((sizes.trendWindow >> 1) + 1).fill(1),
    recentGaps: new Float64Array(sizes.trendWindow + 1),
  };
}

function push(a: Float64Array, v: number): void {
  a.copyWithin(0, 1);
  a[a.length - 1] = v;
}

/** ARTime's confidence in an anomaly whose best match is `match` with energy similarity
 * `energy`: how far below each vigilance the match lies (relative to 1 − match), weighted
 * 0.35 / 0.65, plus 1.5 × the energy dissimilarity; at most 1, 6 decimals. */
export function confidence(match: number, energy: number, rhoLb: number, rhoUb: number): number {
  const m = Math.min(0.999, match);
  const ub = ((1 - m) - (1 - rhoUb)) / (1 - m);
  const lb = ((1 - m) - (1 - rhoLb)) / (1 - m);
  const s = Math.min(1, (ub * 0.35 + lb * 0.65) + (1 - energy) * 1.5);
  return rintHalfEven(s * 1e6) / 1e6;
}

/** Mean of the gaps above 0.05 (each capped at 0.37), 0 when there are none. */
function meanLargeGap(gaps: Float64Array): number {
  let sum = 0, n = 0;
  for (let k = 0; k < gaps.length; k++) {
    if (!(gaps[k] > 0.05)) continue;
    const g = Math.min(0.37, gaps[k]);
    sum = n === 0 ? g : sum + g;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

function minOf(a: Float64Array): number {
  let m = a[0];
  for (let k = 1; k < a.length; k++) if (a[k] < m) m = a[k];
  return m;
}

/** Revises the vigilances (ARTime's update of ρ after an anomaly or each half trend window). */
function reviseVigilance(c: ArtimeCore, i: number): void {
  const lowest = minOf(c.recentMatches);
  const ub = Math.min(0.97, c.matchMean.mean);
  const prev = c.rhoLb;
  let lb: number;
  if (prev <= lowest) {
    lb = prev + (lowest - prev) * 0.19;
  } else {
    const decrease = Math.max(0.01, i > 2 * c.sizes.trendWindow ? meanLargeGap(c.recentGaps) : 0);
    lb = prev - decrease / 2;
    const a = c.anomalies;
    if (a.count > 0) lb = Math.max((a.count === 1 ? a.last : a.sumBefore + a.last) / a.count, lb);
  }
  c.rhoLb = Math.min(ub, lb);
  c.rhoUb = ub;
  c.lastRhoUpdate = i;
  c.maskAfterCategory = true;
}

const coded = new Float64Array(64);

/** ARTime's detect!: trains the network on feature vector `f` at step i; returns the score. */
function detect(c: ArtimeCore, f: Float64Array, i: number): number {
  const { trendWindow, mask, window } = c.sizes;
  const since = i - c.lastAnomaly;
  const reviseAfterAnomaly = since === mask;
  const reviseForTrend = i - c.lastRhoUpdate >= trendWindow >> 1;
  const maskAfterAnomaly = since <= mask;
  if (i > trendWindow + mask && c.maskAfterCategory && c.sinceNewCategory >= mask) c.maskAfterCategory = false;
  const x = coded.subarray(0, 2 * f.length);
  complementCode(f, x);
  // The steps before the first full feature window train nothing (but count, as in ARTime).
  const learning = i >= window;
  const { resonant, match, energy } = trainArt(c.art, x, c.rhoLb, c.rhoUb, learning);
  const newCategory = !learning || !resonant;
  c.sinceNewCategory = newCategory ? 0 : c.sinceNewCategory + 1;
  c.matchMean.n++;
  c.matchMean.mean += (1 / c.matchMean.n) * (match - c.matchMean.mean);
  push(c.recentMatches, match);
  push(c.recentGaps, c.rhoUb - match);
  const a = c.anomalies;
  if (since < mask && a.count > 0 && match < a.last) a.last = match;
  const masking = c.maskAfterCategory || maskAfterAnomaly;
  const belowLast = match < c.lastAnomalyMatch * (maskAfterAnomaly ? 0.9 : 0.7);
  let score = 0;
  if (i > trendWindow && newCategory && (!masking || belowLast)) {
    score = confidence(match, energy, c.rhoLb, c.rhoUb);
    if (a.count > 0) a.sumBefore = a.count === 1 ? a.last : a.sumBefore + a.last;
    a.count++;
    a.last = match;
    c.lastAnomalyMatch = match;
    c.lastAnomaly = i;
  }
  c.maskAfterCategory = newCategory || c.maskAfterCategory;
  if (i > trendWindow && (reviseAfterAnomaly || reviseForTrend)) reviseVigilance(c, i);
  return score;
}

/** The end of the learning period: the initial vigilance from its feature vectors, then the
 * network trains on all of them in order (no scores: NAB's probationary period). */
function endLearning(c: ArtimeCore): void {
  const { trendWindow, window } = c.sizes;
  const rho = initialVigilance(c.learning.slice(window - 1), trendWindow, ARTIME_PARAMS.initialRho);
  c.rhoLb = c.rhoUb = rho;
  c.learning.forEach((f, k) => detect(c, f, k + 1));
  c.learning = [];
}

const features = new Float64Array(64);

/** Feeds one sample; returns its anomaly score in [0, 1] (0 between downsampled values). */
export function artimeStep(c: ArtimeCore, value: number): number {
  const f = features.subarray(0, 2 * c.sizes.window);
  if (!frontEndStep(c.sizes, c.front, value, f)) return 0;
  const i = c.front.made;
  if (i > c.sizes.trendWindow) return detect(c, f, i);
  c.learning.push(f.slice());
  if (i === c.sizes.trendWindow) endLearning(c);
  return 0;
}

/** True once the learning period has ended. */
export function artimeLearned(c: ArtimeCore): boolean {
  return c.front.made >= c.sizes.trendWindow;
}
