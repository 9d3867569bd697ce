// Time-of-day and day-of-week encodings of the shallow model (golden/README.md §5), taken from the
// wall clock written in the timestamp, as pandas does: "+02:00" times use their local hour and
// weekday, "Z" times UTC, times without an offset as written. Seconds are ignored.
//   daily_sin  = sin(2π·(hour + minute/60) / 24)
//   weekly_cos = cos(2π·(dayofweek + (hour + minute/60)/24) / 7), Monday = 0

export interface WallClock { year: number; month: number; day: number; hour: number; minute: number }

/** Value of the `len` decimal digits at `at`, or -1 when any is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The wall-clock fields written in an ISO-8601 timestamp ("YYYY-MM-DD[(T| )hh:mm…]"), or
 * undefined when it has none. Parsed by hand: it runs once per row of every request. */
export function wallClock(timestamp: string): WallClock | undefined {
  const s = timestamp;
  const year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  if (year < 0 || month < 0 || day < 0 || s[4] !== "-" || s[7] !== "-") return undefined;
  let hour = 0, minute = 0;
  if (s.length > 10 && (s[10] === "T" || s[10] === " ")) {
    hour = digits(s, 11, 2);
    minute = digits(s, 14, 2);
    if (hour < 0 || minute < 0 || s[13] !== ":") return undefined;
  }
  return { year, month, day, hour, minute };
}

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
