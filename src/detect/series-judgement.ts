// The default traffic model's anomaly scores (issue 18): the station `default` detector (a
// streaming detector, ./default-detector/) run over the rows in time order, so a row is judged
// from itself and the rows before it, as the station API judges a sample. A request judged from
// scratch starts a fresh detector on its window; with a SeriesHistory (the detector after the
// newest row of an earlier answer and the decisions it gave, ../traffic/series-memory.ts) only the
// rows after the last one fed are fed (found by its place in the series: lastFedRow), and older
// rows get the decision they got before.
//
// A fresh detector (no history: a request judged from scratch, or a series' first request) first
// rehearses the window: it judges the older REHEARSED_FRACTION of the rows as they come, then is
// fed the window again from its first row and judges the newest rows in that second pass, with the
// older rows behind it twice (issue 18: a detector that has seen ~1,400 rows once is short of
// history for its likelihoods and records; replayed as the manager polls, on the NAB development
// files, the model's score went from 52.3 to 64.6 in-sample, 47.3 to 63.0 cross-validated:
// docs/quality.md, "Traffic API"). Every row is still judged from itself and older rows only. The
// rows just after the rehearsed part are judged after a pass over rows the detector knows (their
// times of day too: the seasonal component's scale shrinks) and can score high until the records
// settle, hence a quarter of the window judged in the second pass, not the newest few rows alone.
//
// Rows the detector cannot judge yet (its learning period) and rows older than the last row fed
// that were never decided take the window's residual test instead: the smoothed
// series' locally detrended residual as a robust z-score, scored 1 − 2n·P(|Z| > z), the chance
// that none of n Gaussian residuals lies as far out (Bonferroni). That score exceeds
// `sensitivity` exactly when the z-score exceeds the quantile the shallow model confirmed with.
import { epochMs } from "./iso-time";
import { ModelInputError } from "./model-catalog";
import { normalSf } from "./normal";
import { hasNaN } from "./percentile";
import { DefaultDetectorPipeline } from "./default-detector/default-pipeline";
import type { ContextHelper, ContextJob } from "./default-detector/context-terms";
import { DEFAULT_LEARNING_ROWS } from "./default-detector/detector-core";

/** The detector's learning period here: the station's default (rows after it and before the
 * components take over at row 311 are judged by the detector's warm-up guard, as a station's
 * samples are); only these rows take the residual test. 300 before (the components' maturity):
 * replayed with series memory its residual test on rows 100-299 cost the two short NAB files
 * 13 and 4 false positives that the station's guard does not raise (docs/quality.md, "Traffic API"). */
export const TRAFFIC_LEARNING_ROWS = DEFAULT_LEARNING_ROWS;

/** The older part of a window a fresh detector rehearses on (see above); candidates measured
 * 0.5, 0.75, 0.9, 0.95 (`npm run bench:nab -- --traffic --cv` chooses among them per fold). Each
 * as a fixed setting, cross-validated, 0.75 scores best on the standard profile (docs/quality.md,
 * "Traffic API"; re-measured with the 100-row learning period). */
export const REHEARSED_FRACTION = 0.75;

/** Windows of more rows than this are not rehearsed: their newest rows have history enough behind
 * them (a week of one-minute rows is 10,080), and the second pass would cost up to 75 % more. */
export const REHEARSAL_MAX_ROWS = 3000;

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
  /** Rows fed to the detector now (0: the history is unchanged). */
  fed: number;
}

export function newHistory(): SeriesHistory {
  return { pipeline: new DefaultDetectorPipeline({ learningRows: TRAFFIC_LEARNING_ROWS }), lastMs: -Infinity, times: new Float64Array(0), scores: new Float64Array(0), flags: new Uint8Array(0) };
}

/** The residual test's score of a robust z-score among n: 1 − 2n·P(|Z| > z), clipped at 0. */
export function residualScore(z: number, n: number): number {
  return Math.max(0, 1 - 2 * n * normalSf(z));
}

/** A window's times: its rows' timestamps (ISO 8601), or their epoch ms (epochMs) when the caller
 * has read them (the traffic API's column reader reads them in the request's bytes). */
export type RowTimes = readonly string[] | Float64Array;

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

