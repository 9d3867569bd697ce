// The default detector's per-point core (pure: arrays and numbers in, a score out).
//
//   value ─┬─ spike:    |x - previous x| / EW mean |step|, log-compressed ─────┐
//          ├─ shift:    (x - slow EW level) / EW mean |error|, averaged ───────┤ each through an
//          ├─ novelty:  has the run of the last 1..3 coarse bins been seen? ──┤ anomaly likelihood,
//          └─ seasonal: (x - time-of-week/day profile) / scale, averaged ──────┘ then a record ratio
//   score = max_k w_k r_k / (1 + r_k),  r_k = L_k / max(decaying record of L_k, floor_k)
//   (the seasonal floor 1.65 × the others'; the novelty's r_k times 0 on a series that passes a
//   random-walk test, variance-ratio.ts: a walk enters unseen bins by ordinary steps again and again)
//   alarm hold: after an output >= alarmLevel, the next alarmHoldRows rows output 0.
//   warm-up: rows 1..learningRows (the station's window W) output 0; from W + 1 until the
//   components have MATURE_ROWS of history, the warm-up guard (robust z against the last W values).
//
// Why: the likelihood (Ahmad et al. 2017) makes each raw surprise a tail probability under its own
// recent history; the record ratio asks "is this more surprising than anything this component saw
// in the last ~recordRows rows?", which puts components with different tails on one scale and
// keeps a recurring event (a nightly job) from alarming every time; the hold makes one event one
// alarm (NAB charges every false-positive row and credits only the earliest detection).
// docs/quality.md, "The default detector", gives the measurements behind every value below.
import { likelihoodStep, newLikelihood, type LikelihoodParams, type LikelihoodState } from "./anomaly-likelihood";
import { newNovelty, noveltyStep, type NoveltyParams, type NoveltyState } from "./context-novelty";
import { newResidual, residualStep, type ResidualParams, type ResidualState } from "./residual-surprise";
import { newSeasonal, seasonalStep, type SeasonalParams, type SeasonalState } from "./seasonal-residual";
import { randomWalkZ, newVarianceRatio, varianceRatioStep, type VarianceRatioParams, type VarianceRatioState } from "./variance-ratio";
import { SortedWindow } from "./sorted-window";
import { guardScore } from "./warmup-guard";

export interface DetectorParams {
  spike: ResidualParams;
  spikeLikelihood: LikelihoodParams;
  shift: ResidualParams;
  shiftLikelihood: LikelihoodParams;
  novelty: NoveltyParams;
  noveltyLikelihood: LikelihoodParams;
  seasonal: SeasonalParams;
  seasonalLikelihood: LikelihoodParams;
  /** The random-walk test that damps the novelty term (issue 12 part 5): a walk's range keeps
   * growing, so it enters unseen bins again and again although nothing happens. The term is
   * multiplied by 0 while the test's |z| <= walkZ[0] (a walk), by 1 from |z| >= walkZ[1]
   * (stationary, or steps that persist), linearly between. */
  walk: VarianceRatioParams & { walkZ: [number, number] };
  /** Per component (spike, shift, novelty, seasonal): the score is w r / (1 + r), so a component
   * reaches alarmLevel when r >= alarmLevel / (w - alarmLevel). */
  weights: [number, number, number, number];
  /** Memory (rows) of each component's decaying record. */
  recordRows: number;
  /** Records below this count as this (a quiet stretch must not make small surprises alarm). */
  recordFloor: number;
  /** The seasonal component's floor is recordFloor times this (issue 12 part 5): at 0.2 × 1.65 it
   * alarms from L >= 0.37, a tail of 2e-4, where 0.2 let ordinary Gaussian residual averages
   * (tail 5.5e-3) alarm on clean sines every few thousand rows. */
  seasonalFloorScale: number;
  /** The seasonal component counts only while its residual scale is below this fraction of the
   * shift component's: the profile must explain most of the variation about the level (0.35:
   * roughly 90 % of it, if the scales were standard deviations); a weak profile's residual adds
   * noise and false alarms (docs/quality.md, "What was tried and dropped"). */
  seasonalGate: number;
  /** An output at or above alarmLevel starts a hold: the next alarmHoldRows rows output 0. */
  alarmLevel: number;
  alarmHoldRows: number;
}

/** Rows of history the likelihood-based components need before they score. */
export const MATURE_ROWS = 300;
/** After MATURE_ROWS the components' first short averages still span their learning rows (the
 * novelty's were all 0, so its first contexts look extreme): their score is output only after this
 * many more rows, while their records already learn. */
