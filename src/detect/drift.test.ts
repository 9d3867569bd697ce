// The drift test against golden/drift_decisions.json (kalman-mk-iforest's
// MannKendallWilcoxonDriftDetector(0.05, 0.1), pymannkendall HEAD, scipy 1.10.1).
// test/fixtures/golden/README.md §4: every boolean must match exactly (the MK and Wilcoxon numbers
// at §1/§2 tolerances), except the pair flagged ill_conditioned_acf, whose decision is unstable by
// construction.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readGolden, num, closeRel, closeAbs } from "../../test/support/golden";
import { DriftDetector, driftReport } from "./drift";

interface Pair {
  name: string;
  x: number[];
  y: number[];
  d: number[];
  mk: { h: boolean; slope: number; s: number; z: unknown; p: unknown; trend: string };
  wilcoxon: { statistic: number; pvalue: number; method: string };
  mk_trend_condition: boolean;
  wilcoxon_condition: boolean;
  drift: boolean;
  ill_conditioned_acf: boolean;
  v1_4_3?: { mk_diff: Record<string, unknown>; drift: boolean };
}
const golden = readGolden("drift_decisions.json");
const pairs = golden.pairs as Pair[];
const opts = { alpha: golden.alpha as number, slopeThreshold: golden.slope_threshold as number };

test("every pair: d, MK, Wilcoxon, both conditions and the decision", () => {
  assert.is(pairs.length, 33);
  for (const p of pairs) {
    const r = driftReport(p.x, p.y, opts);
    Array.from(r.d).forEach((v, i) => assert.ok(Object.is(v, p.d[i]), `${p.name} d[${i}]`));
    assert.is(r.mk.s, p.mk.s, `${p.name} s`);
    assert.is(r.mk.slope, p.mk.slope, `${p.name} slope`);
    assert.is(r.wilcoxon.statistic, p.wilcoxon.statistic, `${p.name} W`);
    assert.is(r.wilcoxon.method, p.wilcoxon.method, `${p.name} method`);
    const wp = p.wilcoxon.pvalue;
    assert.ok(r.wilcoxon.method === "exact" ? closeRel(r.wilcoxon.pvalue, wp, 1e-12)
      : wp < 1e-6 ? closeRel(r.wilcoxon.pvalue, wp, 1e-9) : closeAbs(r.wilcoxon.pvalue, wp, 1e-12), `${p.name} Wilcoxon p`);
    assert.is(r.wilcoxonCondition, p.wilcoxon_condition, `${p.name} wilcoxon_condition`);
    if (p.ill_conditioned_acf) continue;
    assert.ok(closeRel(r.mk.z, num(p.mk.z), 1e-9), `${p.name} z`);
    assert.is(r.mk.h, p.mk.h, `${p.name} h`);
    assert.is(r.mkTrendCondition, p.mk_trend_condition, `${p.name} mk_trend_condition`);
    assert.is(r.drift, p.drift, `${p.name} drift`);
  }
});

test("the lazy DriftDetector decides like the full report on every pair", () => {
  const detector = new DriftDetector(opts);
  for (const p of pairs) {
    if (p.ill_conditioned_acf) continue;
    assert.is(detector.detect(p.x, p.y), p.drift, p.name);
  }
});

test("a falling trend never counts (the MK condition is one-sided)", () => {
  const fall = pairs.find((p) => p.mk.trend === "decreasing" && !p.wilcoxon_condition);
  if (fall) assert.is(driftReport(fall.x, fall.y, opts).drift, false, fall.name);
  const x = Array.from({ length: 32 }, (_, i) => -0.5 * i + (i % 3) * 0.01);
  const r = driftReport(x, x, opts);
  assert.is(r.mk.trend, "decreasing");
  assert.is(r.drift, false);
});

test("v1.4.3 mode reproduces the decisions of pymannkendall 1.4.3", () => {
  const v143 = pairs.filter((p) => p.v1_4_3);
  assert.is(v143.length, 5);
  const detector = new DriftDetector({ ...opts, acf: "v1.4.3" });
  for (const p of v143) {
    const r = driftReport(p.x, p.y, { ...opts, acf: "v1.4.3" });
    assert.is(r.drift, p.v1_4_3!.drift, p.name);
    assert.is(detector.detect(p.x, p.y), p.v1_4_3!.drift, `${p.name} lazy`);
    if ("h" in p.v1_4_3!.mk_diff) assert.is(r.mk.h, p.v1_4_3!.mk_diff.h, `${p.name} h`);
  }
  const linear = pairs.find((p) => p.name === "n32_perfect_linear_slope0.5")!;
  assert.is(driftReport(linear.x, linear.y, opts).drift, true);
  assert.is(driftReport(linear.x, linear.y, { ...opts, acf: "v1.4.3" }).drift, false);
});

test.run();
