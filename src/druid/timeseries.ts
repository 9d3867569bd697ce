// Validation of a Druid timeseries response (`[{"timestamp": ..., "result": {...}}, ...]`),
// whether it came from the broker or from a request's `data` field. Messages say which row and
// field is wrong and what is accepted; the caller decides the status (400 for `data`, 502 for an
// answer of the broker).
import type { TimeseriesRow } from "../detect/traffic-model";

export class TimeseriesError extends Error {
  override name = "TimeseriesError";
}

const SHAPE = 'a Druid timeseries response: a JSON array of {"timestamp": "<ISO-8601>", "result": {"<metric>": <number>, ...}}';
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Value of the `len` digits at `at`, or -1. */
function digitsAt(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** YYYY-MM-DD, then optionally (T| )hh:mm[:ss[.fraction]], then optionally Z or ±hh[:]mm, every
 * field in range (what Druid and pandas write). By hand, without Date.parse: once per row. */
export function isIsoTime(s: string): boolean {
  const year = digitsAt(s, 0, 4), month = digitsAt(s, 5, 2), day = digitsAt(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || s[4] !== "-" || s[7] !== "-") return false;
  if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !isLeapYear(year))) return false;
  let i = 10;
  if (s[i] === "T" || s[i] === " ") {
    const hour = digitsAt(s, i + 1, 2), minute = digitsAt(s, i + 4, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || s[i + 3] !== ":") return false;
    i += 6;
    if (s[i] === ":") {
      const second = digitsAt(s, i + 1, 2);
      if (second < 0 || second > 59) return false;
      i += 3;
      if (s[i] === ".") {
        const start = ++i;
        while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
        if (i === start) return false;
      }
    }
  }
  if (i === s.length) return true;
  if (s[i] === "Z") return i + 1 === s.length;
  if (s[i] !== "+" && s[i] !== "-") return false;
  const rest = s.slice(i + 1);
  return /^\d{2}:?\d{2}$/.test(rest);
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