const SETTLE_ROWS = 10;
/** The learning period when none is given (no station window): rows before the warm-up guard scores. */
export const DEFAULT_LEARNING_ROWS = 100;
/** HTM's anomaly-likelihood history (8640 rows = 30 days of 5-minute data). */
const HISTORY = 8640;
/** HTM's short averaging window. */
const SHORT = 10;

export const DEFAULT_PARAMS: DetectorParams = {
  spike: { levelAlpha: 1, scaleAlpha: 0.01, signed: false },
  spikeLikelihood: { shortWindow: 1, longMemory: HISTORY, learningRows: MATURE_ROWS, minStd: 0.01, twoSided: false },
  shift: { levelAlpha: 0.01, scaleAlpha: 0.01, signed: true },
  shiftLikelihood: { shortWindow: SHORT, longMemory: HISTORY, learningRows: MATURE_ROWS, minStd: 0.01, twoSided: true },
  novelty: { bins: 5, maxOrder: 3, grids: 4, power: 2, tableSize: 4096, halvingRows: 2000, learningRows: MATURE_ROWS },
  noveltyLikelihood: { shortWindow: SHORT, longMemory: HISTORY, learningRows: MATURE_ROWS, minStd: 0.0173, twoSided: false },
  seasonal: { slotAlpha: 0.2, scaleAlpha: 0.01, levelAlpha: 0.01, learningRows: 50 },
  seasonalLikelihood: { shortWindow: SHORT, longMemory: HISTORY, learningRows: MATURE_ROWS, minStd: 0.01, twoSided: true },
  walk: { lag: 64, memoryRows: HISTORY, walkZ: [1.5, 2] },
  weights: [0.8, 0.8, 1, 1],
  recordRows: 1000,
  recordFloor: 0.2,
  seasonalFloorScale: 1.65,
  seasonalGate: 0.35,
  alarmLevel: 0.53,
  alarmHoldRows: SHORT,
};

export interface CoreState {
  spike: ResidualState;
  spikeLikelihood: LikelihoodState;
  shift: ResidualState;
  shiftLikelihood: LikelihoodState;
  novelty: NoveltyState;
  noveltyLikelihood: LikelihoodState;
  seasonal: SeasonalState;
  seasonalLikelihood: LikelihoodState;
  walk: VarianceRatioState;
  records: number[];
  sinceAlarm: number;
  /** Rows that output 0 (the station's window W, else DEFAULT_LEARNING_ROWS). */
  learningRows: number;
  /** The last learningRows values, kept only while the warm-up guard may still score. */
  recent: number[];
}

/** The row from which the components' score is output: after their history and the learning period. */
export function matureRow(s: CoreState): number {
  return Math.max(MATURE_ROWS + SETTLE_ROWS, s.learningRows);
}

export function newCore(p: DetectorParams, learningRows = DEFAULT_LEARNING_ROWS): CoreState {
  if (!(Number.isInteger(learningRows) && learningRows >= 1)) throw new RangeError(`learning rows must be a positive integer, got ${learningRows}`);
  return {
    spike: newResidual(),
    spikeLikelihood: newLikelihood(p.spikeLikelihood),
    shift: newResidual(),
    shiftLikelihood: newLikelihood(p.shiftLikelihood),
    novelty: newNovelty(p.novelty),
    noveltyLikelihood: newLikelihood(p.noveltyLikelihood),
    seasonal: newSeasonal(),
    seasonalLikelihood: newLikelihood(p.seasonalLikelihood),
    walk: newVarianceRatio(),
    records: [0, 0, 0, 0],
    sinceAlarm: p.alarmHoldRows + 1,
    learningRows,
    recent: [],
  };
}

/** Inputs beyond this magnitude are clipped so that no sum of squares can overflow. */
const MAX_INPUT = 1e150;

/** Feeds one value at `time` (seconds since the epoch); returns its score in [0, 1). */
export function coreStep(s: CoreState, value: number, time: number, p: DetectorParams): number {
  const x = clipInput(value);
  const novelty = noveltyTerm(s, x, p), seasonal = seasonalTerm(s, x, time, p);
  return fusedStep(s, x, novelty, seasonal, s.seasonal.scale, p);
}

/** The value as the components see it (clipped). */
export function clipInput(value: number): number {
  return Math.max(-MAX_INPUT, Math.min(MAX_INPUT, value));
}

/** The novelty component's likelihood of clipped x (it reads x alone). */
export function noveltyTerm(s: Pick<CoreState, "novelty" | "noveltyLikelihood">, x: number, p: DetectorParams): number {
  return likelihoodStep(s.noveltyLikelihood, noveltyStep(s.novelty, x, p.novelty), p.noveltyLikelihood);
}

/** The seasonal component's likelihood of clipped x at `time` (it reads x and the time alone; its
 * residual scale after the step is s.seasonal.scale). */
