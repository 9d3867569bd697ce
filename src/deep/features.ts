// Druid timeseries rows -> the autoencoder's feature matrix (the original's
// Autoencoder.input_json): metric columns, `granularity`, minute of day and a weekday one-hot.
import { epochMs, wallClock } from "../detect/iso-time";
import { ModelInputError } from "../detect/model-catalog";
import { dayOfWeek } from "../detect/time-encoding";
import type { TimeseriesRow } from "../detect/traffic-model";
import { matrix, type Matrix } from "./matrix";

/**
 * How the weekday columns are filled.
 * - `one-hot`: weekday_d = 1 for the row's weekday d (Monday = 0). Our own models.
 * - `drop-first-present`: pandas `get_dummies(weekday, drop_first=True)` as the original did: the
 *   smallest weekday present in the request gets no column, so a one-day request has every
 *   weekday_* = 0. Models imported from Keras were trained that way.
 */
export type WeekdayEncoding = "one-hot" | "drop-first-present";
export const weekdayEncodings: readonly WeekdayEncoding[] = ["one-hot", "drop-first-present"];

export interface FeatureSpec {
  /** Metric columns, in model order; `granularity` is computed from the timestamps. */
  metrics: string[];
  /** Timestamp columns: `minute` and `weekday_0` ... `weekday_6`. */
  timestamp: string[];
  weekdayEncoding: WeekdayEncoding;
}

interface RowClock { minuteOfDay: number; weekday: number; epochMs: number }

/**
 * Minute of day and weekday on the timestamp's own wall clock (pandas keeps a written offset such
 * as +02:00; `Z` or no offset is UTC).
 */
export function rowClock(timestamp: string): RowClock {
  const ms = epochMs(timestamp);
  const wall = wallClock(timestamp.trim());
  if (!Number.isFinite(ms) || !wall) throw new ModelInputError(`timestamp '${timestamp}' is not an ISO 8601 date-time such as 2023-09-21T09:00:00.000Z`);
  return { epochMs: ms, minuteOfDay: wall.hour * 60 + wall.minute, weekday: dayOfWeek(wall.year, wall.month, wall.day) };
}

/**
 * Minutes between consecutive rows, floored (`total_seconds() // 60`); the first row copies the
 * second, a negative step takes the next row's step (the original's granularity_from_dataframe).
 */
export function granularityMinutes(epochMs: number[]): number[] {
  const n = epochMs.length;
  const diff = epochMs.map((t, i) => (i === 0 ? NaN : Math.floor((t - epochMs[i - 1]) / 60_000)));
  if (n > 1) diff[0] = diff[1];
  // pandas leaves NaN for a negative last step (no next row) and dropna() then drops the row;
  // we keep every row so that each gets a forecast, with granularity 0 there.
  return diff.map((d, i) => (d >= 0 ? d : i + 1 < n && Number.isFinite(diff[i + 1]) ? diff[i + 1] : 0));
}

export function buildFeatures(rows: TimeseriesRow[], spec: FeatureSpec): Matrix {
  const clocks = rows.map((r) => rowClock(r.timestamp));
  const gran = granularityMinutes(clocks.map((c) => c.epochMs));
  const present = new Set(clocks.map((c) => c.weekday));
  const dropped = spec.weekdayEncoding === "drop-first-present" ? Math.min(...present) : -1;
  const columns = [...spec.metrics, ...spec.timestamp];
  const out = matrix(rows.length, columns.length);
  const getters = columns.map((name): ((i: number) => number) => {
    if (name === "granularity") return (i) => gran[i];
    if (name === "minute") return (i) => clocks[i].minuteOfDay;
    const wd = /^weekday_([0-6])$/.exec(name);
    if (wd) {
      const d = Number(wd[1]);
      return (i) => (clocks[i].weekday === d && d !== dropped ? 1 : 0);
    }
    // A metric absent from a row counts as 0, as the original filled missing columns; requests never
    // get here without every metric (checkInput in ./detect.ts refuses them).
    return (i) => {
      const v = rows[i].result[name];
      return typeof v === "number" && Number.isFinite(v) ? v : 0;
    };
  });
  for (let i = 0; i < rows.length; i++)
    for (let c = 0; c < columns.length; c++) out.data[i * columns.length + c] = getters[c](i);
  return out;
}
