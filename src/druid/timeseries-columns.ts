// The fast path for a Druid timeseries response when only one metric is judged (the default
// model): reads the JSON's bytes once and keeps the timestamps (where they are in the bytes) and
// that metric's column, instead of JSON.parse building an object per row and per result, then
// validating and copying them. It reads bytes, not text: the ~700 kB text of a week of minutes
// would be a string V8 puts straight into the old generation, and with two such strings a request
// (the base64 and what it decodes to) the service ran a full garbage collection every ~30 requests.
//
// It accepts a subset of JSON: the shape [{"timestamp": "...", "result": {"<field>": <number>,
// ...}}, ...] with ASCII strings without escapes, every row checked as parseTimeseries checks it
// (ISO-8601 timestamps, finite numbers only). Anything else (escapes, other keys, nested values,
// a defect of any kind) gives up (undefined) and the caller takes JSON.parse + parseTimeseries,
// which answers the same or says exactly what is wrong. Giving up is always safe.
import { noHourMark, seriesTimeMsAt } from "../detect/iso-time";
import { TimestampColumn } from "./timestamp-column";

export interface TimeseriesColumns {
  /** The rows' timestamps as written; they need no escaping in JSON (no '"', '\', controls). */
  timestamps: TimestampColumn;
  /** Epoch ms of every timestamp (epochMs), read while checking it: the model reads no timestamp
   * again. */
  times: Float64Array;
  /** The chosen metric of every row. */
  values: Float64Array;
  metric: string;
}

/** Picks the metric from the first row's result fields (in order, maybe repeated); undefined
 * gives up. */
export type MetricChooser = (firstRowFields: string[]) => string | undefined;

const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58;

const TIMESTAMP_KEY = '{"timestamp":"', RESULT_KEY = '","result":{';

function grown<A extends Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(a: A): A {
  const out = new (a.constructor as new (n: number) => A)(2 * a.length);
  out.set(a);
  return out;
}

/** 10^k for the digits after a number's point (at most 14: see Scanner.number). */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** A key's character codes, for startsAt. */
const codes = (key: string) => Uint8Array.from(key, (c) => c.charCodeAt(0));
const TIMESTAMP_CODES = codes(TIMESTAMP_KEY), RESULT_CODES = codes(RESULT_KEY);

/** Whether s has the bytes `key` at i. */
function startsAt(s: Uint8Array, i: number, key: Uint8Array): boolean {
  for (let k = 0; k < key.length; k++) if (s[i + k] !== key[k]) return false;
  return true;
}

class GiveUp extends Error {}
const giveUp = new GiveUp();

/** Reads the JSON bytes `s` (UTF-8; only ASCII is read here); undefined when the general path
 * must judge them. */
export function timeseriesColumns(s: Buffer, chooseMetric: MetricChooser): TimeseriesColumns | undefined {
  try {
    return new Scanner(s).series(chooseMetric);
  } catch (e) {
    if (e === giveUp) return undefined;
    throw e;
  }
}

class Scanner {
  private i = 0;
  private values: Float64Array<ArrayBuffer>;
  /** Where each row's timestamp starts and ends in s. */
  private starts: Int32Array<ArrayBuffer>;
  private ends: Int32Array<ArrayBuffer>;
  private metric = "";
  /** "<metric>": as it starts a result field. */
  private metricKey = new Uint8Array(0);
  private times: Float64Array<ArrayBuffer>;
  /** The value and the time compactRow read. */
  private value = NaN;
  private ms = NaN;
  /** The length of the timestamp compactRow read last. */
  private stampLength = 0;
  /** The date and hour of the timestamp read last (the rows of an hour share them). */
  private readonly hour = noHourMark();

  constructor(private readonly s: Buffer) {
    this.values = new Float64Array(Math.max(16, s.length >> 6));
    this.times = new Float64Array(this.values.length);
    this.starts = new Int32Array(this.values.length);
    this.ends = new Int32Array(this.values.length);
  }

  series(chooseMetric: MetricChooser): TimeseriesColumns {
    this.expect(91 /* [ */);
    const n = this.rows(chooseMetric);
    this.skipSpace();
    if (this.i !== this.s.length) throw giveUp;
    const timestamps = new TimestampColumn(this.s, this.starts.slice(0, n), this.ends.slice(0, n));
    return { timestamps, times: this.times.slice(0, n), values: this.values.slice(0, n), metric: this.metric };
  }

