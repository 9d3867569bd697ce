// Against golden/shallow_smoothing.json (ShallowOutliers.predict of rb-aioutliers, numpy).
// Tolerance: relative 1e-12, or absolute 1e-12·max|arr| (test/fixtures/golden/README.md §5): the
// sums run in a different order than np.convolve, so the last bits may differ.
import { test } from "uvu";
import { readFixtureJson } from "../../test/support/fixtures";
import * as assert from "uvu/assert";
import { convolveDirect, convolveRamps, smoothSeries, smoothingWindow } from "./smoothing";
import { Rng } from "./rng";

const golden = readFixtureJson("golden/shallow_smoothing.json") as {
  predict_cases: { name: string; n: number; arr: number[]; window_size: number; half_size: number; smoothed: (number | string)[] }[];
};

test("window sizes of every golden case", () => {
  for (const c of golden.predict_cases) {
    const w = smoothingWindow(c.n);
    assert.is(w.windowSize, c.window_size, c.name);
    assert.is(w.halfSize, c.half_size, c.name);
  }
});

test("smoothed values of every golden case (n = 1 … 1440)", () => {
  assert.ok(golden.predict_cases.length >= 15);
  for (const c of golden.predict_cases) {
    const got = smoothSeries(c.arr);
    const scale = Math.max(...c.arr.map(Math.abs));
    assert.is(got.length, c.n);
    for (let i = 0; i < c.n; i++) {
      const want = c.smoothed[i]!;
      if (want === "NaN") { assert.ok(Number.isNaN(got[i]), `${c.name}[${i}] NaN`); continue; }
      const w = want as number, g = got[i]!;
      const ok = Math.abs(g - w) <= 1e-12 * Math.abs(w) || Math.abs(g - w) <= 1e-12 * scale;
      assert.ok(ok, `${c.name}[${i}]: ${g} vs ${w}`);
    }
  }
});

test("a constant series smooths to itself", () => {
  assert.equal([...smoothSeries([4, 4, 4, 4, 4, 4])], [4, 4, 4, 4, 4, 4]);
});

test("running ramp sums equal the direct sum on a week of minutes with spikes (1e-12·max|arr|, as the golden)", () => {
  const rng = new Rng(5);
  const n = 10_080, h = smoothingWindow(n).halfSize;
  assert.is(h, 252);
  const p = new Float64Array(n + 2 * h);
  for (let i = 0; i < p.length; i++) p[i] = 1e9 * (1 + Math.sin(i / 229)) + 1e7 * rng.nextFloat();
  p[4000] = 5e12; p[4001] = 0; p[9000] = -3e11;
  const direct = convolveDirect(p, n, h), ramps = convolveRamps(p, n, h);
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(direct[i]! - ramps[i]!));
  assert.ok(worst <= 1e-12 * 5e12, `worst ${worst}`);
});

test.run();
