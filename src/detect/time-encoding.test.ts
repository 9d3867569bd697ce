// Against golden/shallow_smoothing.json encode_timestamp_cases (pandas): UTC "Z", naive and
// "+02:00" times. Tolerance absolute 1e-12 (golden/README.md §5).
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { wallClock } from "./iso-time";
import { dailySin, dayOfWeek, weeklyCos } from "./time-encoding";

const golden = JSON.parse(readFileSync(new URL("../../../shared/golden/shallow_smoothing.json", import.meta.url), "utf8")) as {
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

test.run();
