// The series of a query: what the manager changes between polls (intervals, context, key order,
// the granularity's spelling) keeps the key; what names another series changes it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { namedSeriesKey, querySeriesKey } from "./series-key";

const query = {
  queryType: "timeseries", dataSource: "rb_flow", granularity: "pt1m",
  intervals: ["2024-05-20T00:00/2024-05-21T00:00"],
  filter: { type: "and", fields: [{ type: "selector", dimension: "sensor_name", value: "s1" }] },
  aggregations: [{ type: "longSum", name: "bytes", fieldName: "sum_bytes" }, { type: "longSum", name: "pkts", fieldName: "sum_pkts" }],
};

test("the same series across polls", () => {
  const key = querySeriesKey(query, "bytes");
  assert.match(key, /^[0-9a-f]{64}$/);
  const reordered = {
    aggregations: query.aggregations, filter: { fields: query.filter.fields, type: "and" }, granularity: "minute",
    intervals: ["2024-05-20T00:05/2024-05-21T00:05"], context: { timeout: 1000 }, dataSource: "rb_flow", queryType: "timeseries",
  };
  assert.is(querySeriesKey(reordered, "bytes"), key);
  assert.is(querySeriesKey({ ...query, granularity: { type: "period", period: "PT1M" } }, "bytes"), key);
});

test("another series", () => {
  const key = querySeriesKey(query, "bytes");
  const others = [
    querySeriesKey(query, "pkts"),
    querySeriesKey({ ...query, dataSource: "rb_event" }, "bytes"),
    querySeriesKey({ ...query, granularity: "pt5m" }, "bytes"),
    querySeriesKey({ ...query, filter: { type: "selector", dimension: "sensor_name", value: "s2" } }, "bytes"),
    querySeriesKey({ ...query, aggregations: [{ type: "longSum", name: "bytes", fieldName: "sum_pkts" }] }, "bytes"),
    namedSeriesKey("rb_flow", "bytes"),
  ];
  assert.is(new Set([key, ...others]).size, others.length + 1);
  assert.is(namedSeriesKey("link-1", "bytes"), namedSeriesKey("link-1", "bytes"));
  assert.is.not(namedSeriesKey("link-1", "bytes"), namedSeriesKey("link-2", "bytes"));
});

test.run();
