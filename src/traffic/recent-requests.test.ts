import { test } from "uvu";
import * as assert from "uvu/assert";
import { TimestampColumn } from "../druid/timestamp-column";
import { RecentRequests } from "./recent-requests";

const about = { at: "2026-01-01T00:00:00.000Z", source: "data" as const, datasource: null, series_name: null, model: "default", metric: "bytes", ms: 1 };
const judged = (n: number) => ({
  timestamps: Array.from({ length: n }, (_, i) => `t${i}`), values: Float64Array.from({ length: n }, (_, i) => i),
  forecast: Array.from({ length: n }, (_, i) => i + 0.5), anomalous: Array.from({ length: n }, (_, i) => i % 3 === 0),
});

test("keeps the last requests, newest first, with their counts", () => {
  const r = new RecentRequests(3, 100);
  for (let n = 1; n <= 5; n++) r.add({ ...about, ms: n }, judged(n));
  assert.equal(r.list().map((e) => [e.id, e.points, e.anomalies, e.ms]), [[5, 5, 2, 5], [4, 4, 2, 4], [3, 3, 1, 3]]);
  assert.is(r.get(2), undefined, "the oldest were dropped");
});

test("keeps the tail of a long series, aligned, and says how much was left out", () => {
  const r = new RecentRequests(3, 4);
  const id = r.add(about, judged(10));
  const kept = r.get(id)!;
  assert.is(kept.points, 10);
  assert.is(kept.anomalies, 4);
  assert.equal(kept.series, {
    timestamps: ["t6", "t7", "t8", "t9"], values: [6, 7, 8, 9], forecast: [6.5, 7.5, 8.5, 9.5],
    anomalous: [true, false, false, true], left_out: 6,
  });
});

test("timestamps as the column reader gives them (places in the request's bytes): the tail kept as a copy, strings when asked for", () => {
  const texts = Array.from({ length: 10 }, (_, i) => `2024-05-20T00:0${i}:00Z`);
  const bytes = Buffer.from(`[${texts.map((t) => `"${t}"`).join(",")}]`, "latin1");
  const starts = Int32Array.from(texts, (t) => bytes.indexOf(t) ), ends = Int32Array.from(texts, (t) => bytes.indexOf(t) + t.length);
  const r = new RecentRequests(3, 4);
  const id = r.add(about, { ...judged(10), timestamps: new TimestampColumn(bytes, starts, ends) });
  bytes.fill(0); // the request's bytes are not held
  assert.equal(r.get(id)!.series.timestamps, texts.slice(6));
});

test.run();
