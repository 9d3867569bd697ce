// The success answer of POST /api/v1/outliers written as JSON straight from the columns, byte for
// byte what JSON.stringify gives for {status, model, metric, anomalies, predicted} (see
// docs/traffic.md; each anomaly and each predicted row ends with its anomaly `score`), without
// the 10,000 objects a week of minutes would need first. Numbers are written as JavaScript writes
// them, which is what JSON.stringify does for finite numbers.
//
// The `predicted` rows are written byte by byte into the answer's buffer: the timestamps copied
// from the request's bytes (no string per row), the fixed text and the score's text from tables
// of bytes; only each forecast's text is a (short-lived) string.
import type { TimestampColumn } from "../druid/timestamp-column";

/** The longest text JavaScript writes for a number (ECMAScript Number::toString, at most 17
 * significant digits): "-0.0000012345678901234567", 25 characters, longer than any exponential
 * form ("-1.2345678901234567e-308", 24) or integer ("-123456789012345680000", 22). */
const LONGEST_NUMBER = 25;
/** The most bytes a row adds besides its timestamp: its fixed text, a comma, a number. */
const ROW_EXTRA = '{"timestamp":"'.length + '","forecast":'.length + ',"score":'.length + "}".length + 1 + 2 * LONGEST_NUMBER;

/** Scores carry 4 decimals (the model rounds them), so their text is one of 10,001, written once
 * here: JavaScript's shortest text of k / 10⁴ (what JSON.stringify writes) costs ~0.2 µs a row,
 * 2 ms of a week of minutes. Each is kept with the text around it up to the next row's timestamp
 * (`,"score":0.1234},{"timestamp":"`), as bytes. */
const SCORE_STEPS = 1e4;
const SCORE_KEY = ',"score":', NEXT_ROW = '},{"timestamp":"', FORECAST_KEY = '","forecast":';
/** Score tail k is bytes [tailStarts[k], tailStarts[k + 1]) of tailBytes. */
let tailBytes: Uint8Array | undefined;
let tailStarts: Int32Array | undefined;

/** k when the score is k / 10⁴, else -1. */
function scoreStep(score: number): number {
  const k = Math.round(score * SCORE_STEPS);
  return k >= 0 && k <= SCORE_STEPS && k / SCORE_STEPS === score ? k : -1;
}

/** The text JSON.stringify gives for a score. */
function scoreText(score: number): string {
  const k = scoreStep(score);
  return k < 0 ? String(score) : String(k / SCORE_STEPS);
}

/** Writes the ASCII text s into out at `at`; returns where it ends. */
function writeAscii(s: string, out: Uint8Array, at: number): number {
  for (let k = 0; k < s.length; k++) out[at++] = s.charCodeAt(k);
  return at;
}

function scoreTails(): { bytes: Uint8Array; starts: Int32Array } {
  if (!tailBytes || !tailStarts) {
    const texts = Array.from({ length: SCORE_STEPS + 1 }, (_, k) => SCORE_KEY + String(k / SCORE_STEPS) + NEXT_ROW);
    tailStarts = new Int32Array(texts.length + 1);
    for (let k = 0; k < texts.length; k++) tailStarts[k + 1] = tailStarts[k]! + texts[k]!.length;
    tailBytes = new Uint8Array(tailStarts[texts.length]!);
    for (let k = 0; k < texts.length; k++) writeAscii(texts[k]!, tailBytes, tailStarts[k]!);
  }
  return { bytes: tailBytes, starts: tailStarts };
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
  const head = `{"status":"success","model":${JSON.stringify(model)},"metric":${JSON.stringify(metric)},"anomalies":[${anomalies.join(",")}],"predicted":[${n > 0 ? '{"timestamp":"' : ""}`;
  const out = Buffer.allocUnsafe(Buffer.byteLength(head) + timestamps.totalLength() + n * ROW_EXTRA + 2);
  const at = out.write(head, 0, "utf8");
  if (n === 0) return out.subarray(0, writeAscii("]}", out, at));
  return out.subarray(0, predictedRows(out, at, timestamps, expected, scores));
}

/** Writes the rows of `predicted` after their first '{"timestamp":"' at out[at..), and the
 * answer's end; returns where it ends. (The loop is a function of its own: docs/traffic.md.) */
function predictedRows(out: Buffer, at: number, timestamps: TimestampColumn, expected: ArrayLike<number>, scores: ArrayLike<number>): number {
  const last = timestamps.length - 1;
  const tails = scoreTails();
  for (let i = 0; i < last; i++) {
    at = timestamps.copyTo(i, out, at);
    at = writeAscii(FORECAST_KEY, out, at);
    at = writeAscii(String(expected[i]), out, at);
    const k = scoreStep(scores[i]!);
    if (k < 0) at = writeAscii(SCORE_KEY + String(scores[i]) + NEXT_ROW, out, at);
    else for (let b = tails.starts[k]!, end = tails.starts[k + 1]!; b < end; b++) out[at++] = tails.bytes[b]!;
  }
  at = timestamps.copyTo(last, out, at);
  return writeAscii(FORECAST_KEY + expected[last] + SCORE_KEY + scoreText(scores[last]!) + "}]}", out, at);
}
