// Golden tests of the autoencoder preprocessing against the original's numpy/pandas helpers
// (golden/autoencoder_prep.json, test/fixtures/golden/README.md §6). Tolerances as the README
// recommends: relative 1e-12 for rescale/descale (tanh/log1p/expm1/atanh differ from numpy's libm
// by a few ulp), exact for slice/flatten (the same additions and divisions in the same order).
import { test } from "uvu";
import { readFixtureJson } from "../../test/support/fixtures";
import * as assert from "uvu/assert";
import { fromRows, toRows } from "./matrix";
import { descale, flatten, rescale, slice, sliceStarts } from "./preprocess";
import { buildFeatures } from "./features";
import type { TimeseriesRow } from "../detect/traffic-model";

const golden = readFixtureJson("golden/autoencoder_prep.json");
const num = (v: number | string) => (typeof v === "string" ? Number(v) : v);

function close(actual: number, expected: number | string, rel: number, what: string) {
  const e = num(expected);
  if (Object.is(actual, e) || actual === e) return;
  if (!Number.isFinite(e)) assert.is(actual, e, what);
  const tol = rel * Math.max(Math.abs(e), Number.MIN_VALUE);
  assert.ok(Math.abs(actual - e) <= tol, `${what}: ${actual} vs ${e}`);
}

function closeRows(actual: number[][], expected: (number | string)[][], rel: number, what: string) {
  assert.is(actual.length, expected.length, `${what}: rows`);
  actual.forEach((row, i) => row.forEach((v, j) => close(v, expected[i][j], rel, `${what}[${i}][${j}]`)));
}

const ops = golden.ops as Record<string, any>[];

test("rescale: tanh(log1p(v)/32) on metrics, minute/1440, rest unchanged (rel 1e-12)", () => {
  const op = ops.find((o) => o.op === "rescale")!;
  const out = rescale(fromRows(op.input), op.metrics.length);
  closeRows(toRows(out), op.output, 1e-12, "rescale");
});

test("descale: clip to [-1,1], expm1(32·atanh) on metrics, minute·1440 (rel 1e-12, 1 -> Infinity)", () => {
  const op = ops.find((o) => o.op === "descale")!;
  const out = descale(fromRows(op.input), op.metrics.length);
  closeRows(toRows(out), op.output, 1e-12, "descale");
});

test("slice + flatten for every (window_size, num_window) setting: exact", () => {
  const cases = ops.filter((o) => o.op === "slice+flatten");
  assert.is(cases.length, 4);
  for (const op of cases) {
    const m = fromRows(op.input);
    const length = op.window_size * op.num_window;
    const starts = sliceStarts(m.rows, op.window_size, op.num_window, false);
    const sliced = slice(m, starts, length);
    assert.equal([starts.length, length, m.cols], op.slice_output_shape);
    assert.equal(Array.from(sliced), op.slice_output.flat(2));
    const flat = flatten(sliced, starts, length, m.cols);
    assert.equal([flat.rows, flat.cols], op.flatten_output_shape);
    assert.equal(toRows(flat), op.flatten_output);
  }
});

test("flatten averages overlapping slice rows (exact)", () => {
  const op = ops.find((o) => o.op === "flatten")!;
  const [n, len, cols] = [op.input.length, op.input[0].length, op.input[0][0].length];
  const starts = Array.from({ length: n }, (_, i) => i * op.window_size);
  assert.equal(toRows(flatten(op.input.flat(2), starts, len, cols)), op.output);
});

test("slice at chosen starts (slice_with_index): exact", () => {
  const op = ops.find((o) => o.op === "slice_with_index")!;
  const length = op.window_size * op.num_window;
  assert.equal(Array.from(slice(fromRows(op.input), op.index, length)), op.output.flat(2));
});

test("an end-aligned slice covers rows that do not divide into windows", () => {
  assert.equal(sliceStarts(64, 16, 2), [0, 16, 32]);
  assert.equal(sliceStarts(60, 16, 2), [0, 16, 28]);
  assert.equal(sliceStarts(60, 16, 2, false), [0, 16]);
  assert.equal(sliceStarts(32, 16, 2), [0]);
  assert.equal(sliceStarts(31, 16, 2), []);
  assert.is(sliceStarts(1440, 16, 2).length, 89);
});

function rawRowsOf(c: any): TimeseriesRow[] {
  if (c.raw_rows) return c.raw_rows;
  const file = readFixtureJson("upstream/outliers_test_data.json");
  return file.slice(0, c.n_rows);
}

for (const c of golden.input_json_cases as any[]) {
  test(`input_json '${c.name}': matrix exact, rescaled rel 1e-12, original weekday encoding`, () => {
    const metrics = golden.traffic_ini.metrics as string[];
    const spec = { metrics, timestamp: golden.traffic_ini.timestamp, weekdayEncoding: "drop-first-present" as const };
    assert.equal([...metrics, ...spec.timestamp], c.columns);
    const rows = rawRowsOf(c);
    assert.equal(rows.map((r) => r.timestamp), c.timestamps);
    const m = buildFeatures(rows, spec);
    assert.equal(toRows(m), c.matrix);
    closeRows(toRows(rescale(m, metrics.length)), c.rescaled, 1e-12, "rescaled");
    const starts = sliceStarts(m.rows, golden.traffic_ini.window_size, golden.traffic_ini.num_window, false);
    assert.equal([starts.length, 32, 20], c.sliced_shape);
  });
}

test("our own models' weekday encoding is a full one-hot, Monday = 0, on the timestamp's wall clock", () => {
  const rows: TimeseriesRow[] = [
    { timestamp: "2024-05-26T23:30:00.000Z", result: { bytes: 1 } }, // Sunday UTC
    { timestamp: "2024-05-27T01:30:00+02:00", result: { bytes: 2 } }, // Monday 01:30 local (Sunday UTC)
    { timestamp: "2024-05-27T00:30:00.000Z", result: {} }, // Monday, metric absent -> 0
  ];
  const spec = { metrics: ["bytes", "granularity"], timestamp: ["minute", ...Array.from({ length: 7 }, (_, d) => `weekday_${d}`)], weekdayEncoding: "one-hot" as const };
  assert.equal(toRows(buildFeatures(rows, spec)), [
    [1, 0, 1410, 0, 0, 0, 0, 0, 0, 1],
    [2, 0, 90, 1, 0, 0, 0, 0, 0, 0],
    [0, 60, 30, 1, 0, 0, 0, 0, 0, 0],
  ]);
  const original = buildFeatures(rows, { ...spec, weekdayEncoding: "drop-first-present" });
  assert.equal(toRows(original).map((r) => r.slice(3)), [[0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]]);
});

test.run();
