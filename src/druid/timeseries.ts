// Validation of a Druid timeseries response (`[{"timestamp": ..., "result": {...}}, ...]`),
// whether it came from the broker or from a request's `data` field. Messages say which row and
// field is wrong and what is accepted; the caller decides the status (400 for `data`, 502 for an
// answer of the broker).
import { isIsoTime } from "../detect/iso-time";
import type { TimeseriesRow } from "../detect/traffic-model";

export class TimeseriesError extends Error {
  override name = "TimeseriesError";
}

const SHAPE = 'a Druid timeseries response: a JSON array of {"timestamp": "<ISO-8601>", "result": {"<metric>": <number>, ...}}';

/** Checks the shape and every value: timestamps ISO-8601, results objects whose values are finite
 * numbers (null is kept out: a missing value is reported, never guessed). With `field`, the
 * request field the series came from, messages begin with it. */
export function parseTimeseries(json: unknown, field?: string): TimeseriesRow[] {
  if (field === undefined) return checkedRows(json);
  try {
    return checkedRows(json);
  } catch (e) {
    if (e instanceof TimeseriesError) throw new TimeseriesError(`field "${field}": ${e.message}`);
    throw e;
  }
}

function checkedRows(json: unknown): TimeseriesRow[] {
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