/** Feeds the detector the rows marked in `fresh` (newer than everything fed), in order, from
 * the k-th of them on; rows judged before `judgeFrom` (a fresh row count) are fed, not judged. Rows
 * in its learning period (the row that ends it included) are left NaN for the residual test; rows
 * its warm-up guard judges are marked GUARD in `standIn`. With `feed`, the rows' context terms
 * come from its job (computed on another thread), in the order the rows are fed. */
function feedDetector(h: SeriesHistory, values: ArrayLike<number>, times: Float64Array, fresh: Uint8Array, scores: Float64Array, flags: Uint8Array, standIn: Uint8Array, rows: FeedRange, feed?: ContextFeed): void {
  const p = h.pipeline;
  for (let i = 0, k = 0; i < fresh.length && k < rows.end; i++) {
    if (!fresh[i] || k++ < rows.start) continue;
    const learned = p.learned, mature = p.mature;
    let score: number;
    if (feed === undefined) score = p.scoreAt(values[i]!, times[i]! / 1000);
    else {
      const j = feed.step++, job = feed.job;
      if (j >= feed.ready) feed.ready = job.waitFor(j);
      score = p.scoreWithContext(values[i]!, job.novelty[j]!, job.seasonal[j]!, job.scale[j]!);
    }
    if (learned && k > rows.judgeFrom) { scores[i] = score; flags[i] = p.isOutlier(score) ? 1 : 0; standIn[i] = mature ? 0 : GUARD; }
  }
}

/** Who judged a row, in `standIn`: the detector's components (0), its warm-up guard, the
 * residual test; the cap keeps alarms in that order. */
const GUARD = 1, RESIDUAL = 2;

/** Fresh rows [start, end) are fed; those from the judgeFrom-th on are judged. */
interface FeedRange { start: number; end: number; judgeFrom: number }

/** A started context job and how far the feed has read it. */
interface ContextFeed { job: ContextJob; step: number; ready: number }

/** What the detector is fed: the fresh rows, after rehearsing that part of the window first when
 * `rehearsed` > 0 (a fresh detector; see above) and the window fits. */
function feedRanges(fresh: Uint8Array, rehearsed: number): FeedRange[] {
  const k = freshCount(fresh);
  const m = Math.floor(rehearsed * k);
  const rehearse = m >= TRAFFIC_LEARNING_ROWS && k <= REHEARSAL_MAX_ROWS;
  return rehearse ? [{ start: 0, end: m, judgeFrom: 0 }, { start: 0, end: k, judgeFrom: m }] : [{ start: 0, end: k, judgeFrom: 0 }];
}

/** Hands the helper the rows the ranges feed, in feedDetector's order, and starts its job;
 * undefined when it takes none or a value is not finite (the detector then refuses it at its row,
 * as without a helper). */
