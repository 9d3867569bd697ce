// Time-of-day and day-of-week encodings of the shallow model (golden/README.md §5), taken from the
// wall clock written in the timestamp, as pandas does: "+02:00" times use their local hour and
// weekday, "Z" times UTC, times without an offset as written (iso-time.ts wallClock). Seconds are
// ignored.
//   daily_sin  = sin(2π·(hour + minute/60) / 24)
//   weekly_cos = cos(2π·(dayofweek + (hour + minute/60)/24) / 7), Monday = 0

import type { WallClock } from "./iso-time";

/** Day of week of a calendar date, Monday = 0 (pandas dayofweek). */
export function dayOfWeek(year: number, month: number, day: number): number {
  // days since 1970-01-01 (a Thursday = 3)
  const days = Date.UTC(year, month - 1, day) / 86_400_000;
  return (((days + 3) % 7) + 7) % 7;
}

export function dailySin(c: WallClock): number {
  return Math.sin(2 * Math.PI * (c.hour + c.minute / 60) / 24);
}

export function weeklyCos(c: WallClock): number {
  const hourFrac = c.hour + c.minute / 60;
  return Math.cos(2 * Math.PI * (dayOfWeek(c.year, c.month, c.day) + hourFrac / 24) / 7);
}
