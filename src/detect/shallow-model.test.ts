import { test } from "uvu";
import { readFixtureJson } from "../../test/support/fixtures";
import * as assert from "uvu/assert";
import { Rng } from "./rng";
import { ShallowModel, contaminationCap, shallowOutliers, locallyDetrended } from "./shallow-model";
import { TRAFFIC_LEARNING_ROWS } from "./series-judgement";
import { smoothSeries } from "./smoothing";
import type { TimeseriesRow } from "./traffic-model";

const opts = { contamination: 0.01, sensitivity: 0.95 };

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** n one-minute points from 2024-05-20 00:00Z: a daily wave plus Gaussian noise of sd `noise`. */
function series(n: number, seed: number, noise = 2e4) {
  const rng = new Rng(seed);
  const timestamps: string[] = [], values: number[] = [];
  for (let i = 0; i < n; i++) {
    timestamps.push(new Date(Date.UTC(2024, 4, 20) + i * 60_000).toISOString());
    values.push(1e6 * (2 + Math.sin((2 * Math.PI * i) / 1440)) + noise * gaussian(rng));
  }
  return { timestamps, values };
}

const rowsOf = (timestamps: string[], values: number[]): TimeseriesRow[] =>
  timestamps.map((timestamp, i) => ({ timestamp, result: { bytes: values[i]! } }));

test("a clean noisy series: nothing flagged in the learning rows (residual test), at most 4 flags after", () => {
  // The residual test allows a false alarm in ~5% of clean series; these seeds are fixed, so the
  // test is deterministic. After its 300 learning rows the station default detector raises 1-4
  // false alarms on each of these series, the first one on its first scored row: issue 12 part 5
  // (no false alarm at the end of learning) is being fixed in the detector itself; tighten this
  // bound when it lands.
  for (let seed = 1; seed <= 10; seed++) {
    const { timestamps, values } = series(1440, seed);
    const flagged = shallowOutliers(values, timestamps, opts).anomalous.flatMap((a, i) => (a ? [i] : []));
    assert.ok(flagged.every((i) => i >= 300), `seed ${seed}: ${flagged}`);
    assert.ok(flagged.length <= 4, `seed ${seed}: ${flagged}`);
  }
});

test("a constant series gets no anomalies and its forecast is the constant", async () => {
  const ts = Array.from({ length: 50 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString());
  const r = await new ShallowModel(opts).run(rowsOf(ts, ts.map(() => 7)), "bytes");
  assert.equal(r.anomalies, []);
  assert.ok(r.predicted.every((p) => Math.abs(p.forecast - 7) < 1e-12));
});

test("obvious spikes are flagged (the original's own test: uniform noise, three points at 100)", () => {
  const rng = new Rng(7);
  const n = 1000;
  const values = Array.from({ length: n }, () => rng.nextFloat());
  for (const k of [100, 200, 500]) values[k] = 100;
  const ts = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString());
  const d = shallowOutliers(values, ts, opts);
  for (const k of [100, 200, 500]) assert.ok(d.anomalous[k], `spike at ${k}`);
  assert.ok(d.anomalous.filter(Boolean).length <= 4, "the spikes and at most one more (the detector's end of learning, see above)");
  for (const k of [100, 200, 500]) assert.ok(d.scores[k]! >= 0.53, `score of the spike at ${k}: ${d.scores[k]}`);
});

test("15σ spikes in a week of minutes are found anywhere: zero crossing, daily peak, trough, last point", () => {
  // The detector flags a spike on its row, or (when its one-row surprise stays under the alarm
  // level) up to 10 rows later, when the shift component's 10-row average reaches it.
  const spikes = [5040, 1440 * 3 + 360, 1440 * 4 + 1080, 10_079];
  for (const seed of [1, 2, 3]) {
    const { timestamps, values } = series(10080, seed);
    for (const k of spikes) values[k] += 3e5;
    const d = shallowOutliers(values, timestamps, opts);
    const flagged = d.anomalous.flatMap((a, i) => (a ? [i] : []));
    for (const k of spikes) assert.ok(flagged.some((i) => i >= k && i <= k + 10), `seed ${seed}: spike at ${k}; flagged ${flagged}`);
    assert.ok(flagged.length <= spikes.length + 4, `seed ${seed}: ${flagged}`);
  }
});

test("deterministic, expected = smoothed value, predicted for every row in input order", async () => {
  const { timestamps, values } = series(300, 11);
  values[150] *= 3;
  const model = new ShallowModel(opts);
  const a = await model.run(rowsOf(timestamps, values), "bytes");
  const b = await model.run(rowsOf(timestamps, values), "bytes");
  assert.equal(a, b);
  const smoothed = smoothSeries(values);
  assert.equal(a.predicted.map((p) => p.timestamp), timestamps);
  assert.equal(a.predicted.map((p) => p.forecast), [...smoothed]);
  assert.ok(a.anomalies.some((x) => x.timestamp === timestamps[150]));
  for (const x of a.anomalies) {
    const i = timestamps.indexOf(x.timestamp);
    assert.is(x.expected, smoothed[i]);
    assert.is(x.value, values[i]);
  }
});