export function seasonalTerm(s: Pick<CoreState, "seasonal" | "seasonalLikelihood">, x: number, time: number, p: DetectorParams): number {
  return likelihoodStep(s.seasonalLikelihood, seasonalStep(s.seasonal, x, time, p.seasonal), p.seasonalLikelihood);
}

/** coreStep given this row's novelty and seasonal terms and the seasonal residual scale after it
 * (noveltyTerm, seasonalTerm: computed apart, e.g. on another thread, from a state fed the same
 * rows; the components' states are independent until they are fused here). s's own novelty and
 * seasonal states are neither read nor advanced. */
export function stepWithContext(s: CoreState, value: number, novelty: number, seasonal: number, seasonalScale: number, p: DetectorParams): number {
  return fusedStep(s, clipInput(value), novelty, seasonal, seasonalScale, p);
}

/** The spike, shift and walk components' step on clipped x, and the fusion of all terms. */
function fusedStep(s: CoreState, x: number, novelty: number, seasonal: number, seasonalScale: number, p: DetectorParams): number {
  const spike = likelihoodStep(s.spikeLikelihood, residualStep(s.spike, x, p.spike), p.spikeLikelihood);
  const shift = likelihoodStep(s.shiftLikelihood, residualStep(s.shift, x, p.shift), p.shiftLikelihood);
  varianceRatioStep(s.walk, x, p.walk);
  const z0 = p.walk.walkZ[0], z1 = p.walk.walkZ[1]; // not destructured: that iterates the array, objects per row
  // the novelty term fades out while the series looks like a random walk (docs/quality.md)
  const notWalk = Math.min(1, Math.max(0, (Math.abs(randomWalkZ(s.walk, p.walk)) - z0) / (z1 - z0)));
  const seasonalOn = seasonalScale < p.seasonalGate * s.shift.scale;
  const decay = recordDecay(p.recordRows);
  // Four scalars, not an array of them: no allocation per row (the traffic model runs this over
  // every row of a request).
  let score = Math.max(0, fused(s, 0, spike, p, decay, p.recordFloor, 1));
  score = Math.max(score, fused(s, 1, shift, p, decay, p.recordFloor, 1));
  score = Math.max(score, fused(s, 2, novelty, p, decay, p.recordFloor, notWalk));
  const seasonalScore = fused(s, 3, seasonal, p, decay, p.recordFloor * p.seasonalFloorScale, 1);
  if (seasonalOn) score = Math.max(score, seasonalScore);
  return hold(s, warmup(s, x, score, p), p);
}

/** Component k's weighted record ratio w r / (1 + r), r = surprise / max(record, floor); then its
 * record is updated (decaying by `decay` a row). */
function fused(s: CoreState, k: number, surprise: number, p: DetectorParams, decay: number, floor: number, damp: number): number {
  const r = (surprise / Math.max(s.records[k]!, floor)) * damp;
  s.records[k] = Math.max(surprise, s.records[k]! * decay);
  return (p.weights[k]! * r) / (1 + r);
}

let decayRows = NaN, decayPerRow = NaN;
/** exp(−1 / recordRows), computed once per value of recordRows. */
function recordDecay(recordRows: number): number {
  if (recordRows !== decayRows) { decayRows = recordRows; decayPerRow = Math.exp(-1 / recordRows); }
  return decayPerRow;
}

/** Each `recent` window, sorted (not part of the state: made again from `recent` when missing, e.g.
 * after a restore). Keyed by the array, so a state given a new `recent` never reads a stale one. */
const sortedWindows = new WeakMap<number[], SortedWindow>();

function sortedRecent(s: CoreState): SortedWindow {
  let w = sortedWindows.get(s.recent);
  if (w === undefined || w.length !== s.recent.length) sortedWindows.set(s.recent, (w = new SortedWindow(s.recent)));
  return w;
}

/** Rows 1..learningRows: 0; then the guard until matureRow; then the components' score. */
function warmup(s: CoreState, x: number, score: number, p: DetectorParams): number {
  const row = s.spike.n;
  const mature = matureRow(s);
  if (row > mature) return score;
  const window = sortedRecent(s);
  const out = row > s.learningRows ? guardScore(window.values(), x, p.alarmLevel) : 0;
  if (row === mature) s.recent = [];
  else {
    s.recent.push(x);
    window.insert(x);
    if (s.recent.length > s.learningRows) window.remove(s.recent.shift()!);
  }
  return out;
}

function hold(s: CoreState, score: number, p: DetectorParams): number {
  s.sinceAlarm++;
  if (s.sinceAlarm <= p.alarmHoldRows) return 0;
  if (score >= p.alarmLevel) s.sinceAlarm = 0;
  return score;
}
