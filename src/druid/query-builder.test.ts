import { test } from "uvu";
import * as assert from "uvu/assert";
import { TRAFFIC_METRICS, withTrafficMetrics } from "./query-builder";

const query = {
  dataSource: "rb_flow", queryType: "timeseries",
  granularity: { type: "period", period: "pt5m", origin: "2023-09-21T09:00:00Z" },
  intervals: ["2023-09-21T09:00:00+00:00/2023-09-21T10:00:00+00:00"],
  filter: { type: "selector", dimension: "sensor_name", value: "FlowSensor" },
  aggregations: [{ type: "longSum", name: "bytes", fieldName: "sum_bytes" }], postAggregations: [],
};

function constants(node: unknown, out: number[] = []): number[] {
  if (Array.isArray(node)) node.forEach((n) => constants(n, out));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "constant") out.push(o.value as number);
    Object.values(o).forEach((v) => constants(v, out));
  }
  return out;
}

test("replaces aggregations and post-aggregations with the full traffic set, keeps the rest", () => {
  const before = JSON.stringify(query);
  const q = withTrafficMetrics(query);
  assert.is(JSON.stringify(query), before, "input untouched");
  assert.equal(q.filter, query.filter);
  assert.equal(q.intervals, query.intervals);
  assert.equal(q.granularity, query.granularity);
  const aggs = q.aggregations as { type: string; name: string; fieldName: string }[];
  assert.equal(aggs.map((a) => `${a.type}:${a.name}<-${a.fieldName}`),
    ["longSum:bytes<-sum_bytes", "longSum:pkts<-sum_pkts", "hyperUnique:clients<-clients", "longSum:flows<-events"]);
  const posts = q.postAggregations as { name: string }[];
  const names = [...aggs.map((a) => a.name), ...posts.map((p) => p.name)];
  assert.equal(names, [...TRAFFIC_METRICS]);
});

test("per-second post-aggregations divide by the granularity in seconds", () => {
  const q5 = withTrafficMetrics(query);
  const posts = q5.postAggregations as { name: string }[];
  const byName = Object.fromEntries(posts.map((p) => [p.name, p]));
  // bps = bytes*8/300; pps, fps = x/300; per-client rates divide by the cardinality of clients.
  assert.equal(constants(byName.bps), [8, 300]);
  assert.equal(constants(byName.pps), [300]);
  assert.equal(constants(byName.fps), [300]);
  assert.equal(constants(byName.bytes_per_client), []);
  assert.equal(constants(byName.bits_per_sec_per_client), [8, 300]);
  assert.equal(constants(byName.flows_per_sec_per_client), [300]);
  const qHour = withTrafficMetrics({ ...query, granularity: "hour" });
  assert.equal(constants(qHour.postAggregations), [8, 3600, 3600, 3600, 8, 3600, 3600]);
  const qNone = withTrafficMetrics({ ...query, granularity: undefined });
  assert.equal(constants((qNone.postAggregations as unknown[])[0]), [8, 60]);
});

test("a granularity without fixed length throws", () => {
  assert.throws(() => withTrafficMetrics({ ...query, granularity: "all" }), /not supported/);
});

test.run();