test("the upstream test data (239 hourly points) flags the point sklearn flags", async () => {
  const rows = readFixtureJson("upstream/shallow_outliers_test_data.json") as TimeseriesRow[];
  const r = await new ShallowModel(opts).run(rows, "bytes");
  // golden/shallow_smoothing.json compute_json_test_data_informational: sklearn 1.2.1 flags 2024-05-31T08:00,
  // the peak of a burst that starts at 07:00 (656 MB, then 3.8 GB, after hours of at most 19 MB);
  // the detector's warm-up guard flags its first row, 07:00 (and holds the next): earlier, as NAB rewards.
  assert.ok(r.anomalies.some((a) => a.timestamp === "2024-05-31T07:00:00.000Z"), JSON.stringify(r.anomalies));
  assert.ok(r.anomalies.length <= Math.ceil(0.01 * rows.length) + 1);
});

test("short series (2 … 12 points, with a spike) run and answer every row", async () => {
  for (let n = 2; n <= 12; n++) {
    const ts = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString());
    const values = ts.map((_, i) => (i === n - 1 ? 1000 : 10 + (i % 3)));
    const r = await new ShallowModel(opts).run(rowsOf(ts, values), "bytes");
    assert.is(r.predicted.length, n);
    assert.ok(r.predicted.every((p) => Number.isFinite(p.forecast)), `n = ${n}`);
    assert.ok(r.anomalies.length <= 1);
  }
});

test("fewer than two points is refused with a message", async () => {
  try {
    await new ShallowModel(opts).run([{ timestamp: "2024-01-01T00:00:00Z", result: { bytes: 1 } }], "bytes");
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).name, "ModelInputError");
    assert.match((e as Error).message, /at least 2 points/);
  }
});

test("contamination caps the count; the residual test judges the learning rows", () => {
  // 30 spikes, cap = ceil(0.01·1439) = 15: at most 15 rows flagged; in the detector's 100
  // learning rows the residual test flags exactly the spikes there.
  const spiked = series(1440, 1);
  const spikes = Array.from({ length: 30 }, (_, j) => 20 + j * 47);
  spikes.forEach((k, j) => (spiked.values[k] += (j === 7 ? 2e6 : 2e5 + 1e4 * j)));
  const e = shallowOutliers(spiked.values, spiked.timestamps, opts);
  const flagged = e.anomalous.flatMap((a, i) => (a ? [i] : []));
  assert.ok(flagged.length <= contaminationCap(1440, 0.01), `${flagged.length} flagged`);
  const learning = (i: number) => i < TRAFFIC_LEARNING_ROWS;
  assert.equal(flagged.filter(learning), spikes.filter(learning));
  for (const i of flagged.filter(learning)) assert.ok(e.scores[i]! > opts.sensitivity, "a residual-test flag scores above sensitivity");
  // A window of the learning rows alone with a cap of 1 (two spikes confirmed): one of them, ranked
  // by score and residual z-score.
  const one = shallowOutliers(spiked.values.slice(0, TRAFFIC_LEARNING_ROWS), spiked.timestamps.slice(0, TRAFFIC_LEARNING_ROWS), { ...opts, contamination: 0.5 / 99 });
  const kept = one.anomalous.flatMap((a, i) => (a ? [i] : []));
  assert.is(kept.length, 1);
  assert.ok(spikes.includes(kept[0]!), String(kept));
});

test("scores: in [0, 1], 4 decimals, one per row", () => {
  const { timestamps, values } = series(1440, 4);
  values[700] += 4e5;
  const d = shallowOutliers(values, timestamps, opts);
  assert.is(d.scores.length, 1440);
  for (const x of d.scores) assert.ok(x >= 0 && x <= 1 && Math.round(x * 1e4) / 1e4 === x, String(x));
  assert.ok(d.anomalous[700]);
});

test("locallyDetrended = r minus the median of the ±5 neighbours (reference by sorting), edges truncated", () => {
  const rng = new Rng(9);
  const r = Float64Array.from({ length: 40 }, () => Math.round(rng.nextFloat() * 20));
  const got = locallyDetrended(r);
  for (let i = 0; i < r.length; i++) {
    const nb = [...r.slice(Math.max(0, i - 5), i), ...r.slice(i + 1, Math.min(r.length, i + 6))].sort((a, b) => a - b);
    const m = nb.length >> 1;
    const med = nb.length % 2 ? nb[m]! : (nb[m - 1]! + nb[m]!) / 2;
    assert.is(got[i], r[i]! - med, `i = ${i}`);
  }
});

test("locallyDetrended leaves a point out of its own baseline", () => {
  const r = Float64Array.from([0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0]);
  assert.is(locallyDetrended(r)[5], 10);
  assert.is(locallyDetrended(r)[4], 0);
});

test.run();
