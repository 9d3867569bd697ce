// The default traffic model's anomaly scores (issue 18): the station `default` detector (a
// streaming detector, ./default-detector/) run over the rows in time order, so a row is judged
// from itself and the rows before it, as the station API judges a sample. A request judged from
// scratch starts a fresh detector on its window; with a SeriesHistory (the detector after the
// newest row of an earlier answer and the decisions it gave, ../traffic/series-memory.ts) only the
// rows newer than that are fed, and older rows get the decision they got before.
//
// Rows the detector cannot judge yet (its learning period) and rows that are not newer than the
// newest row fed and were never decided take the window's residual test instead: the smoothed
// series' locally detrended residual as a robust z-score, scored 1 − 2n·P(|Z| > z), the chance
// that none of n Gaussian residuals lies as far out (Bonferroni). That score exceeds
// `sensitivity` exactly when the z-score exceeds the quantile the shallow model confirmed with.
import { epochMs } from "./iso-time";
import { ModelInputError } from "./model-catalog";
import { normalSf } from "./normal";
import { DefaultDetectorPipeline } from "./default-detector/default-pipeline";

/** How many of a series' newest decisions a history keeps (a week of one-minute rows). */
export const KEPT_DECISIONS = 10_080;

export interface SeriesHistory {
  /** The detector after the newest row it was fed. */
  pipeline: DefaultDetectorPipeline;
  /** Epoch ms of the newest row fed; -Infinity before any. */
  lastMs: number;
  /** The newest decisions, oldest first: row time (epoch ms), score, 1 = anomalous. */
  times: Float64Array;
  scores: Float64Array;
  flags: Uint8Array;
}

export interface SeriesJudgement {
  scores: Float64Array;
  anomalous: boolean[];
  /** The history after this answer. */
  history: SeriesHistory;
}

export function newHistory(): SeriesHistory {
  return { pipeline: new DefaultDetectorPipeline(), lastMs: -Infinity, times: new Float64Array(0), scores: new Float64Array(0), flags: new Uint8Array(0) };
}

/** Residual-test scores, 1 − 2n·P(|Z| > z) clipped at 0, from robust z-scores. */
export function residualScores(z: Float64Array): Float64Array {
  const n = z.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(0, 1 - 2 * n * normalSf(z[i]!));
  return out;
}

/** Epoch ms of every row; a row without a readable time is a 400. */
function rowTimes(timestamps: readonly string[]): Float64Array {
  const out = new Float64Array(timestamps.length);
  for (let i = 0; i < timestamps.length; i++) {
    const t = epochMs(timestamps[i]!);
    if (Number.isNaN(t)) throw new ModelInputError(`row ${i}: timestamp ${JSON.stringify(timestamps[i])} has no date and time`);
    out[i] = t;
  }
  return out;
}

/** Index of time t in the sorted `times`, or -1. */
function findTime(times: Float64Array, t: number): number {
  let lo = 0, hi = times.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, m = times[mid]!;
    if (m === t) return mid;
    if (m < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Feeds the detector the rows marked in `fresh` (newer than everything fed), in order. Rows in
 * its learning period (the row that ends it included) are left NaN for the residual test. */
function feedDetector(h: SeriesHistory, values: ArrayLike<number>, times: Float64Array, fresh: Uint8Array, scores: Float64Array, flags: Uint8Array): void {
  const p = h.pipeline;
  for (let i = 0; i < fresh.length; i++) {
    if (!fresh[i]) continue;
    const learned = p.learned;
    const score = p.scoreAt(values[i]!, times[i]! / 1000);
    if (learned) { scores[i] = score; flags[i] = p.isOutlier(score) ? 1 : 0; }
  }
}

function freshCount(fresh: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < fresh.length; i++) n += fresh[i]!;
  return n;
}

/** Copies decisions src[from..) into the start of out (its length is the count). */
function copyKept(h: Pick<SeriesHistory, "times" | "scores" | "flags">, from: number, out: Pick<SeriesHistory, "times" | "scores" | "flags">): void {
  for (let j = from, k = 0; j < h.times.length; j++, k++) { out.times[k] = h.times[j]!; out.scores[k] = h.scores[j]!; out.flags[k] = h.flags[j]!; }
}

/** Appends the fresh rows after the first `skip` of them at out[at..). */
function appendFresh(times: Float64Array, fresh: Uint8Array, scores: Float64Array, flags: Uint8Array, skip: number, out: Pick<SeriesHistory, "times" | "scores" | "flags">, at: number): void {
  for (let i = 0, seen = 0, k = at; i < fresh.length; i++) {
    if (!fresh[i] || seen++ < skip) continue;
    out.times[k] = times[i]!; out.scores[k] = scores[i]!; out.flags[k] = flags[i]!; k++;
  }
}

/** The rows decided now, appended to the kept decisions (the newest KEPT_DECISIONS). */
function keptDecisions(h: SeriesHistory, times: Float64Array, fresh: Uint8Array, scores: Float64Array, flags: Uint8Array, added: number): Pick<SeriesHistory, "times" | "scores" | "flags"> {
  const old = h.times.length, total = Math.min(KEPT_DECISIONS, old + added), drop = old + added - total;
  const out = { times: new Float64Array(total), scores: new Float64Array(total), flags: new Uint8Array(total) };
  copyKept(h, Math.min(drop, old), out);
  appendFresh(times, fresh, scores, flags, Math.max(0, drop - old), out, old - Math.min(drop, old));
  return out;
}

/** The answer's precision of a score: 4 decimals. */
function roundScores(decided: Uint8Array, scores: Float64Array): void {
  for (let i = 0; i < scores.length; i++) if (decided[i]) scores[i] = Math.round(scores[i]! * 1e4) / 1e4;
}

function decidedFlagged(decided: Uint8Array, flags: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < flags.length; i++) if (decided[i] && flags[i]) out.push(i);
  return out;
}