function startContext(helper: ContextHelper, values: ArrayLike<number>, times: Float64Array, fresh: Uint8Array, ranges: FeedRange[]): ContextFeed | undefined {
  let steps = 0;
  for (const r of ranges) steps += r.end - r.start;
  const job = helper.reserve(steps);
  if (job === undefined) return undefined;
  let j = 0;
  for (const r of ranges) {
    for (let i = 0, k = 0; i < fresh.length && k < r.end; i++) {
      if (!fresh[i] || k++ < r.start) continue;
      const v = values[i]!;
      if (!Number.isFinite(v)) return undefined;
      job.values[j] = v; job.seconds[j++] = times[i]! / 1000;
    }
  }
  job.start();
  return { job, step: 0, ready: 0 };
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

/** Keeps at most `cap` of the rows decided now anomalous: the detector components' first, then
 * its warm-up guard's, then the residual test's (`standIn`; a window's first rows take the two
 * stand-ins, and their scores, up to 1 far out, must not push the components' alarms on the newest
 * rows out of the answer: replayed as the manager polls, the residual test's cost 14 points of the
 * native decisions' NAB score, the guard's 5; the guard before the residual test, whose scores of
 * exactly 1 at a short series' first rows pushed out the guard's alarm at the upstream hourly test
 * series' burst), each by score; ties (residual scores reach 1 exactly far out) go to the larger
 * residual z-score, then the earlier row. */
function capDecided(decided: Uint8Array, scores: Float64Array, flags: Uint8Array, cap: number, z: Float64Array | undefined, standIn: Uint8Array): void {
  const flagged = decidedFlagged(decided, flags);
  if (flagged.length <= cap) return;
  const zOf = (i: number) => z?.[i] ?? 0;
  flagged.sort((a, b) => standIn[a]! - standIn[b]! || scores[b]! - scores[a]! || zOf(b) - zOf(a) || a - b);
  for (const i of flagged.slice(cap)) flags[i] = 0;
}

/** How many rows up to the last fed one must repeat the newest kept times for the window to be
 * aligned there (bounds the search to 64 comparisons per candidate row). */
const MATCHED_ROWS = 64;

/** The window's index of the row the history fed last, or -1: the newest row at that row's time
 * whose preceding rows (up to MATCHED_ROWS, as many as both hold) have the kept times in the
 * same order. A row is thus known by its place in the series, not by its time alone: a time
 * repeated in the series (NAB's 2014-03-09 03:00, 12 rows in a row) or times that go back
 * (NAB's machine_temperature_system_failure) mark new rows as new. */
function lastFedRow(kept: Float64Array, times: Float64Array): number {
  const last = kept.length - 1;
  if (last < 0) return -1;
  for (let j = times.length - 1; j >= 0; j--) {
    if (times[j] !== kept[last]) continue;
    const overlap = Math.min(j + 1, kept.length, MATCHED_ROWS);
    let i = 1;
    while (i < overlap && times[j - i] === kept[last - i]) i++;
    if (i === overlap) return j;
  }
  return -1;
}

/** The rows after the last fed one are `fresh` (the detector judges them, in window order); when
 * the window holds no row aligned with the history (a window wholly newer than it, or one that
 * left out rows), the rows after the last not newer than every row fed. The older rows copy their
 * stored decision: by place for the MATCHED_ROWS up to the aligned row, by time before; an older
 * row without one is left NaN and marked `decided`, like the fresh ones. Returns the newest time
 * fed. */
function sortRows(h: SeriesHistory, times: Float64Array, scores: Float64Array, flags: Uint8Array, fresh: Uint8Array, decided: Uint8Array): number {
  if (h.lastMs === -Infinity) return markFresh(times, 0, -Infinity, fresh, decided); // nothing fed yet: every row is fresh
  const lastFed = lastFedRow(h.times, times);
  const boundary = lastFed >= 0 ? lastFed : lastNotNewer(times, h.lastMs);
  copyStored(h.times, h.scores, h.flags, times, boundary, lastFed >= 0, scores, flags, decided);
  return markFresh(times, boundary + 1, h.lastMs, fresh, decided);
}

/** Index of the window's last row not newer than `lastMs`, or -1. */
function lastNotNewer(times: Float64Array, lastMs: number): number {
  for (let i = times.length - 1; i >= 0; i--) if (times[i]! <= lastMs) return i;
  return -1;
}

/** Rows [0, boundary] copy their stored decision (kept times, scores, flags; see sortRows); one
 * without is marked `decided`. When the kept times strictly increase (no time repeated or going
 * back), a row whose time is at its own place from the end (a window of consecutive rows, as
 * polled) is found there, which is where the search by time would find it (~0.5 ms of a week of
 * minutes in binary searches). */
function copyStored(keptTimes: Float64Array, keptScores: Float64Array, keptFlags: Uint8Array, times: Float64Array, boundary: number, aligned: boolean, scores: Float64Array, flags: Uint8Array, decided: Uint8Array): void {
  const last = keptTimes.length - 1, increasing = strictlyIncreasing(keptTimes);
  for (let i = 0; i <= boundary; i++) {
    const back = boundary - i, place = last - back, t = times[i]!;
    const k = aligned && back < MATCHED_ROWS ? place : increasing && place >= 0 && keptTimes[place] === t ? place : findTime(keptTimes, t);
    if (k >= 0) { scores[i] = keptScores[k]!; flags[i] = keptFlags[k]!; } else decided[i] = 1;
  }
}

function strictlyIncreasing(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (!(a[i]! > a[i - 1]!)) return false;
  return true;
}

/** Marks rows [from, n) fresh and decided; returns the newest time among them and `newest`. */
function markFresh(times: Float64Array, from: number, newest: number, fresh: Uint8Array, decided: Uint8Array): number {
  for (let i = from; i < times.length; i++) {
    fresh[i] = 1; decided[i] = 1;
    if (times[i]! > newest) newest = times[i]!;
  }
  return newest;
}

/** The residual test for the rows still NaN (marked in `standIn`); the Bonferroni count is
 * the window's length. */
function residualDecisions(scores: Float64Array, flags: Uint8Array, z: Float64Array, sensitivity: number, standIn: Uint8Array): void {
  const n = z.length;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isNaN(scores[i]!)) continue;
    const score = residualScore(z[i]!, n);
    scores[i] = score;
    flags[i] = score > sensitivity ? 1 : 0;
    standIn[i] = RESIDUAL;
  }
}