  /** Appends a row: its timestamp at s[start..end), its time and its value; the row count. */
  private add(n: number, start: number, end: number, ms: number, value: number): number {
    if (n === this.values.length) {
      this.values = grown(this.values); this.times = grown(this.times);
      this.starts = grown(this.starts); this.ends = grown(this.ends);
    }
    this.starts[n] = start;
    this.ends[n] = end;
    this.times[n] = ms;
    this.values[n] = value;
    return n + 1;
  }

  /** Reads the rows up to the closing ']' (this.add); their number.
   * (The loop is a method of its own, with nothing after it: V8 compiles a long loop mid-run,
   * and code after the loop that has not run yet then throws that compiled code away again, on
   * every request.) */
  private rows(chooseMetric: MetricChooser): number {
    const { s } = this;
    let n = 0;
    for (;;) {
      const rowStart = this.i;
      if (n > 0) {
        const stampStart = this.compactRow(this.metric);
        if (stampStart >= 0) {
          n = this.add(n, stampStart, stampStart + this.stampLength, this.ms, this.value);
          const c = this.next();
          if (c === 93 /* ] */) return n;
          if (c !== COMMA) throw giveUp;
          continue;
        }
        this.i = rowStart;
      }
      this.expect(123 /* { */);
      let stampStart = -1, stampEnd = -1;
      let haveResult = false;
      let value = NaN, ms = NaN;
      for (;;) {
        const keyStart = this.keyStart();
        if (this.isKey(keyStart, "timestamp") && stampStart < 0) {
          this.expect(QUOTE);
          stampStart = this.i;
          stampEnd = this.i = this.stringEnd(stampStart);
          this.i++;
          ms = seriesTimeMsAt(s, stampStart, stampEnd, this.hour);
          if (Number.isNaN(ms)) throw giveUp;
        } else if (this.isKey(keyStart, "result") && !haveResult) {
          haveResult = true;
          if (n === 0) {
            const fields = this.firstResult();
            const chosen = chooseMetric(fields.names);
            if (chosen === undefined) throw giveUp;
            this.metric = chosen;
            this.metricKey = codes(`"${chosen}":`); // needs no escaping: firstResult read it without
            const at = fields.names.lastIndexOf(chosen); // JSON.parse keeps a repeated key's last value
            if (at < 0) throw giveUp;
            value = fields.values[at]!;
          } else value = this.result(this.metric);
        } else throw giveUp;
        const c = this.next();
        if (c === 125 /* } */) break;
        if (c !== COMMA) throw giveUp;
      }
      if (stampStart < 0 || !haveResult) throw giveUp;
      n = this.add(n, stampStart, stampEnd, ms, value);
      const c = this.next();
      if (c === 93 /* ] */) return n;
      if (c !== COMMA) throw giveUp;
    }
  }

  /** A row written as Druid writes it, {"timestamp":"…","result":{…}} without white space:
   * where its timestamp starts (its length in this.stampLength, its value in this.value, its time
   * in this.ms), or -1 when the general reader must read it (from the same place). */
  private compactRow(metric: string): number {
    const { s } = this;
    const start = this.i + TIMESTAMP_KEY.length;
    if (!startsAt(s, this.i, TIMESTAMP_CODES)) return -1;
    // The closing quote where the previous timestamp's length puts it (a series' rows are written
    // alike; indexOf is a runtime call), else the first one. A guess that skips an earlier quote
    // is safe: seriesTimeMsAt then refuses the text, and the general reader reads the row.
    let end = start + this.stampLength;
    if (s[end] !== QUOTE) end = s.indexOf(QUOTE, start);
    if (end < 0) return -1;
    this.stampLength = end - start;
    // seriesTimeMsAt admits only digits and "-:T .Z+": nothing that JSON would escape.
    const ms = seriesTimeMsAt(s, start, end, this.hour);
    if (Number.isNaN(ms) || !startsAt(s, end, RESULT_CODES)) return -1;
    this.ms = ms;
    const fields = end + RESULT_KEY.length; // just after the result's '{'
    // The common result, the metric alone: {"<metric>":<number>}}
    if (startsAt(s, fields, this.metricKey)) {
      this.i = fields + this.metricKey.length;
      const value = this.number();
      if (s[this.i] === 125 /* } */ && s[this.i + 1] === 125) {
        this.i += 2;
        this.value = value;
        return start;
      }
    }
    this.i = fields - 1;
    this.value = this.result(metric);
    return s[this.i++] === 125 /* } */ ? start : -1;
  }