/** Keeps at most `cap` of the rows decided now anomalous: those with the highest scores; ties
 * (residual scores reach 1 exactly far out) go to the larger residual z-score, then the earlier
 * row. */
function capDecided(decided: Uint8Array, scores: Float64Array, flags: Uint8Array, cap: number, z: Float64Array | undefined): void {
  const flagged = decidedFlagged(decided, flags);
  if (flagged.length <= cap) return;
  const zOf = (i: number) => z?.[i] ?? 0;
  flagged.sort((a, b) => scores[b]! - scores[a]! || zOf(b) - zOf(a) || a - b);
  for (const i of flagged.slice(cap)) flags[i] = 0;
}

/** Marks the rows newer than every row fed before them (`fresh`, the detector judges them) and
 * copies the stored decision of older rows; an older row without one is left NaN and marked
 * `decided`, like the fresh ones. Returns the newest time. */
function sortRows(h: SeriesHistory, times: Float64Array, scores: Float64Array, flags: Uint8Array, fresh: Uint8Array, decided: Uint8Array): number {
  let newest = h.lastMs;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (t > newest) { fresh[i] = 1; decided[i] = 1; newest = t; continue; }
    const k = findTime(h.times, t);
    if (k >= 0) { scores[i] = h.scores[k]!; flags[i] = h.flags[k]!; } else decided[i] = 1;
  }
  return newest;
}

/** The residual test for the rows still NaN. */
function residualDecisions(scores: Float64Array, flags: Uint8Array, z: Float64Array, sensitivity: number): void {
  const residual = residualScores(z);
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isNaN(scores[i]!)) continue;
    scores[i] = residual[i]!;
    flags[i] = residual[i]! > sensitivity ? 1 : 0;
  }
}

export interface JudgeOptions {
  /** Residual-test scores above this are anomalous ([ShallowOutliers] sensitivity). */
  sensitivity: number;
  /** The most rows decided in one answer that may be anomalous. */
  cap: number;
  /** The residual test's robust z-scores of the window (computed only when a row needs them). */
  residualZ: () => Float64Array;
}

/** Scores and decisions for every row of a window (rows in time order, as Druid answers), from
 * scratch or after `history`, whose detector it advances (the returned history replaces it).
 * Scores are rounded to 4 decimals after the decisions are made. */
export function judgeSeries(values: ArrayLike<number>, timestamps: readonly string[], opts: JudgeOptions, history: SeriesHistory = newHistory()): SeriesJudgement {
  const n = values.length;
  const times = rowTimes(timestamps);
  const h: SeriesHistory = { ...history };
  const scores = new Float64Array(n).fill(NaN), flags = new Uint8Array(n);
  const fresh = new Uint8Array(n), decided = new Uint8Array(n);
  h.lastMs = sortRows(h, times, scores, flags, fresh, decided);
  feedDetector(h, values, times, fresh, scores, flags);
  const z = scores.some(Number.isNaN) ? opts.residualZ() : undefined;
  if (z) residualDecisions(scores, flags, z, opts.sensitivity);
  capDecided(decided, scores, flags, opts.cap, z);
  roundScores(decided, scores);
  Object.assign(h, keptDecisions(h, times, fresh, scores, flags, freshCount(fresh)));
  return { scores, anomalous: Array.from(flags, (f) => f === 1), history: h };
}
