// CAD OSE, the Contextual Anomaly Detector, Open Source Edition (M. Smirnov, github.com/smirmik/CAD,
// CAD_OSE.py and contextOperator.py; NAB's `contextOSE`), written from its public description and
// source as a pure step function.
//
// Each value is quantised to `valueBits` bits over [minValue, maxValue]; bit k with value b is the
// sensor fact 2k + b. A step stores the whole (previous step's facts, current sensor facts) as a
// context; among the contexts whose left half the previous facts fully contain (selected), those
// whose right half the current sensor facts complete are active, and the up to `maxActiveNeurons`
// most active of them become neuron facts that join the current sensor facts as the next step's
// left facts. Partial matches of zero-level contexts propose new contexts. The score is
//   (1 - active / selected + new / candidates) / 2
// (the share of selected contexts that did not complete, plus the share of the candidate contexts
// that were new); it is reported only if no score of the previous `restRows` steps reached
// `baseThreshold` (and none before the first `restRows` steps).
//
// This is the version whose results NAB published (results/contextOSE; the port agrees with them
// row by row, docs/quality.md). NAB's source has since gained a prediction gate (a value whose bits
// the best contexts predicted scores 0; sensor facts offset by 65536) that those results do not
// have; the port follows the published results.
import { activate, cross, factSet, mostActive, newContextMemory, NEURON_BASE, storeContexts, storeZeroLevelContext, type ContextMemory } from "./context-memory";

export interface CadOseParams {
  minValue: number;
  maxValue: number;
  /** A score at or above this silences the next restRows steps (0.75 in the original). */
  baseThreshold: number;
  /** Steps silenced after a high score (NAB: its probationary period / 5). */
  restRows: number;
  /** Candidate contexts from a left part of more facts than this are not stored (7). */
  maxLeftLength: number;
  /** Active contexts that become neuron facts (15). */
  maxActiveNeurons: number;
  /** Bits of the quantised value (3: eight levels). */
  valueBits: number;
}

/** The original's defaults (NAB changes only restRows and the value range). */
export const CAD_OSE_DEFAULTS = { baseThreshold: 0.75, restRows: 30, maxLeftLength: 7, maxActiveNeurons: 15, valueBits: 3 } as const;

export interface CadOseState {
  memory: ContextMemory;
  /** This step's facts (sensor and neuron), ascending: the left half of the next whole context. */
  leftFacts: number[];
  /** Scores since the latest one at or above baseThreshold (the original's history starts with a 1). */
  sinceHigh: number;
}

export function checkCadOseParams(p: CadOseParams): void {
  if (!(Number.isFinite(p.minValue) && Number.isFinite(p.maxValue) && p.minValue <= p.maxValue)) throw new RangeError(`CAD OSE: value range [${p.minValue}, ${p.maxValue}] must be finite with min <= max`);
  if (!(Number.isInteger(p.restRows) && p.restRows >= 1)) throw new RangeError(`CAD OSE: restRows must be an integer >= 1, got ${p.restRows}`);
  if (!(Number.isInteger(p.valueBits) && p.valueBits >= 1 && p.valueBits <= 15)) throw new RangeError(`CAD OSE: valueBits must be an integer in [1, 15], got ${p.valueBits}`);
  if (!(Number.isInteger(p.maxLeftLength) && p.maxLeftLength >= 1)) throw new RangeError(`CAD OSE: maxLeftLength must be an integer >= 1, got ${p.maxLeftLength}`);
  if (!(Number.isInteger(p.maxActiveNeurons) && p.maxActiveNeurons >= 1)) throw new RangeError(`CAD OSE: maxActiveNeurons must be an integer >= 1, got ${p.maxActiveNeurons}`);
  if (!(p.baseThreshold > 0 && p.baseThreshold <= 1)) throw new RangeError(`CAD OSE: baseThreshold must be in (0, 1], got ${p.baseThreshold}`);
}

export function newCadOse(): CadOseState {
  return { memory: newContextMemory(), leftFacts: [], sinceHigh: 0 };
}

/** The sensor facts of a value: bit k of its level is fact 2k + bit. The level is
 * trunc((x - min) / ((max - min) / (2^bits - 1))) as in the original, clamped to the range (values
 * outside [min, max] occur only in a streaming run that keeps its learned range). */
export function sensorFacts(x: number, p: CadOseParams): number[] {
  const top = 2 ** p.valueBits - 1;
  const range = p.maxValue - p.minValue;
  const step = (range === 0 ? top : range) / top;
  const level = Math.min(top, Math.max(0, Math.trunc((x - p.minValue) / step)));
  const facts: number[] = [];
  for (let k = 0; k < p.valueBits; k++) facts.push(2 * k + ((level >> k) & 1));
  return facts;
}

/** One step: learns from `facts` (ascending sensor facts of the value) and returns its score. */
function rawScore(s: CadOseState, facts: number[], p: CadOseParams): number {
  const m = s.memory;
  const candidates = new Set<string>();
  let newContext = false;
  if (s.leftFacts.length > 0) {
    const whole = [factSet(s.leftFacts), factSet(facts)] as const;
    candidates.add(`${whole[0].key}/${whole[1].key}`);
    newContext = storeZeroLevelContext(m, whole[0], whole[1]);
  }
  cross(m.right, facts);
  const { active, selected, candidates: proposed } = activate(m, newContext, p.maxLeftLength);
  for (const [l, r] of proposed) candidates.add(`${l.key}/${r.key}`);
  const activeShare = selected > 0 ? active.length / selected : 0;
  const neurons = mostActive(m, active, p.maxActiveNeurons);
  s.leftFacts = facts.slice();
  for (const id of neurons) s.leftFacts.push(NEURON_BASE + id);
  const added = (proposed.length > 0 ? storeContexts(m, proposed) : 0) + (newContext ? 1 : 0);
  cross(m.left, s.leftFacts);
  const surprisingShare = newContext && candidates.size > 0 ? added / candidates.size : 0;
  return (1 - activeShare + surprisingShare) / 2;
}

/** Feeds one value; returns its anomaly score in [0, 1]. */
export function cadOseStep(s: CadOseState, x: number, p: CadOseParams): number {
  const score = rawScore(s, sensorFacts(x, p), p);
  const reported = s.sinceHigh >= p.restRows ? score : 0;
  s.sinceHigh = score >= p.baseThreshold ? 0 : s.sinceHigh + 1;
  return reported;
}
