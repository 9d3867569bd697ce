// The one timestamp grammar of the product: ISO-8601 as Druid, pandas and the CSV files write it
// ("YYYY-MM-DD", then optionally (T| )hh:mm[:ss[.fraction]], then optionally Z or ±hh[:]mm; no
// zone = UTC), every field in range (no 2021-02-30, no 24:00, no +25:00). The traffic rows, the
// station samples and the `detect` CLI's rows are checked with it, and the pipelines, the deep
// features and the station store read times with it. The readers run once per row of every
// request, so they read digits by hand instead of through Date.parse (which also takes
// 2021-02-30 as 2 March).

export interface WallClock { year: number; month: number; day: number; hour: number; minute: number }

const DASH = 45, COLON = 58, DOT = 46, T = 84, SPACE = 32, Z = 90, PLUS = 43;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The accepted forms, for messages that refuse a timestamp. */
export const ISO_TIME_FORMS = 'like "2021-01-01 00:00:00" or "2021-01-01T00:00:00Z" (ISO 8601: YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][Z|±hh:mm], no zone = UTC; a real date and time, so no 2021-02-30 or 24:00)';

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

// The readers read bytes: the traffic API's column reader reads every row's timestamp in place
// in the request's bytes, without a string per row. A string is first copied into `scratch`.

// Past the string's end `scratch` holds what earlier strings left: no reader may read there and
// take what it finds (commonFormMs may read there, and then refuses the timestamp whatever it
// finds, as it must do when it reads past a timestamp inside a longer text).
let scratch = new Uint8Array(64);

/** The string's character codes in `scratch` (0, which no reader accepts, for one outside
 * ASCII). */
function asBytes(s: string): Uint8Array {
  if (s.length > scratch.length) scratch = new Uint8Array(2 * s.length);
  const b = scratch;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[i] = c < 128 ? c : 0;
  }
  return b;
}

/** Value of the `len` decimal digits at `at`, or -1 when any is not a digit. */
function digitsAt(b: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const d = b[i]! - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The wall-clock fields written in the timestamp (its own offset's local time, as pandas reads
 * it; seconds ignored), or undefined when it has none. Fields are not range-checked: use
 * isIsoTime for that. */
export function wallClock(timestamp: string): WallClock | undefined {
  const b = asBytes(timestamp), n = timestamp.length;
  if (n < 10) return undefined;
  const year = digitsAt(b, 0, 4), month = digitsAt(b, 5, 2), day = digitsAt(b, 8, 2);
  if (year < 0 || month < 0 || day < 0 || b[4] !== DASH || b[7] !== DASH) return undefined;
  let hour = 0, minute = 0;
  const c = n > 10 ? b[10] : 0;
  if (c === T || c === SPACE) {
    if (n < 16) return undefined;
    hour = digitsAt(b, 11, 2);
    minute = digitsAt(b, 14, 2);
    if (hour < 0 || minute < 0 || b[13] !== COLON) return undefined;
  }
  return { year, month, day, hour, minute };
}

/** True for the whole form above with every field in range (no 2023-02-29, no 24:00). */
export function isIsoTime(s: string): boolean {
  return isIsoTimeAt(asBytes(s), 0, s.length);
}

/** isIsoTime of b[start..end), read in place. */
function isIsoTimeAt(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < 10) return false;
  const year = digitsAt(b, start, 4), month = digitsAt(b, start + 5, 2), day = digitsAt(b, start + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || b[start + 4] !== DASH || b[start + 7] !== DASH) return false;
  if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !isLeapYear(year))) return false;
  let i = start + 10;
  if (i === end) return true;
  let c = b[i]!;
  if (c === T || c === SPACE) {
    if (end - i < 6) return false;
    const hour = digitsAt(b, i + 1, 2), minute = digitsAt(b, i + 4, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || b[i + 3] !== COLON) return false;
    i += 6;
    if (i < end && b[i] === COLON) {
      if (end - i < 3) return false;
      const second = digitsAt(b, i + 1, 2);
      if (second < 0 || second > 59) return false;
      i += 3;
      if (i < end && b[i] === DOT) {
        const fraction = ++i;
        while (i < end && (c = b[i]!) >= 48 && c <= 57) i++;
        if (i === fraction) return false;
      }
    }
    if (i === end) return true;
    c = b[i]!;
  }
  if (c === Z) return i + 1 === end;
  if (c !== PLUS && c !== DASH) return false;
  // ±hh:mm or ±hhmm
  const rest = end - i - 1;
  if (rest !== 4 && !(rest === 5 && b[i + 3] === COLON)) return false;
  const oh = digitsAt(b, i + 1, 2), om = digitsAt(b, end - 2, 2);
  return oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
}

