// The default detector's CoreState as plain JSON and back. Its tables (the context counts, the
// weekly and daily profiles) are typed arrays stored as base64 of their bytes (../typed-array-codec):
// a snapshot is then a few strings instead of ~17,000 decimal numbers (no structuredClone of JS
// arrays either): toJSON + JSON.stringify ~0.2 ms instead of ~3.6 ms, JSON.parse + restore ~0.2 ms
// instead of ~1.3 ms (docs/stations.md, "Snapshot cost"), with every value's bits kept, so a
// restored detector continues exactly. The small parts (moments, rings, warm-up values) stay JSON
// numbers.
import { decodeFloat64, decodeFloat64Table, decodeUint8, encodeFloat64Table, encodeTypedArray, type SparseFloat64 } from "../typed-array-codec";
import type { CoreState, DetectorParams } from "./detector-core";
import type { LikelihoodState } from "./anomaly-likelihood";
import type { NoveltyState } from "./context-novelty";
import type { ResidualState } from "./residual-surprise";
import type { SeasonalState } from "./seasonal-residual";
import { newVarianceRatio, type VarianceRatioState } from "./variance-ratio";

export interface NoveltyJSON extends Omit<NoveltyState, "counts"> {
  counts: string | SparseFloat64;
}

export interface SeasonalJSON extends Omit<SeasonalState, "week" | "weekSeen" | "day" | "daySeen"> {
  week: string;
  weekSeen: string;
  day: string;
  daySeen: string;
}

export interface CoreJSON extends Omit<CoreState, "novelty" | "seasonal"> {
  novelty: NoveltyJSON;
  seasonal: SeasonalJSON;
}

const likelihoodJSON = (s: LikelihoodState): LikelihoodState => ({ ...s, ring: s.ring.slice() });

/** A copy of `core` that JSON.stringify writes as is (nothing in it aliases the live state). */
export function coreToJSON(core: CoreState): CoreJSON {
  const { novelty, seasonal } = core;
  return {
    spike: { ...core.spike },
    spikeLikelihood: likelihoodJSON(core.spikeLikelihood),
    shift: { ...core.shift },
    shiftLikelihood: likelihoodJSON(core.shiftLikelihood),
    novelty: { ...novelty, warm: novelty.warm.slice(), history: novelty.history.map((h) => h.slice()), counts: encodeFloat64Table(novelty.counts) },
    noveltyLikelihood: likelihoodJSON(core.noveltyLikelihood),
    seasonal: {
      ...seasonal,
      week: encodeTypedArray(seasonal.week), weekSeen: encodeTypedArray(seasonal.weekSeen),
      day: encodeTypedArray(seasonal.day), daySeen: encodeTypedArray(seasonal.daySeen),
    },
    seasonalLikelihood: likelihoodJSON(core.seasonalLikelihood),
    walk: { ...core.walk, ring: core.walk.ring.slice() },
    records: core.records.slice(),
    sinceAlarm: core.sinceAlarm,
    learningRows: core.learningRows,
    recent: core.recent.slice(),
  };
}

function object<T>(x: unknown, what: string): T {
  if (typeof x !== "object" || x === null || Array.isArray(x)) throw new RangeError(`default detector state: ${what} is not an object`);
  return x as T;
}

/** A copy of `x` if it is an array of numbers (of `length` numbers when given). */
function numbers(x: unknown, what: string, length?: number): number[] {
  if (!Array.isArray(x) || (length !== undefined && x.length !== length) || !x.every((v) => typeof v === "number")) {
    throw new RangeError(`default detector state: ${what} is not ${length ?? "a list of"} numbers`);
  }
  return x.slice();
}

function positiveInteger(x: unknown, what: string): number {
  if (!(typeof x === "number" && Number.isInteger(x) && x >= 1)) throw new RangeError(`default detector state: ${what} is not a positive integer`);
  return x;
}

function finite(a: Float64Array, what: string): Float64Array {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new RangeError(`default detector state: ${what}[${i}] is not finite`);
  return a;
}

// The restored states are built field by field in the order of their new...() literals, not
// spread from the parsed JSON: a spread's object has another hidden class than a fresh state's,
// with its number fields held as boxed values, so every step stored a new heap number per field
// and the steps saw two shapes (a restored detector was ~10 % slower per sample than a fresh one).

