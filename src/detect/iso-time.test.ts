import { test } from "uvu";
import * as assert from "uvu/assert";
import { epochMs, isIsoTime, isoTimeMs, isoTimeMsAt, noHourMark, seriesTimeMsAt, utcMs, wallClock } from "./iso-time";

test("isIsoTime: the forms Druid and pandas write, fields in range", () => {
  for (const ok of ["2023-09-21", "2023-09-21T09:00", "2023-09-21T09:00:00", "2023-09-21T09:00:00.000Z", "2023-09-21T09:00:00.123456+02:00",
    "2023-09-21 09:00:00", "2023-09-21T09:00:00-0530", "2024-02-29T00:00:00Z", "2023-09-21T23:59:59Z"])
    assert.ok(isIsoTime(ok), ok);
  for (const bad of ["", "2023-9-21", "2023-09-21T9:00", "2023-09-21T09:00:00.Z", "2023-09-21T09:00:00ZZ", "2023-09-21T09:00:00+2",
    "2023-09-21X09:00", "2023-02-29", "1900-02-29", "2023-00-10", "2023-04-31", "2023-09-21T24:00", "2023-09-21T09:60",
    "2023-09-21T09:00:60", "2023-09-21T09:00:00 ", "20230921T090000Z", "yesterday"])
    assert.not.ok(isIsoTime(bad), bad);
});

test("wallClock: the wall clock of an offset time is its local one", () => {
  assert.equal(wallClock("2024-06-04T00:30:00+02:00"), { year: 2024, month: 6, day: 4, hour: 0, minute: 30 });
  assert.is(wallClock("yesterday"), undefined);
});

test("epochMs: the common form read by hand gives what Date.parse gives; impossible times are NaN", () => {
  const slow = (t: string) => Date.parse(`${t.replace(" ", "T")}Z`);
  for (const t of ["2014-04-10 07:15:00", "2014-04-10T07:15:59", "2024-02-29 23:59:59", "1970-01-01 00:00:00", "1969-12-31 23:59:59", "9999-12-31 23:59:59", "0050-06-01 12:00:00", "1000-01-01 00:00:00"]) {
    assert.is(epochMs(t), slow(t), t);
  }
  // Date.parse rolls the first two over (1 March, the next day); the grammar refuses all four.
  for (const t of ["2023-02-29 12:00:00", "2014-04-10 24:00:00", "2014-13-10 07:15:00", "2014-04-10 07:15:6x"])
    assert.ok(Number.isNaN(epochMs(t)), `${t}: ${epochMs(t)}`);
});

test("epochMs: NAB's format, ISO 8601 with Z or an offset, naive times and dates as UTC; NaN when unreadable", () => {
  assert.is(epochMs("2014-04-10 07:15:00"), Date.UTC(2014, 3, 10, 7, 15));
  assert.is(epochMs("2014-04-10T07:15:00Z"), Date.UTC(2014, 3, 10, 7, 15));
  assert.is(epochMs("2014-04-10T09:15:00+02:00"), Date.UTC(2014, 3, 10, 7, 15));
  assert.is(epochMs("2014-04-10"), Date.UTC(2014, 3, 10));
  assert.ok(Number.isNaN(epochMs("t12")));
});

test("epochMs: the same text read again (once per variable of a sample) gives its time, and the next text its own", () => {
  const a = "2014-04-10 07:15:00", b = "2014-04-10T09:15:00+02:00", c = "2014-04-10 07:16:00";
  for (const [t, ms] of [[a, Date.UTC(2014, 3, 10, 7, 15)], [a, Date.UTC(2014, 3, 10, 7, 15)], [c, Date.UTC(2014, 3, 10, 7, 16)], [c, Date.UTC(2014, 3, 10, 7, 16)], [b, Date.UTC(2014, 3, 10, 7, 15)], [a, Date.UTC(2014, 3, 10, 7, 15)]] as const)
    assert.is(epochMs(t), ms, t);
  assert.ok(Number.isNaN(epochMs("t12")));
  assert.ok(Number.isNaN(epochMs("t12")));
  assert.is(epochMs(c), Date.UTC(2014, 3, 10, 7, 16));
});

