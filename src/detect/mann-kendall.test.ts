// Mann-Kendall (original, Yue-Wang) and Sen's slope against golden/mann_kendall_yue_wang.json
// (pymannkendall HEAD ec2e3ab). Tolerances from test/fixtures/golden/README.md §1: s, Tau, slope,
// intercept, h and trend exact; var_s and z relative 1e-9 (summation order of the ACF); p absolute
// 1e-12, or relative 1e-6 when p < 1e-10. For the ill-conditioned case only s, Tau, slope,
// intercept.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readGolden, num, closeRel, closeAbs } from "../../test/support/golden";
import { mannKendallOriginal, mannKendallYueWang, type MannKendallResult } from "./mann-kendall";
import { sensSlope } from "./sens-slope";
import { Rng } from "./rng";

interface GoldenMk { trend: string; h: boolean; p: unknown; z: unknown; Tau: number; s: number; var_s: unknown; slope: number; intercept: number }
interface Case {
  name: string;
  x: number[];
  yue_wang: GoldenMk;
  original: GoldenMk;
  sens_slope: { slope: number; intercept: number };
  ill_conditioned_acf: boolean;
  yue_wang_v1_4_3_diff?: Record<string, unknown>;
}
const cases = readGolden("mann_kendall_yue_wang.json").cases as Case[];

function pClose(got: number, want: number): boolean {
  if (!Number.isNaN(want) && want < 1e-10) return closeRel(got, want, 1e-6);
  return closeAbs(got, want, 1e-12);
}

function assertMk(got: MannKendallResult, want: GoldenMk, label: string, illConditioned = false): void {
  assert.is(got.s, want.s, `${label} s`);
  assert.is(got.tau, want.Tau, `${label} Tau`);
  assert.is(got.slope, want.slope, `${label} slope`);
  assert.is(got.intercept, want.intercept, `${label} intercept`);
  if (illConditioned) return;
  assert.ok(closeRel(got.varS, num(want.var_s), 1e-9), `${label} var_s ${got.varS} vs ${want.var_s}`);
  assert.ok(closeRel(got.z, num(want.z), 1e-9), `${label} z ${got.z} vs ${want.z}`);
  assert.ok(pClose(got.p, num(want.p)), `${label} p ${got.p} vs ${want.p}`);
  assert.is(got.h, want.h, `${label} h`);
  assert.is(got.trend, want.trend, `${label} trend`);
}

test("yue_wang_modification_test on all 40 golden cases", () => {
  assert.is(cases.length, 40);
  for (const c of cases) assertMk(mannKendallYueWang(c.x), c.yue_wang, `${c.name} yue_wang`, c.ill_conditioned_acf);
});

test("original_test on all golden cases", () => {
  for (const c of cases) assertMk(mannKendallOriginal(c.x), c.original, `${c.name} original`);
});

test("sens_slope on all golden cases, exact", () => {
  for (const c of cases) assert.equal(sensSlope(c.x), c.sens_slope, c.name);
});

test("Sen's slope equals the sorted-median of all pairwise slopes bit for bit (random, tied, trending data)", () => {
  const rng = new Rng(42);
  const naive = (x: number[]) => {
    const d: number[] = [];
    for (let i = 0; i < x.length - 1; i++) for (let j = i + 1; j < x.length; j++) d.push((x[j] - x[i]) / (j - i));
    d.sort((a, b) => a - b);
    const h = d.length >> 1;
    return d.length % 2 ? d[h] : (d[h - 1] + d[h]) / 2;
  };
  for (const n of [2, 3, 10, 64, 65, 97, 200, 333, 512]) {
    const inputs = [
      Array.from({ length: n }, () => rng.nextFloat() - 0.5),
      Array.from({ length: n }, () => Math.round(rng.nextFloat() * 4)), // heavy ties
      Array.from({ length: n }, (_, i) => 0.01 * i + (rng.nextFloat() < 0.1 ? 5 : 0)),
      Array.from({ length: n }, (_, i) => 1e6 + 0.5 * i), // exact slope ties far from zero
      Array.from({ length: n }, () => 7), // all slopes 0
    ];
    for (const x of inputs) assert.is(sensSlope(x).slope, naive(x), `n=${n} ${x.slice(0, 3).join(",")}`);
  }
});

test("v1.4.3 mode reproduces the fields tag v1.4.3 returns differently", () => {
  const diffCases = cases.filter((c) => c.yue_wang_v1_4_3_diff);
  assert.is(diffCases.length, 4);
  const key: Record<string, keyof MannKendallResult> = { var_s: "varS", Tau: "tau" };
  for (const c of diffCases) {
    const want = { ...c.yue_wang, ...c.yue_wang_v1_4_3_diff } as GoldenMk;
    const got = mannKendallYueWang(c.x, 0.05, { acf: "v1.4.3" });
    assertMk(got, want, `${c.name} v1.4.3`);
    for (const f of Object.keys(c.yue_wang_v1_4_3_diff!)) {
      const g = got[key[f] ?? (f as keyof MannKendallResult)];
      assert.ok(typeof g !== "number" || Number.isNaN(num((c.yue_wang_v1_4_3_diff as Record<string, unknown>)[f])) === Number.isNaN(g), `${c.name} ${f}`);
    }
  }
  // Cases without a listed difference agree between the two modes.
  for (const c of cases.filter((c) => !c.yue_wang_v1_4_3_diff && !c.ill_conditioned_acf)) {
    assertMk(mannKendallYueWang(c.x, 0.05, { acf: "v1.4.3" }), c.yue_wang, `${c.name} v1.4.3 same`);
  }
});

test("alpha changes only the decision: h iff p < alpha", () => {
  const c = cases.find((c) => { const p = num(c.yue_wang.p); return p > 0.01 && p < 0.4; })!;
  const p = num(c.yue_wang.p);
  const strict = mannKendallYueWang(c.x, p / 2);
  const loose = mannKendallYueWang(c.x, p * 2);
  assert.is(strict.z, loose.z);
  assert.is(strict.h, false);
  assert.is(loose.h, true);
});

test("rejects too-short or non-finite input", () => {
  assert.throws(() => mannKendallYueWang([1]), /at least 2/);
  assert.throws(() => mannKendallYueWang([1, NaN, 2]), /finite/);
});

test.run();