  /** The first row's result: its fields in order and their values. */
  private firstResult(): { names: string[]; values: number[] } {
    const names: string[] = [], values: number[] = [];
    this.expect(123 /* { */);
    for (;;) {
      const start = this.keyStart();
      const name = this.s.toString("latin1", start, this.stringEnd(start));
      if (name === "__proto__") throw giveUp;
      names.push(name);
      values.push(this.number());
      const c = this.next();
      if (c === 125) return { names, values };
      if (c !== COMMA) throw giveUp;
    }
  }

  /** A later row's result: every value checked, the metric's (last) value returned. */
  private result(metric: string): number {
    this.expect(123 /* { */);
    let value = NaN, found = false;
    for (;;) {
      const start = this.keyStart();
      const v = this.number();
      if (this.isKey(start, metric)) { value = v; found = true; }
      const c = this.next();
      if (c === 125) break;
      if (c !== COMMA) throw giveUp;
    }
    if (!found) throw giveUp;
    return value;
  }

  /** Reads `"key":` and returns where the key's characters start. */
  private keyStart(): number {
    this.expect(QUOTE);
    const start = this.i;
    this.i = this.stringEnd(start) + 1;
    this.expect(COLON);
    return start;
  }

  /** Whether the key starting at `start` (already read) is `name` (ASCII). */
  private isKey(start: number, name: string): boolean {
    const { s } = this;
    if (s[start + name.length] !== QUOTE) return false;
    for (let k = 0; k < name.length; k++) if (s[start + k] !== name.charCodeAt(k)) return false;
    return true;
  }

  /** Index of the closing quote of a string whose characters start at `i`. */
  private stringEnd(i: number): number {
    const { s } = this;
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === QUOTE) return i;
      if (c < 32 || c === BACKSLASH || c >= 127) throw giveUp;
    }
    throw giveUp;
  }

  /** A JSON number (strict grammar), finite. Up to 15 digits without an exponent are read
   * exactly: the digits as an integer (below 2^53, exact), divided by 10^(digits after the point)
   * (exact too), which IEEE division rounds once, to the double nearest the decimal: what
   * JSON.parse gives. Others go through Number(), which rounds as JSON.parse does. */
  private number(): number {
    this.skipSpace();
    const { s } = this;
    const start = this.i;
    let i = start, c = s[i]!;
    const negative = c === 45;
    if (negative) c = s[++i]!;
    const intStart = i;
    let v = 0;
    if (c === 48) c = s[++i]!;
    else if (c >= 49 && c <= 57) {
      do { v = v * 10 + (c - 48); c = s[++i]!; } while (c >= 48 && c <= 57);
    } else throw giveUp;
    let digits = i - intStart, decimals = 0;
    if (c === 46 /* . */) {
      const f = ++i;
      for (c = s[i]!; c >= 48 && c <= 57; c = s[++i]!) v = v * 10 + (c - 48);
      decimals = i - f;
      if (decimals === 0) throw giveUp;
      digits += decimals;
    }
    let exact = digits <= 15;
    if (c === 101 || c === 69 /* e E */) {
      exact = false;
      c = s[++i]!;
      if (c === 43 || c === 45) c = s[++i]!;
      const e = i;
      for (; c >= 48 && c <= 57; c = s[++i]!);
      if (i === e) throw giveUp;
    }
    this.i = i;
    const value = exact ? (negative ? -v : v) / POWERS_OF_TEN[decimals]! : Number(s.toString("latin1", start, i));
    if (!Number.isFinite(value)) throw giveUp;
    return value;
  }

  private skipSpace(): void {
    const { s } = this;
    let c = s[this.i];
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s[++this.i];
  }

  /** The next byte after white space (-1 at the end), consumed. */
  private next(): number {
    this.skipSpace();
    return this.i < this.s.length ? this.s[this.i++]! : (this.i++, -1);
  }

  private expect(c: number): void {
    if (this.next() !== c) throw giveUp;
  }
}