function likelihoodFromJSON(x: unknown, shortWindow: number, what: string): LikelihoodState {
  const s = object<LikelihoodState>(x, what);
  return { ring: numbers(s.ring, `${what}.ring`, shortWindow), pos: s.pos, sum: s.sum, n: s.n, mean: s.mean, variance: s.variance };
}

function residualFromJSON(x: unknown, what: string): ResidualState {
  const s = object<ResidualState>(x, what);
  return { n: s.n, level: s.level, scale: s.scale };
}

/** The random-walk test's state; a state written before it existed (version 3 of 2026-12) has
 * none and starts a fresh test (it counts as a walk until it has seen enough steps). */
function walkFromJSON(x: unknown, lag: number): VarianceRatioState {
  if (x === undefined) return newVarianceRatio();
  const w = object<VarianceRatioState>(x, "core.walk");
  const ring = numbers(w.ring, "core.walk.ring");
  if (ring.length > lag || !(Number.isInteger(w.pos) && w.pos >= 0 && w.pos < Math.max(ring.length, 1))) throw new RangeError(`default detector state: core.walk.ring is not at most ${lag} values with a position in it`);
  return { ring, pos: w.pos, n: w.n, mean1: w.mean1, var1: w.var1, meanK: w.meanK, varK: w.varK };
}

/** Reads what coreToJSON wrote (after a JSON round trip), checking the tables' shapes. */
export function coreFromJSON(json: unknown, p: DetectorParams): CoreState {
  const c = object<CoreJSON>(json, "core");
  const n = object<NoveltyJSON>(c.novelty, "core.novelty");
  const s = object<SeasonalJSON>(c.seasonal, "core.seasonal");
  const counts = finite(decodeFloat64Table(n.counts, "core.novelty.counts"), "core.novelty.counts");
  if (counts.length !== p.novelty.maxOrder * p.novelty.tableSize) throw new RangeError(`default detector state: ${counts.length} context counts, expected ${p.novelty.maxOrder * p.novelty.tableSize}`);
  if (!Array.isArray(n.history) || n.history.length !== p.novelty.grids) throw new RangeError(`default detector state: core.novelty.history is not ${p.novelty.grids} lists`);
  const week = finite(decodeFloat64(s.week, "core.seasonal.week"), "core.seasonal.week");
  const day = finite(decodeFloat64(s.day, "core.seasonal.day"), "core.seasonal.day");
  const weekSeen = decodeUint8(s.weekSeen, "core.seasonal.weekSeen"), daySeen = decodeUint8(s.daySeen, "core.seasonal.daySeen");
  if (week.length !== weekSeen.length || day.length !== daySeen.length) throw new RangeError("default detector state: seasonal profiles and their seen flags differ in length");
  return {
    spike: residualFromJSON(c.spike, "core.spike"),
    spikeLikelihood: likelihoodFromJSON(c.spikeLikelihood, p.spikeLikelihood.shortWindow, "core.spikeLikelihood"),
    shift: residualFromJSON(c.shift, "core.shift"),
    shiftLikelihood: likelihoodFromJSON(c.shiftLikelihood, p.shiftLikelihood.shortWindow, "core.shiftLikelihood"),
    novelty: {
      warm: numbers(n.warm, "core.novelty.warm"), flatRun: n.flatRun, width: n.width, origin: n.origin,
      history: n.history.map((h, g) => numbers(h, `core.novelty.history[${g}]`)), counts, n: n.n,
    },
    noveltyLikelihood: likelihoodFromJSON(c.noveltyLikelihood, p.noveltyLikelihood.shortWindow, "core.noveltyLikelihood"),
    seasonal: { n: s.n, lastTime: s.lastTime, step: s.step, slotSeconds: s.slotSeconds, week, weekSeen, day, daySeen, level: s.level, scale: s.scale },
    seasonalLikelihood: likelihoodFromJSON(c.seasonalLikelihood, p.seasonalLikelihood.shortWindow, "core.seasonalLikelihood"),
    walk: walkFromJSON(c.walk, p.walk.lag),
    records: numbers(c.records, "core.records", 4),
    sinceAlarm: c.sinceAlarm,
    learningRows: positiveInteger(c.learningRows, "core.learningRows"),
    recent: numbers(c.recent, "core.recent"),
  };
}
