// The inference around the network (docs/design.md § Deep (named) models): coverage of every row,
// threshold, errors. The forward pass here is a plain function so the expected numbers can be
// worked out by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { detectAnomalies, reconstructRows, type Reconstruct } from "./detect";
import { ModelInputError } from "../../detect/model-catalog";
import type { ModelMetadata } from "../files/metadata";
import type { TimeseriesRow } from "../../detect/traffic-model";
import { slice } from "../preprocess";

const meta: ModelMetadata = {
  metrics: ["bytes", "pkts", "granularity"], timestamp: ["minute", ...Array.from({ length: 7 }, (_, d) => `weekday_${d}`)],
  weekdayEncoding: "one-hot", avgLoss: 0.01, stdLoss: 0.002, windowSize: 4, numWindows: 2,
};
const COLS = 11, LEN = 8;

function series(n: number): TimeseriesRow[] {
  const t0 = Date.parse("2024-05-27T00:00:00Z");
  return Array.from({ length: n }, (_, i) => ({
    timestamp: new Date(t0 + i * 60_000).toISOString(),
    result: { bytes: 1000 + 10 * i, pkts: 50 + i },
  }));
}

const slicesOf = (b: Parameters<Reconstruct>[0]) => slice(b.rows, b.starts, b.length);
const identity: Reconstruct = slicesOf;

test("a perfect reconstruction: a forecast for every row equal to the value, no anomalies", async () => {
  for (const n of [8, 12, 13, 30]) { // 13 and 30 do not divide into windows: the tail slice covers them
    const rows = series(n);
    const r = await detectAnomalies("m", rows, "bytes", meta, 5, identity);
    assert.is(r.predicted.length, n);
    assert.is(r.anomalies.length, 0);
    // tanh(log1p)/expm1(atanh) round trip in float64: relative 1e-12.
    r.predicted.forEach((p, i) => {
      assert.is(p.timestamp, rows[i].timestamp);
      assert.ok(Math.abs(p.forecast - rows[i].result.bytes) <= 1e-12 * rows[i].result.bytes, `row ${i}: ${p.forecast}`);
    });
  }
});

test("error above avg_loss + k·std_loss marks the row; expected is the de-scaled reconstruction", async () => {
  const rows = series(16); // slices at 0, 4, 8 (each 8 rows): row 10 is in slices 1 (pos 6) and 2 (pos 2)
  // Add 0.044 to the bytes column of row 10 wherever it appears: its mean abs error over 11 columns is 0.004.
  const bump: Reconstruct = (b) => {
    const out = slicesOf(b);
    const starts = [0, 4, 8];
    assert.equal(b.starts, starts);
    for (let s = 0; s < starts.length; s++) {
      const pos = 10 - starts[s];
      if (pos >= 0 && pos < LEN) out[(s * LEN + pos) * COLS] += 0.044;
    }
    return out;
  };
  const low = await detectAnomalies("m", rows, "bytes", meta, 1, bump); // threshold 0.012 > 0.004
  assert.is(low.anomalies.length, 0);
  const tight = { ...meta, avgLoss: 0.001, stdLoss: 0.0005 }; // threshold 0.001 + 5·0.0005 = 0.0035 < 0.004
  const r = await detectAnomalies("m", rows, "bytes", tight, 5, bump);
  assert.equal(r.anomalies.map((a) => a.timestamp), [rows[10].timestamp]);
  const a = r.anomalies[0];
  assert.is(a.value, rows[10].result.bytes);
  const v = Math.tanh(Math.log1p(rows[10].result.bytes) / 32) + 0.044;
  assert.ok(Math.abs(a.expected - Math.expm1(32 * Math.atanh(v))) <= 1e-12 * a.expected, `expected ${a.expected}`);
  assert.is(r.predicted[10].forecast, a.expected);
  const loss = (await reconstructRows(rows, tight, bump)).loss;
  assert.ok(Math.abs(loss[10] - 0.004) < 1e-15, `row 10 loss ${loss[10]}`);
  const k7 = await detectAnomalies("m", rows, "bytes", tight, 7, bump); // 0.001 + 7·0.0005 = 0.0045 > 0.004
  assert.is(k7.anomalies.length, 0);
});

test("per-row loss is the mean absolute error of the averaged reconstruction", async () => {
  const rows = series(12);
  const plusOne: Reconstruct = (b) => slicesOf(b).map((v) => v + 0.25);
  const r = await reconstructRows(rows, meta, plusOne);
  r.loss.forEach((l, i) => assert.ok(Math.abs(l - 0.25) < 1e-15, `row ${i}: ${l}`));
});

test("fewer rows than one slice: a ModelInputError saying how many are needed", async () => {
  try {
    await detectAnomalies("traffic", series(7), "bytes", meta, 5, identity);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModelInputError);
    assert.match((e as Error).message, /needs at least 8 rows .*got 7/);
  }
});

test("a metric the model lacks: a ModelInputError naming the metrics it knows", async () => {
  try {
    await detectAnomalies("traffic", series(8), "monitors", meta, 5, identity);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModelInputError);
    assert.match((e as Error).message, /no metric 'monitors'.*bytes, pkts, granularity/);
  }
});

test("each of a model's metrics missing alone: a ModelInputError naming it and the model's full set", async () => {
  // Any set of several metrics; test/deep/missing-metrics-http.test.ts runs the traffic model's own.
  const METRICS = ["bytes", "pkts", "flows", "clients"];
  const traffic: ModelMetadata = { ...meta, metrics: [...METRICS, "granularity"] };
  const full = series(8).map((r) => ({ timestamp: r.timestamp, result: Object.fromEntries(METRICS.map((m, j) => [m, r.result.bytes + j])) }));
  const ok = await detectAnomalies("traffic", full, "bytes", traffic, 5, identity);
  assert.is(ok.predicted.length, 8, "with every metric the model runs");
  for (const missing of METRICS) {
    const rows = full.map((r) => ({ timestamp: r.timestamp, result: Object.fromEntries(Object.entries(r.result).filter(([k]) => k !== missing)) }));
    const judged = missing === "bytes" ? "pkts" : "bytes";
    try {
      await detectAnomalies("traffic", rows, judged, traffic, 5, identity);
      assert.unreachable(`ran without ${missing}`);
    } catch (e) {
      assert.instance(e, ModelInputError);
      const msg = (e as Error).message;
      assert.ok(msg.includes(`missing: ${missing}. Its metrics: ${METRICS.join(", ")} (granularity is computed from the timestamps)`), msg);
    }
  }
});

test("a metric absent from some rows only: refused, saying how many and the first", async () => {
  const rows = series(10);
  delete (rows[3].result as Record<string, number>).pkts;
  delete (rows[7].result as Record<string, number>).pkts;
  try {
    await detectAnomalies("m", rows, "bytes", meta, 5, identity);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModelInputError);
    assert.match((e as Error).message, /missing: pkts \(absent from 2 of 10 rows, first row 3\)/);
  }
});

test("a reconstruction that saturates at 1 still gives a finite forecast", async () => {
  const ones: Reconstruct = (b) => slicesOf(b).fill(1);
  const r = await detectAnomalies("m", series(8), "bytes", meta, 5, ones);
  assert.ok(r.predicted.every((p) => Number.isFinite(p.forecast)));
});

test.run();
