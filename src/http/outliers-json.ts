// The success answer of POST /api/v1/outliers written as JSON straight from the columns, byte for
// byte what JSON.stringify gives for {status, model, metric, anomalies, predicted} (see
// docs/traffic.md; each anomaly and each predicted row ends with its anomaly `score`), without
// the 10,000 objects a week of minutes would need first. Numbers are written as JavaScript writes
// them, which is what JSON.stringify does for finite numbers.
//
// The `predicted` rows are appended to a string (V8 builds it as a rope of small pieces) that is
// copied into the answer's bytes every CHUNK rows: the pieces die young, and the answer is copied
// once, instead of a rope of the whole answer being flattened and then encoded. The timestamps of
// a chunk are slices of one string of the request's bytes they lie in (TimestampColumn.strings).
// (Writing the rows byte by byte into the buffer instead, the timestamps copied from the
// request's bytes and the fixed text from tables of bytes, took 4.5-5 ms for a week of minutes
// against 2.5-3 ms this way: a loop per byte against V8's memcpy per piece.)
import type { TimestampColumn } from "../druid/timestamp-column";

const CHUNK = 256;
/** The longest text JavaScript writes for a number (ECMAScript Number::toString, at most 17
 * significant digits): "-0.0000012345678901234567", 25 characters, longer than any exponential
 * form ("-1.2345678901234567e-308", 24) or integer ("-123456789012345680000", 22). */
const LONGEST_NUMBER = 25;
/** The most characters a row adds besides its timestamp: its fixed text, a comma, a number. */
const ROW_EXTRA = '{"timestamp":"'.length + '","forecast":'.length + ',"score":'.length + "}".length + 1 + 2 * LONGEST_NUMBER;

/** Scores carry 4 decimals (the model rounds them), so their text is one of 10,001, written once
 * here: JavaScript's shortest text of k / 10⁴ (what JSON.stringify writes) costs ~0.2 µs a row,
 * 2 ms of a week of minutes. Each is kept with the text around it up to the next row's timestamp
 * (`,"score":0.1234},{"timestamp":"`): a row is then four pieces, not seven (each piece is a
 * string V8 allocates, ~3 MB of garbage a week of minutes). */
const SCORE_STEPS = 1e4;
const SCORE_KEY = ',"score":', NEXT_ROW = '},{"timestamp":"';
let scoreTails: string[] | undefined;

/** k when the score is k / 10⁴, else -1. */
function scoreStep(score: number): number {
  const k = Math.round(score * SCORE_STEPS);
  return k >= 0 && k <= SCORE_STEPS && k / SCORE_STEPS === score ? k : -1;
}

/** The text JSON.stringify gives for a score. */
function scoreText(score: number): string {
  const k = scoreStep(score);
  return String(k < 0 ? score : k / SCORE_STEPS);
}

/** SCORE_KEY + the score's text + NEXT_ROW; from the table when the score is k / 10⁴. */
function scoreTail(score: number): string {
  const k = scoreStep(score);
  if (k < 0) return SCORE_KEY + String(score) + NEXT_ROW;
  scoreTails ??= Array.from({ length: SCORE_STEPS + 1 }, (_, j) => SCORE_KEY + String(j / SCORE_STEPS) + NEXT_ROW);
  return scoreTails[k]!;
}

/** `timestamps` must be ASCII that needs no escaping in JSON (timeseriesColumns guarantees it);
 * `expected`, `values` and `scores` must be finite. */
export function outliersJson(
  model: string, metric: string, timestamps: TimestampColumn, values: ArrayLike<number>,
  expected: ArrayLike<number>, scores: ArrayLike<number>, anomalous: readonly boolean[],
): Buffer<ArrayBuffer> {
  const n = timestamps.length;
  const anomalies: string[] = [];
  for (let i = 0; i < n; i++)
    if (anomalous[i]) anomalies.push(`{"timestamp":"${timestamps.at(i)}","expected":${expected[i]},"value":${values[i]},"score":${scoreText(scores[i]!)}}`);
  const size = timestamps.totalLength() + n * ROW_EXTRA;
  const head = `{"status":"success","model":${JSON.stringify(model)},"metric":${JSON.stringify(metric)},"anomalies":[${anomalies.join(",")}],"predicted":[${n > 0 ? '{"timestamp":"' : ""}`;
  const out = Buffer.allocUnsafe(Buffer.byteLength(head) + size + 2);
  const at = out.write(head, 0, "utf8");
  if (n === 0) return out.subarray(0, at + out.write("]}", at, "latin1"));
  return out.subarray(0, predictedRows(out, at, timestamps, expected, scores));
}

/** Writes the rows of `predicted` after their first '{"timestamp":"' at out[at..), and the
 * answer's end; returns where it ends. */
function predictedRows(out: Buffer, at: number, timestamps: TimestampColumn, expected: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = timestamps.length;
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK), stamps = timestamps.strings(from, to);
    at += out.write(chunkRows(stamps, from, to === n, expected, scores), at, "latin1");
  }
  return at;
}

/** The text of rows [from, from + stamps.length) (the last ends the answer). (The loop is a
 * function of its own: docs/traffic.md.) */
function chunkRows(stamps: readonly string[], from: number, lastChunk: boolean, expected: ArrayLike<number>, scores: ArrayLike<number>): string {
  const end = stamps.length - (lastChunk ? 1 : 0), forecasts = numberTexts(expected, from, from + stamps.length);
  let rows = "";
  for (let j = 0; j < end; j++) rows += stamps[j]! + '","forecast":' + forecasts[j]! + scoreTail(scores[from + j]!);
  if (!lastChunk) return rows;
  return rows + stamps[end]! + '","forecast":' + forecasts[end]! + SCORE_KEY + scoreText(scores[from + end]!) + "}]}";
}

/** The texts of the finite numbers a[from..to), as JSON.stringify (and String) writes them, from
 * one JSON.stringify of them all. Not String(a[i]) each: V8 keeps every number it turns into text
 * that way in its number-string cache, and allocates the text in the old generation for it; a
 * week of minutes left ~0.4 MB of such texts there a request, and the old generation filled up
 * and was collected in full (a 10-50 ms pause) every ~100 requests. The array is filled by push,
 * not made with its length: V8's JSON.stringify reads a packed array of numbers directly, and a
 * holey one (`new Array(n)`) element by element, a heap number each. */
function numberTexts(a: ArrayLike<number>, from: number, to: number): string[] {
  const numbers: number[] = [];
  for (let i = from; i < to; i++) numbers.push(a[i]!);
  return JSON.stringify(numbers).slice(1, -1).split(",");
}
