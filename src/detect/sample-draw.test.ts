import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "./rng";
import { drawSample, identity, restoreIdentity } from "./sample-draw";

test("drawSample: m distinct rows of 0..n-1 with their indicator; restoreIdentity undoes it", () => {
  const rng = new Rng(7);
  for (const [n, m] of [[1, 1], [10, 10], [10, 3], [10_080, 256]] as const) {
    const order = identity(n), chosen = new Uint8Array(n);
    for (let draw = 0; draw < 20; draw++) {
      drawSample(rng, order, n, m, chosen);
      const picked = Array.from(order.subarray(0, m));
      assert.is(new Set(picked).size, m, "distinct");
      assert.ok(picked.every((i) => i >= 0 && i < n), "in range");
      assert.is(chosen.reduce((a, b) => a + b, 0), m, "indicator counts m");
      assert.ok(picked.every((i) => chosen[i] === 1), "indicator marks the picked");
      restoreIdentity(order, m);
      assert.equal(order, identity(n), "identity again");
    }
  }
});

test("drawSample: every row equally likely (chi-square over 4,000 draws of 3 of 8)", () => {
  const rng = new Rng(11), n = 8, m = 3, counts = new Array<number>(n).fill(0);
  const order = identity(n);
  for (let k = 0; k < 4000; k++) {
    drawSample(rng, order, n, m);
    for (let i = 0; i < m; i++) counts[order[i]!]!++;
    restoreIdentity(order, m);
  }
  const expected = (4000 * m) / n;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 24.3, `chi-square ${chi2.toFixed(1)} (7 degrees of freedom, p = 0.001 at 24.3)`);
});

test.run();
