// The Haar transform against hand-computed values in Wavelets.jl's layout and sign convention
// ([a3, d3, d2, d1], detail = (second − first)/√2), and the tap Wavelets.jl ends up with.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HAAR_TAP, haarDwt } from "./haar-dwt";

const transform = (x: number[]) => {
  const out = new Float64Array(x.length);
  haarDwt(Float64Array.from(x), out, new Float64Array(x.length / 2));
  return Array.from(out);
};

test("the tap is 0.7071067811865475 over its 2-norm 0.9999999999999999", () => {
  assert.is(HAAR_TAP, 0.7071067811865476);
});

test("layout and signs for n = 8 (tolerance 1e-15: sums of a few products of size ≤ 8)", () => {
  const x = [1, 3, 2, 2, 0, 4, 5, 1];
  const r = Math.SQRT1_2;
  // level 1 pairs (1,3) (2,2) (0,4) (5,1): scaling (x1+x2)r, detail (x2−x1)r
  const a1 = [4 * r, 4 * r, 4 * r, 6 * r], d1 = [2 * r, 0, 4 * r, -4 * r];
  const a2 = [(a1[0] + a1[1]) * r, (a1[2] + a1[3]) * r], d2 = [(a1[1] - a1[0]) * r, (a1[3] - a1[2]) * r];
  const expected = [(a2[0] + a2[1]) * r, (a2[1] - a2[0]) * r, ...d2, ...d1];
  transform(x).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-15, `coefficient ${i}: ${v} vs ${expected[i]}`));
});

test("a constant has only the scaling coefficient; a step shows in the coarsest detail", () => {
  assert.equal(transform([2, 2, 2, 2]).slice(1), [0, 0, 0]);
  const step = transform([0, 0, 0, 0, 1, 1, 1, 1]);
  assert.ok(step[1] > 0.7 && step.slice(2).every((v) => v === 0), JSON.stringify(step));
});

test.run();