/** flags[i] === 1 of every row (a loop: Array.from over a typed array iterates it, an object per
 * row). */
function flagsAsBooleans(flags: Uint8Array): boolean[] {
  const out = new Array<boolean>(flags.length);
  for (let i = 0; i < flags.length; i++) out[i] = flags[i] === 1;
  return out;
}

export interface JudgeOptions {
  /** Residual-test scores above this are anomalous ([ShallowOutliers] sensitivity). */
  sensitivity: number;
  /** The most rows decided in one answer that may be anomalous. */
  cap: number;
  /** The residual test's robust z-scores of the window (computed only when a row needs them). */
  residualZ: () => Float64Array;
  /** The part of the window a fresh detector rehearses on; default REHEARSED_FRACTION (the NAB
   * bench's cross-validation tries others). */
  rehearsed?: number;
  /** The caller discards the returned history (a request judged from scratch without a series
   * name): its kept decisions are then not updated (a week of rows copied for nothing). Such a
   * history must not be stored. */
  discardHistory?: boolean;
  /** Computes a fresh detector's context terms on another thread (only when the history is
   * discarded: the helper's state is not kept). */
  context?: ContextHelper;
}

/** Scores and decisions for every row of a window (rows in time order, as Druid answers), from
 * scratch or after `history`, whose detector it advances (the returned history replaces it).
 * Scores are rounded to 4 decimals after the decisions are made. */
export function judgeSeries(values: ArrayLike<number>, timestamps: RowTimes, opts: JudgeOptions, history: SeriesHistory = newHistory()): SeriesJudgement {
  const n = values.length;
  const times = timestamps instanceof Float64Array ? timestamps : rowTimes(timestamps);
  const h: SeriesHistory = { ...history };
  const scores = new Float64Array(n).fill(NaN), flags = new Uint8Array(n);
  const fresh = new Uint8Array(n), decided = new Uint8Array(n);
  const fromScratch = h.lastMs === -Infinity;
  h.lastMs = sortRows(h, times, scores, flags, fresh, decided);
  const standIn = new Uint8Array(n);
  const ranges = feedRanges(fresh, fromScratch ? opts.rehearsed ?? REHEARSED_FRACTION : 0);
  // The helper's detector state is fresh and not kept: only for a fresh history that is discarded.
  const feed = opts.context && fromScratch && opts.discardHistory ? startContext(opts.context, values, times, fresh, ranges) : undefined;
  // While the helper starts on the terms: the residual test's z-scores, which a fresh detector
  // needs for its learning rows (the same array whenever it is computed).
  const early = feed ? opts.residualZ() : undefined;
  for (const r of ranges) feedDetector(h, values, times, fresh, scores, flags, standIn, r, feed);
  const z = hasNaN(scores) ? early ?? opts.residualZ() : undefined;
  if (z) residualDecisions(scores, flags, z, opts.sensitivity, standIn);
  capDecided(decided, scores, flags, opts.cap, z, standIn);
  roundScores(decided, scores);
  const fed = freshCount(fresh);
  if (!opts.discardHistory) Object.assign(h, keptDecisions(h, times, fresh, scores, flags, fed));
  return { scores, anomalous: flagsAsBooleans(flags), history: h, fed };
}
