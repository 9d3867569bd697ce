// Wilcoxon signed-rank (zsplit) against golden/wilcoxon_zsplit.json (scipy 1.10.1). Tolerances from
// test/fixtures/golden/README.md §2: statistic exact; d = around(x - y, 3) bit-exact; method exact;
// exact-method p relative 1e-12; approximate p absolute 1e-12, or relative 1e-9 when p < 1e-6.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readGolden, closeRel, closeAbs } from "../../test/support/golden";
import { wilcoxonSignedRank } from "./wilcoxon";
import { roundedDifferences } from "./drift";

interface Case {
  name: string;
  x: number[];
  y: number[];
  d: number[];
  statistic: number;
  pvalue: number;
  details: {
    method: "exact" | "approx";
    n_zero: number;
    r_plus: number;
    r_minus: number;
    tie_group_sizes: number[];
    exact_p_scipy1_10_trunc?: number;
    exact_p_ceil_floor_gh19872?: number;
  };
}
const cases = readGolden("wilcoxon_zsplit.json").cases as Case[];

test("d = around(x - y, 3), bit for bit, for all 42 cases", () => {
  assert.is(cases.length, 42);
  for (const c of cases) {
    const d = Array.from(roundedDifferences(c.x, c.y));
    d.forEach((v, i) => assert.ok(Object.is(v, c.d[i]), `${c.name} d[${i}]: ${v} vs ${c.d[i]}`));
  }
});

test("statistic, method, ranks and p-value of every case", () => {
  for (const c of cases) {
    const r = wilcoxonSignedRank(c.d, { zeroMethod: "zsplit" });
    assert.is(r.method, c.details.method, `${c.name} method`);
    assert.is(r.statistic, c.statistic, `${c.name} statistic`);
    assert.is(r.rPlus, c.details.r_plus, `${c.name} r_plus`);
    assert.is(r.rMinus, c.details.r_minus, `${c.name} r_minus`);
    assert.is(r.nZero, c.details.n_zero, `${c.name} n_zero`);
    assert.equal([...r.tieGroupSizes].sort((a, b) => a - b), [...c.details.tie_group_sizes].sort((a, b) => a - b), `${c.name} ties`);
    const ok = r.method === "exact"
      ? closeRel(r.pvalue, c.pvalue, 1e-12)
      : c.pvalue < 1e-6 ? closeRel(r.pvalue, c.pvalue, 1e-9) : closeAbs(r.pvalue, c.pvalue, 1e-12);
    assert.ok(ok, `${c.name} p ${r.pvalue} vs ${c.pvalue}`);
  }
});

test("exact p follows scipy 1.10 (truncated r_plus), not the later gh-19872 rule", () => {
  const c = cases.find((c) => c.name === "n12_ties_fractional_rplus_low")!;
  assert.ok(c.details.exact_p_scipy1_10_trunc !== c.details.exact_p_ceil_floor_gh19872);
  const r = wilcoxonSignedRank(c.d, { zeroMethod: "zsplit" });
  assert.is(r.pvalue, c.details.exact_p_scipy1_10_trunc);
});

test("method rule: exact iff n <= 50 and no zeros; ties allowed", () => {
  const withTies = [1, 1, 2, 2, 3, -4, 5, 6, 7, 8];
  assert.is(wilcoxonSignedRank(withTies, { zeroMethod: "zsplit" }).method, "exact");
  assert.is(wilcoxonSignedRank([0, ...withTies], { zeroMethod: "zsplit" }).method, "approx");
  const n51 = Array.from({ length: 51 }, (_, i) => (i % 2 ? i + 1 : -(i + 1)));
  assert.is(wilcoxonSignedRank(n51, { zeroMethod: "zsplit" }).method, "approx");
  assert.is(wilcoxonSignedRank(n51.slice(0, 50), { zeroMethod: "zsplit" }).method, "exact");
});

test("all zeros: z = 0, p = 1", () => {
  const r = wilcoxonSignedRank(new Array(20).fill(0), { zeroMethod: "zsplit" });
  assert.is(r.pvalue, 1);
  assert.is(r.statistic, 105);
});

test.run();