/** Milliseconds of the fraction digits b[from..to) (truncated, as Date.parse reads them). */
function fractionMs(b: Uint8Array, from: number, to: number): number {
  let ms = 0;
  for (let k = 0; k < 3; k++) ms = ms * 10 + (from + k < to ? b[from + k]! - 48 : 0);
  return ms;
}

/** Milliseconds since the epoch of b[start..end), which isIsoTimeAt accepted. A time without Z
 * or an offset is UTC (pandas keeps naive times as written), a date alone is UTC midnight. */
function checkedMs(b: Uint8Array, start: number, end: number): number {
  // The wall clock sits at fixed places, then [:ss[.fraction]], then the zone.
  const year = digitsAt(b, start, 4), month = digitsAt(b, start + 5, 2), day = digitsAt(b, start + 8, 2);
  const timed = end - start > 10 && (b[start + 10] === T || b[start + 10] === SPACE);
  const hour = timed ? digitsAt(b, start + 11, 2) : 0, minute = timed ? digitsAt(b, start + 14, 2) : 0;
  let second = 0, ms = 0, i = start + (timed ? 16 : 10);
  if (i < end && b[i] === COLON) {
    second = digitsAt(b, i + 1, 2);
    i += 3;
    if (i < end && b[i] === DOT) {
      const fraction = ++i;
      while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
      ms = fractionMs(b, fraction, i);
    }
  }
  const zone = i < end ? b[i] : 0;
  const offset = zone === PLUS || zone === DASH ? (zone === PLUS ? 1 : -1) * (digitsAt(b, i + 1, 2) * 60 + digitsAt(b, end - 2, 2)) : 0;
  let utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (year < 100) utc = new Date(utc).setUTCFullYear(year); // Date.UTC reads years 0-99 as 1900-1999
  return utc - offset * 60_000;
}

/** Milliseconds since the epoch of a timestamp of the grammar above, or undefined when it is
 * not one. A time without Z or an offset is UTC (pandas keeps naive times as written), a date
 * alone is UTC midnight. */
export function isoTimeMs(s: string): number | undefined {
  const b = asBytes(s);
  return isIsoTimeAt(b, 0, s.length) ? checkedMs(b, 0, s.length) : undefined;
}

/** epochMs of b[start..end) when it has the form Druid and NAB write, "YYYY-MM-DD(T| )hh:mm:ss[.sss][Z|±hh:mm]",
 * fields in range, read from its fixed places (Date.parse with the string work before it took ~1 µs a
 * row, a third of the traffic model's time on 10,080 rows; isoTimeMs's general reading a fifth of the
 * default detector's); undefined for any other form, which isoTimeMs then reads. Every timestamp it
 * reads is one isIsoTime accepts. It may read up to 4 places past `end`: whatever is there, a
 * timestamp that ends at `end` is read or refused as it would be alone. */
function commonFormMs(b: Uint8Array, start: number, end: number): number | undefined {
  if (end - start < 19) return undefined;
  const hour = hourMs(b, start);
  const rest = hour === undefined ? undefined : afterHourMs(b, start, end);
  return rest === undefined ? undefined : hour! + rest; // integers below 2^53: the sum is exact
}

/** The common form's "YYYY-MM-DD(T| )hh:" at b[start..start + 14), checked: utcMs of that date and
 * hour, else undefined. */
function hourMs(b: Uint8Array, start: number): number | undefined {
  const year = digitsAt(b, start, 4), month = digitsAt(b, start + 5, 2), day = digitsAt(b, start + 8, 2);
  const hour = digitsAt(b, start + 11, 2), sep = b[start + 10];
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return undefined;
  if (b[start + 4] !== DASH || b[start + 7] !== DASH || (sep !== T && sep !== SPACE) || b[start + 13] !== COLON) return undefined;
  if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !isLeapYear(year))) return undefined;
  return utcMs(year, month, day, hour, 0, 0, 0);
}

