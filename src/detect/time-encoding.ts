// Time-of-day and day-of-week encodings of the shallow model (test/fixtures/golden/README.md §5),
// taken from the wall clock written in the timestamp, as pandas does: "+02:00" times use their
// local hour and weekday, "Z" times UTC, times without an offset as written (iso-time.ts
// wallClock). Seconds are ignored.
//   daily_sin  = sin(2π·(hour + minute/60) / 24)
//   weekly_cos = cos(2π·(dayofweek + (hour + minute/60)/24) / 7), Monday = 0

import { wallClock, type WallClock } from "./iso-time";

/** Day of week of a calendar date, Monday = 0 (pandas dayofweek). */
export function dayOfWeek(year: number, month: number, day: number): number {
  // days since 1970-01-01 (a Thursday = 3)
  const days = Date.UTC(year, month - 1, day) / 86_400_000;
  return (((days + 3) % 7) + 7) % 7;
}

const hourOf = (c: WallClock) => c.hour + c.minute / 60;
const sinOfHour = (hour: number) => Math.sin(2 * Math.PI * hour / 24);
const cosOfWeek = (weekday: number, hour: number) => Math.cos(2 * Math.PI * (weekday + hour / 24) / 7);

export function dailySin(c: WallClock): number {
  return sinOfHour(hourOf(c));
}

export function weeklyCos(c: WallClock): number {
  return cosOfWeek(dayOfWeek(c.year, c.month, c.day), hourOf(c));
}

/** dailySin and weeklyCos of every timestamp's wall clock (the same values), into daily[i] and
 * weekly[i]; returns the index of the first timestamp without a date and time, or -1. The weekday
 * is worked out once per date: a week of minutes has 7 dates in 10,080 rows. */
export function encodeTimes(timestamps: readonly string[], daily: Float64Array, weekly: Float64Array): number {
  let lastDate = -1, weekday = 0;
  for (let i = 0; i < timestamps.length; i++) {
    const c = wallClock(timestamps[i]!);
    if (!c) return i;
    const date = (c.year * 100 + c.month) * 100 + c.day;
    if (date !== lastDate) { weekday = dayOfWeek(c.year, c.month, c.day); lastDate = date; }
    const hour = hourOf(c);
    daily[i] = sinOfHour(hour);
    weekly[i] = cosOfWeek(weekday, hour);
  }
  return -1;
}
