import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseTimeseries, TimeseriesError } from "./timeseries";

const row = (timestamp: unknown, result: unknown) => ({ timestamp, result });

test("accepts Druid's shape with Z, offset, naive and space-separated times", () => {
  const rows = parseTimeseries([row("2023-09-21T09:00:00.000Z", { bytes: 1 }), row("2023-09-21T09:01:00+02:00", { bytes: 2.5 }),
    row("2023-09-21T09:02:00", { bytes: 0 }), row("2023-09-21 09:03:00", { bytes: -1 })]);
  assert.is(rows.length, 4);
  assert.is(parseTimeseries([row("2024-02-29T23:59:59.999Z", { bytes: 1 })]).length, 1, "a leap day");
  assert.equal(rows[1], { timestamp: "2023-09-21T09:01:00+02:00", result: { bytes: 2.5 } });
});

test("every defect is named with its row and field", () => {
  const cases: [unknown, RegExp][] = [
    [{ a: 1 }, /got a JSON object/], [null, /got null/], ["x", /got a string/], [[], /empty/],
    [[5], /row 0 is not an object/], [[row("yesterday", { bytes: 1 })], /row 0: timestamp "yesterday"/],
    [[row("2023-13-45T99:00:00Z", { bytes: 1 })], /row 0: timestamp/], [[row("2023-02-29T00:00:00Z", { bytes: 1 })], /row 0: timestamp/],
    [[row("2024-01-01T24:00:00Z", { bytes: 1 })], /row 0: timestamp/], [[row("2024-01-01T10:60:00Z", { bytes: 1 })], /row 0: timestamp/], [[row(17, { bytes: 1 })], /row 0: timestamp 17/],
    [[row("2023-09-21T09:00:00Z", { bytes: 1 }), row("2023-09-21T09:01:00Z", { bytes: "12" })], /row 1: result field "bytes" is "12"/],
    [[row("2023-09-21T09:00:00Z", { bytes: null })], /row 0: result field "bytes" is null/],
    [[row("2023-09-21T09:00:00Z", [1])], /row 0: "result" is missing/], [[{ timestamp: "2023-09-21T09:00:00Z" }], /"result" is missing/],
  ];
  for (const [input, msg] of cases) assert.throws(() => parseTimeseries(input), (e: Error) => e instanceof TimeseriesError && msg.test(e.message), String(msg));
});

test.run();