test("isoTimeMs agrees with Date.parse on every accepted form, and refuses what Date.parse would roll over", () => {
  for (const t of ["2023-09-21", "2023-09-21T09:00", "2023-09-21T09:00:00.000Z", "2023-09-21T09:00:00.123456+02:00", "2023-09-21 09:00:00.5",
    "2023-09-21T09:00:00-0530", "2024-02-29T23:59:59.999Z", "0050-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2023-09-21T09:00:00-23:59", "2023-09-21T09:00-03:00", "2023-09-21Z"]) {
    const iso = t.replace(" ", "T");
    const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(iso) || !iso.includes("T") ? iso : `${iso}Z`;
    assert.is(isoTimeMs(t), Date.parse(zoned.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")), t);
  }
  assert.is(isoTimeMs("2023-09-21+0200"), Date.UTC(2023, 8, 20, 22), "a date with an offset (Date.parse reads none)");
  // Date.parse takes these as 2 March, the next day and a time 25 hours west; the grammar does not.
  for (const bad of ["2021-02-30 00:00:00", "2021-01-01T24:00:00Z", "2021-01-01T00:00:00+25:00", "2021-01-01T00:00:00+01:60", "not-a-time"])
    assert.is(isoTimeMs(bad), undefined, bad);
  assert.ok(Number.isNaN(epochMs("2021-02-30")));
});

test("epochMs: the hand-read common form equals Date.parse's reading at every field's edges; what the grammar refuses is NaN", () => {
  const slow = (t: string) => { // Date.parse, naive read as UTC, ±hhmm written ±hh:mm for it
    const u = t.trim().replace(" ", "T").replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
    return Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/.test(u) || !u.includes("T") ? u : `${u}Z`);
  };
  const cases: string[] = [];
  for (const date of ["2024-02-29", "2023-02-29", "2023-12-31", "1970-01-01", "0099-01-01", "2024-13-01", "2024-04-31"])
    for (const time of ["00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "07:15:00.5", "07:15:00.123", "07:15:00.1234"])
      for (const sep of ["T", " "])
        for (const zone of ["", "Z", "+02:00", "-05:30", "+0200", "+24:00", "z"]) cases.push(`${date}${sep}${time}${zone}`);
  // Date.parse rolls 2023-02-29, 24:00 and +24:00 over; the grammar refuses them.
  let accepted = 0;
  for (const t of cases) {
    const want = isIsoTime(t) ? (accepted++, slow(t)) : NaN;
    assert.ok(Object.is(epochMs(t), want), `${t}: ${epochMs(t)} vs ${want}`);
  }
  assert.ok(accepted > 0 && accepted < cases.length, `${accepted} of ${cases.length} accepted: both kinds checked`);
});

test("isoTimeMsAt: epochMs of what isIsoTime accepts, NaN otherwise, read in place inside longer bytes", () => {
  const cases: string[] = [];
  for (const date of ["2024-02-29", "2023-02-29", "0050-01-01", "2024-13-01"])
    for (const time of ["", "T00:00", " 23:59:59", "T12:00:60", "T07:15:00.5", "T07:15:00.123", "T07:15:00.1234", "T07:15:00."])
      for (const zone of ["", "Z", "+02:00", "-0530", "+24:00", "z", " "]) cases.push(`${date}${time}${zone}`);
  let accepted = 0;
  for (const t of cases) {
    const want = isIsoTime(t) ? (accepted++, epochMs(t)) : NaN;
    // Digits after the end must not be read as the timestamp's (the reader's text goes on).
    for (const [before, after] of [["", ""], ['{"timestamp":"', '","result":{}}'], ["9", "123Z"]])
      assert.ok(Object.is(isoTimeMsAt(Buffer.from(before + t + after, "latin1"), before.length, before.length + t.length), want), `${before}|${t}|${after}`);
  }
  assert.ok(accepted > 0 && accepted < cases.length, `${accepted} of ${cases.length} accepted: both kinds checked`);
});

test("seriesTimeMsAt: isoTimeMsAt of every timestamp of a series read in one pass, whatever came before", () => {
  // Timestamps sharing their date and hour, or only part of them, with rests valid or not, and
  // prefixes valid or not (a refused one must not be remembered as an hour), in random order.
  const hours = ["2024-02-29T23:", "2024-02-29 23:", "2024-02-29T22:", "2023-02-29T23:", "2024-02-29T24:", "2024-03-01T00:", "0099-01-01T00:", "2024-02-29T2x:"];
  const rests = ["00:00", "59:59.999Z", "07:15.5", "07:15.123+02:00", "07:15-05:30", "07:15+24:00", "60:00", "07:60", "07:15Z ", "07:1", "07:15.1234Z", "07:15.Z"];
  let seed = 7;
  const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const texts: string[] = [];
  for (let i = 0; i < 4000; i++) texts.push(hours[random(random(4) === 0 ? hours.length : 2)]! + rests[random(rests.length)]!);
  let text = "";
  const starts = texts.map((t) => { text += '{"timestamp":"'; const start = text.length; text += `${t}"},`; return start; });
  const bytes = Buffer.from(text, "latin1");
  const mark = noHourMark();
  let accepted = 0, sameHour = 0;
  texts.forEach((t, i) => {
    const want = isoTimeMsAt(bytes, starts[i]!, starts[i]! + t.length);
    if (!Number.isNaN(want)) accepted++;
    if (i > 0 && t.slice(0, 14) === texts[i - 1]!.slice(0, 14)) sameHour++;
    assert.ok(Object.is(seriesTimeMsAt(bytes, starts[i]!, starts[i]! + t.length, mark), want), t);
  });
  assert.ok(accepted > 1000 && accepted < 3500 && sameHour > 500, `${accepted} accepted, ${sameHour} after one of the same hour`);
});

test("a string is read alone: a character outside ASCII is no digit (its low byte would be one), and nothing of an earlier, longer string is read", () => {
  assert.not.ok(isIsoTime("2023-09-2\u0131"), "U+0131 ends in 0x31, '1'");
  assert.is(isoTimeMs("\u0132023-09-21"), undefined);
  assert.ok(Number.isNaN(epochMs("2023-09-21T09:00:0\u0130Z")));
  assert.ok(isIsoTime("2023-09-21T09:00:00.123456+02:00"));
  assert.equal(wallClock("2023-09-21"), { year: 2023, month: 9, day: 21, hour: 0, minute: 0 });
  assert.is(epochMs("2023-09-21T09:00:00.1"), Date.UTC(2023, 8, 21, 9, 0, 0, 100));
  assert.not.ok(isIsoTime("2023-09-21T09"));
});

test("utcMs is Date.UTC for every day of years 100-9999 sampled, leap days and the ends included", () => {
  let checked = 0;
  for (let year = 100; year <= 9999; year += year < 2200 ? 1 : 97) {
    for (let month = 1; month <= 12; month++) {
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      for (const day of [1, 2, 15, 28, last]) {
        const [h, m, sec, ms] = [(year * 7 + day) % 24, (month * 13) % 60, day % 60, (year + day) % 1000];
        assert.is(utcMs(year, month, day, h, m, sec, ms), Date.UTC(year, month - 1, day, h, m, sec, ms), `${year}-${month}-${day}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100_000);
});

test.run();
