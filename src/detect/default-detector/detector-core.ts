// The default detector's per-point core (no I/O): raw surprises -> anomaly likelihood each ->
// fused score -> refractory suppression. Parameters are explicit so the bench can study them;
// the pipeline uses DEFAULT_PARAMS only.
import { likelihoodStep, newLikelihood, type LikelihoodParams, type LikelihoodState } from "./anomaly-likelihood";
import { newNovelty, noveltyStep, type NoveltyParams, type NoveltyState } from "./context-novelty";
import { newResidual, residualStep, type ResidualParams, type ResidualState } from "./residual-surprise";
import { newSeasonal, seasonalStep, type SeasonalParams, type SeasonalState } from "./seasonal-residual";

export interface DetectorParams {
  spike: ResidualParams;
  spikeLikelihood: LikelihoodParams;
  shift: ResidualParams;
  shiftLikelihood: LikelihoodParams;
  novelty: NoveltyParams;
  noveltyLikelihood: LikelihoodParams;
  seasonal: SeasonalParams;
  seasonalLikelihood: LikelihoodParams;
  /** Time constant (rows) of the decaying memory of recent scores; a score fires only when it
   * exceeds that memory. */
  refractoryRows: number;
  /** Factor applied to a score that does not exceed the memory. */
  suppressedFactor: number;
  weights: number[];
  /** Each component's score is divided by the decaying record of its own past scores. */
  recordRows: number;
  recordFloor: number;
  /** The seasonal component counts only while its residual scale is below this fraction of the
   * slow-level residual scale (the profile explains the series). */
  seasonalGate: number;
}

/** Rows before the detector gives any score: every part's learning period. */
export const LEARNING_ROWS = 300;
const LEARN = LEARNING_ROWS;
export const DEFAULT_PARAMS: DetectorParams = {
  spike: { levelAlpha: 0.5, scaleAlpha: 0.01, signed: false },
  spikeLikelihood: { shortWindow: 1, longMemory: 3000, learningRows: LEARN, minStd: 0.01, twoSided: false },
  shift: { levelAlpha: 0.01, scaleAlpha: 0.01, signed: true },
  shiftLikelihood: { shortWindow: 10, longMemory: 3000, learningRows: LEARN, minStd: 0.01, twoSided: true },
  novelty: { bins: 5, maxOrder: 3, tableSize: 1024, halvingRows: 2000, learningRows: LEARN },
  noveltyLikelihood: { shortWindow: 10, longMemory: 3000, learningRows: LEARN, minStd: 0.0173, twoSided: false },
  seasonal: { slotAlpha: 0.2, scaleAlpha: 0.01, levelAlpha: 0.01, learningRows: 50 },
  seasonalLikelihood: { shortWindow: 10, longMemory: 3000, learningRows: LEARN, minStd: 0.01, twoSided: true },
  refractoryRows: 100,
  suppressedFactor: 0,
  weights: [0.8, 0.8, 1, 1],
  recordRows: 1000,
  recordFloor: 0.2,
  seasonalGate: 0.7,
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
  memory: number;
  records: number[];
}

export function newCore(p: DetectorParams): CoreState {
  return {
    spike: newResidual(),
    spikeLikelihood: newLikelihood(p.spikeLikelihood),
    shift: newResidual(),
    shiftLikelihood: newLikelihood(p.shiftLikelihood),
    novelty: newNovelty(p.novelty),
    noveltyLikelihood: newLikelihood(p.noveltyLikelihood),
    seasonal: newSeasonal(),
    seasonalLikelihood: newLikelihood(p.seasonalLikelihood),
    memory: 0,
    records: [0, 0, 0, 0],
  };
}

/** Inputs beyond this magnitude are clipped so that no sum of squares can overflow. */
const MAX_INPUT = 1e150;

export function coreStep(s: CoreState, value: number, time: number, p: DetectorParams): number {
  const x = Math.max(-MAX_INPUT, Math.min(MAX_INPUT, value));
  const comps = [
    likelihoodStep(s.spikeLikelihood, residualStep(s.spike, x, p.spike), p.spikeLikelihood),
    likelihoodStep(s.shiftLikelihood, residualStep(s.shift, x, p.shift), p.shiftLikelihood),
    likelihoodStep(s.noveltyLikelihood, noveltyStep(s.novelty, x, p.novelty), p.noveltyLikelihood),
    p.weights[3] > 0 ? likelihoodStep(s.seasonalLikelihood, seasonalStep(s.seasonal, x, time, p.seasonal), p.seasonalLikelihood) : 0,
  ];
  const w = p.weights.slice();
  if (!(s.seasonal.scale < p.seasonalGate * s.shift.scale)) w[3] = 0;
  let score = 0;
  const decay = Math.exp(-1 / p.recordRows);
  for (let k = 0; k < comps.length; k++) {
    const r = comps[k] / Math.max(s.records[k], p.recordFloor);
    score = Math.max(score, (w[k] * r) / (1 + r));
    s.records[k] = Math.max(comps[k], s.records[k] * decay);
  }
  const out = score > s.memory ? score : score * p.suppressedFactor;
  s.memory = Math.max(score, s.memory * Math.exp(-1 / p.refractoryRows));
  return out;
}
