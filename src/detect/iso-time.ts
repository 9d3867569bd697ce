// ISO-8601 timestamps as Druid, pandas and the CSV files write them ("YYYY-MM-DD", then
// optionally (T| )hh:mm[:ss[.fraction]], then optionally Z or ±hh[:]mm). The field readers run
// once per row of every request, so they read digits by hand instead of through Date.parse.

export interface WallClock { year: number; month: number; day: number; hour: number; minute: number }

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Value of the `len` decimal digits at `at`, or -1 when any is not a digit. */
function digitsAt(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The wall-clock fields written in the timestamp (its own offset's local time, as pandas reads
 * it; seconds ignored), or undefined when it has none. Fields are not range-checked: use
 * isIsoTime for that. */
export function wallClock(timestamp: string): WallClock | undefined {
  const s = timestamp;
  const year = digitsAt(s, 0, 4), month = digitsAt(s, 5, 2), day = digitsAt(s, 8, 2);
  if (year < 0 || month < 0 || day < 0 || s[4] !== "-" || s[7] !== "-") return undefined;
  let hour = 0, minute = 0;
  if (s.length > 10 && (s[10] === "T" || s[10] === " ")) {
    hour = digitsAt(s, 11, 2);
    minute = digitsAt(s, 14, 2);
    if (hour < 0 || minute < 0 || s[13] !== ":") return undefined;
  }
  return { year, month, day, hour, minute };
}

/** True for the whole form above with every field in range (no 2023-02-29, no 24:00). */
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

/** Milliseconds since the epoch; a time without Z or an offset is read as UTC (pandas keeps
 * naive times as written), a date alone is UTC midnight. NaN when unreadable. */
export function epochMs(timestamp: string): number {
  const t = timestamp.trim().replace(" ", "T");
  return Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/.test(t) || !t.includes("T") ? t : `${t}Z`);
}
