// Validation of a Druid timeseries response (`[{"timestamp": ..., "result": {...}}, ...]`),
// whether it came from the broker or from a request's `data` field. Messages say which row and
// field is wrong and what is accepted; the caller decides the status (400 for `data`, 502 for an
// answer of the broker).
import type { TimeseriesRow } from "../detect/traffic-model";

export class TimeseriesError extends Error {
  override name = "TimeseriesError";
}

const SHAPE = 'a Druid timeseries response: a JSON array of {"timestamp": "<ISO-8601>", "result": {"<metric>": <number>, ...}}';
// Date, optional time with optional seconds/fraction, optional Z or ±hh:mm offset (what Druid
// and pandas produce); the fields must be in range (checked without Date.parse, once per row).
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function isIsoTime(ts: string): boolean {
  const m = ISO_TIME.exec(ts);
  if (!m) return false;
  const month = +m[2]!, day = +m[3]!;
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !isLeapYear(+m[1]!))) return false;
  return (m[4] === undefined || +m[4] <= 23) && (m[5] === undefined || +m[5] <= 59) && (m[6] === undefined || +m[6] <= 59);
}

/** Checks the shape and every value: timestamps ISO-8601, results objects whose values are finite
 * numbers (null is kept out: a missing value is reported, never guessed). */
export function parseTimeseries(json: unknown): TimeseriesRow[] {
  if (!Array.isArray(json)) {
    const what = json === null ? "null" : typeof json === "object" ? "a JSON object" : `a ${typeof json}`;
    throw new TimeseriesError(`expected ${SHAPE}, got ${what}`);
  }
  if (json.length === 0) throw new TimeseriesError(`the series is empty; expected ${SHAPE} with at least one row`);
  const rows: TimeseriesRow[] = new Array(json.length);
  for (let i = 0; i < json.length; i++) {
    const row = json[i] as Record<string, unknown> | null;
    if (row === null || typeof row !== "object" || Array.isArray(row))
      throw new TimeseriesError(`row ${i} is not an object; expected ${SHAPE}`);
    const ts = row.timestamp;
    if (typeof ts !== "string" || !isIsoTime(ts))
      throw new TimeseriesError(`row ${i}: timestamp ${JSON.stringify(ts)?.slice(0, 40) ?? "(missing)"} is not an ISO-8601 time such as "2023-09-21T09:00:00.000Z"`);
    const result = row.result;
    if (result === null || typeof result !== "object" || Array.isArray(result))
      throw new TimeseriesError(`row ${i}: "result" is missing or not an object; expected ${SHAPE}`);
    for (const [key, value] of Object.entries(result)) {
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new TimeseriesError(`row ${i}: result field "${key.slice(0, 60)}" is ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}, not a finite number`);
    }
    rows[i] = { timestamp: ts, result: result as Record<string, number> };
  }
  return rows;
}
