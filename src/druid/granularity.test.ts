import { test } from "uvu";
import * as assert from "uvu/assert";
import { granularitySeconds, GranularityError } from "./granularity";

test("period granularities pt1m … pt8h as strings and as {type: period}", () => {
  const cases: [string, number][] = [["pt1m", 60], ["pt2m", 120], ["pt5m", 300], ["pt15m", 900], ["pt30m", 1800],
    ["pt1h", 3600], ["pt2h", 7200], ["pt8h", 28800], ["PT1H30M", 5400], ["P1D", 86400], ["PT10S", 10]];
  for (const [p, s] of cases) {
    assert.is(granularitySeconds(p), s, p);
    assert.is(granularitySeconds({ type: "period", period: p, origin: "2023-09-21T09:00:00Z" }), s, p);
  }
});

test("simple names and the original's default (minute when absent)", () => {
  assert.is(granularitySeconds("minute"), 60);
  assert.is(granularitySeconds("fifteen_minute"), 900);
  assert.is(granularitySeconds("thirty_minute"), 1800);
  assert.is(granularitySeconds("hour"), 3600);
  assert.is(granularitySeconds("day"), 86400);
  assert.is(granularitySeconds("HOUR"), 3600);
  assert.is(granularitySeconds(undefined), 60);
  assert.is(granularitySeconds({ type: "duration", duration: 300000 }), 300);
});

test("anything without a fixed length is refused with a message naming what is accepted", () => {
  for (const bad of ["all", "none", "month", "P1M", "pt", "P", "PT", "5m", "", "pt0m", { type: "period", period: "P1M" },
    { type: "period" }, { type: "duration", duration: 1500 }, 42, ["minute"], { type: "uniform" }]) {
    try {
      granularitySeconds(bad);
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (e) {
      assert.instance(e, GranularityError);
      assert.match((e as Error).message, /pt5m/);
    }
  }
});

test.run();