/** The rest of the common form after its hour, "mm:ss[.sss][Z|±hh:mm]" at b[start + 14..end),
 * checked: its milliseconds (less the zone's offset), else undefined. */
function afterHourMs(b: Uint8Array, start: number, end: number): number | undefined {
  const minute = digitsAt(b, start + 14, 2), second = digitsAt(b, start + 17, 2);
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || b[start + 16] !== COLON) return undefined;
  let at = start + 19, ms = 0;
  if (at < end && b[at] === DOT) {
    ms = digitsAt(b, at + 1, 3);
    if (ms < 0) return undefined;
    at += 4;
  }
  let offsetMinutes = 0;
  if (at === end - 1 && b[at] === Z) at = end;
  else if (at === end - 6 && (b[at] === PLUS || b[at] === DASH) && b[at + 3] === COLON) {
    const oh = digitsAt(b, at + 1, 2), om = digitsAt(b, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offsetMinutes = (b[at] === PLUS ? 1 : -1) * (oh * 60 + om);
    at = end;
  }
  if (at !== end) return undefined;
  return minute * 60_000 + second * 1000 + ms - offsetMinutes * 60_000;
}

/** The last timestamp of the common form a series reader read in its bytes: where it starts, and
 * utcMs of its date and hour. */
export interface HourMark { start: number; ms: number }

export const noHourMark = (): HourMark => ({ start: -1, ms: NaN });

/** isoTimeMsAt of b[start..end), for a reader that goes through a series' timestamps in the same
 * bytes: when the first 14 bytes ("YYYY-MM-DD(T| )hh:") are those of the timestamp `mark` holds
 * (checked when it was read), their date and hour are not read again, only the rest (a week of
 * minutes has 168 hours: the date's reading and utcMs were ~40 % of the reader's time). */
export function seriesTimeMsAt(b: Uint8Array, start: number, end: number, mark: HourMark): number {
  if (end - start >= 19 && mark.start >= 0 && sameBytes(b, mark.start, start, 14)) {
    const rest = afterHourMs(b, start, end);
    if (rest !== undefined) return mark.ms + rest;
  }
  const hour = end - start < 19 ? undefined : hourMs(b, start);
  if (hour === undefined) return isoTimeMsAt(b, start, end);
  mark.start = start;
  mark.ms = hour;
  const rest = afterHourMs(b, start, end);
  return rest === undefined ? isoTimeMsAt(b, start, end) : hour + rest;
}

/** Whether b[i..i + n) and b[j..j + n) are the same bytes. */
function sameBytes(b: Uint8Array, i: number, j: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (b[i + k] !== b[j + k]) return false;
  return true;
}

/** Date.UTC(year, month − 1, …) for a valid date of years 100-9999, by arithmetic (days from the
 * civil date, H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"): the same integer, a third
 * of the time of the runtime call, which the traffic model makes for every row. */
export function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400), yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468; // 719,468: days from 0000-03-01 to 1970-01-01
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

/** The last timestamp epochMs read and its value: a station's sample goes through each of its
 * variables' pipelines in turn, so the default pipeline asks for the same text once per variable. */
let lastText = "", lastMs = NaN;

/** isoTimeMs of the trimmed timestamp, NaN when it is not one (for readers that carry on
 * without a time, like the default pipeline's seasonal terms). */
export function epochMs(timestamp: string): number {
  if (timestamp === lastText) return lastMs;
  const ms = commonFormMs(asBytes(timestamp), 0, timestamp.length) ?? isoTimeMs(timestamp.trim()) ?? NaN;
  lastText = timestamp;
  lastMs = ms;
  return ms;
}

/** epochMs of the timestamp b[start..end) (bytes of ASCII text) when isIsoTime accepts it, else
 * NaN: the check and the reading in one pass, in place (the column reader reads every row's time
 * in the request's bytes). */
export function isoTimeMsAt(b: Uint8Array, start: number, end: number): number {
  const ms = commonFormMs(b, start, end);
  if (ms !== undefined) return ms;
  return isIsoTimeAt(b, start, end) ? checkedMs(b, start, end) : NaN;
}
