// Time-of-day and day-of-week encodings of the shallow model (golden/README.md §5), taken from the
// wall clock written in the timestamp, as pandas does: "+02:00" times use their local hour and
// weekday, "Z" times UTC, times without an offset as written. Seconds are ignored.
//   daily_sin  = sin(2π·(hour + minute/60) / 24)
//   weekly_cos = cos(2π·(dayofweek + (hour + minute/60)/24) / 7), Monday = 0

export interface WallClock { year: number; month: number; day: number; hour: number; minute: number }

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/;

/** The wall-clock fields written in an ISO-8601 timestamp, or undefined when it has none. */
export function wallClock(timestamp: string): WallClock | undefined {
  const m = WALL.exec(timestamp);
  if (!m) return undefined;
  return { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: m[4] ? +m[4] : 0, minute: m[5] ? +m[5] : 0 };
}

/** Day of week of a calendar date, Monday = 0 (pandas dayofweek). */
export function dayOfWeek(year: number, month: number, day: number): number {
  const sundayZero = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return (sundayZero + 6) % 7;
}

export function dailySin(c: WallClock): number {
  return Math.sin(2 * Math.PI * (c.hour + c.minute / 60) / 24);
}

export function weeklyCos(c: WallClock): number {
  const hourFrac = c.hour + c.minute / 60;
  return Math.cos(2 * Math.PI * (dayOfWeek(c.year, c.month, c.day) + hourFrac / 24) / 7);
}
