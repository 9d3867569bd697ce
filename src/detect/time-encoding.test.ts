// Against golden/shallow_smoothing.json encode_timestamp_cases (pandas): UTC "Z", naive and
// "+02:00" times. Tolerance absolute 1e-12 (test/fixtures/golden/README.md §5).
import { test } from "uvu";
import { readFixtureJson } from "../../test/support/fixtures";
import * as assert from "uvu/assert";
import { wallClock } from "./iso-time";
import { dailySin, dayOfWeek, encodeTimes, weeklyCos } from "./time-encoding";

const golden = readFixtureJson("golden/shallow_smoothing.json") as {
  encode_timestamp_cases: { set: string; timestamps: string[]; daily_sin: number[]; weekly_cos: number[] }[];
};

test("daily_sin and weekly_cos of every golden timestamp", () => {
  assert.is(golden.encode_timestamp_cases.length, 3);
  for (const c of golden.encode_timestamp_cases) {
    c.timestamps.forEach((ts, i) => {
      const w = wallClock(ts)!;
      assert.ok(Math.abs(dailySin(w) - c.daily_sin[i]!) <= 1e-12, `${c.set} ${ts} sin`);
      assert.ok(Math.abs(weeklyCos(w) - c.weekly_cos[i]!) <= 1e-12, `${c.set} ${ts} cos`);
    });
  }
});

test("weekday Monday = 0", () => {
  assert.is(dayOfWeek(2024, 6, 3), 0); // a Monday
  assert.is(dayOfWeek(2024, 6, 9), 6); // a Sunday
});

test("encodeTimes gives exactly dailySin and weeklyCos of each wall clock, across dates and offsets", () => {
  const timestamps = golden.encode_timestamp_cases.flatMap((c) => c.timestamps);
  for (let m = 0; m < 3 * 1440; m += 7) timestamps.push(new Date(Date.UTC(2024, 1, 28) + m * 60_000).toISOString());
  const daily = new Float64Array(timestamps.length), weekly = new Float64Array(timestamps.length);
  assert.is(encodeTimes(timestamps, daily, weekly), -1);
  timestamps.forEach((ts, i) => {
    const w = wallClock(ts)!;
    assert.is(daily[i], dailySin(w), ts); // bit for bit: the shallow model's forest must not change
    assert.is(weekly[i], weeklyCos(w), ts);
  });
});

test("encodeTimes: the index of the first timestamp without a date and time", () => {
  const out = new Float64Array(3);
  assert.is(encodeTimes(["2024-06-03T00:00:00Z", "2024-06-03T00:01:00Z", "at noon"], out, out.slice()), 2);
});

test.run();
