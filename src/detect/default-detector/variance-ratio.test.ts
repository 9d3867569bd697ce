// The random-walk test on series whose answer is known: seeded random walks, white noise, a
// smooth persistent swing.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../rng";
import { newVarianceRatio, randomWalkZ, varianceRatioStep, type VarianceRatioParams } from "./variance-ratio";

const p: VarianceRatioParams = { lag: 64, memoryRows: 8640 };
const gauss = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r.nextFloat())) * Math.cos(2 * Math.PI * r.nextFloat());

function zAfter(xs: number[]): number {
  const s = newVarianceRatio();
  for (const x of xs) varianceRatioStep(s, x, p);
  return randomWalkZ(s, p);
}

test("random walks: |z| below 2 (the 5 % test) in at least 17 of 20 seeded walks of 3,000 steps", () => {
  // Under the hypothesis z is about N(0, 1): 19 of 20 expected within ±2; 17 allows for the
  // exponential weighting and the small sample (P(fewer than 17) < 2 % for a fair test).
  let inside = 0;
  for (let seed = 0; seed < 20; seed++) {
    const r = new Rng(900 + seed);
    let w = 0;
    if (Math.abs(zAfter(Array.from({ length: 3000 }, () => (w += gauss(r))))) < 2) inside++;
  }
  assert.ok(inside >= 17, `${inside} of 20 walks within |z| < 2`);
});

test("white noise is far from a walk (VR ≈ 2/64, z ≈ -5.8 after 3,000 rows); so is a slow sine + noise (z > 2)", () => {
  const r = new Rng(3);
  const noise = Array.from({ length: 3000 }, () => gauss(r));
  assert.ok(zAfter(noise) < -5, `noise z ${zAfter(noise)}`);
  // A swing with a period of 2,000 rows: its 64-row differences are ~64 aligned steps, VR >> 1.
  const swing = Array.from({ length: 3000 }, (_, i) => 20 * Math.sin((2 * Math.PI * i) / 2000) + 0.1 * gauss(r));
  assert.ok(zAfter(swing) > 2, `swing z ${zAfter(swing)}`);
});

test("a constant or too short series counts as stationary (VR 0), not as a walk", () => {
  assert.ok(zAfter(new Array(500).fill(7)) < -2);
  assert.ok(zAfter([1, 2, 3]) < 0);
});

test.run();
