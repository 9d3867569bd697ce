// The dual-vigilance fuzzy ART step: the all-ones first category, learning, the two vigilances,
// and the capacity bound (least recently used category replaced, never the first).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { complementCode, newFuzzyArt, trainArt } from "./fuzzy-art";

const coded = (f: number[]) => {
  const x = new Float64Array(2 * f.length);
  complementCode(Float64Array.from(f), x);
  return x;
};

test("the first sample makes the all-ones category, which matches anything at 0.5³·0.5²", () => {
  const art = newFuzzyArt(2, 8);
  assert.equal(trainArt(art, coded([0.2, 0.4]), 0.8, 0.8, true), { resonant: true, match: 0, energy: 0 });
  assert.is(art.count, 1);
  const out = trainArt(art, coded([0.9, 0.1]), 0.8, 0.8, false);
  assert.equal(out, { resonant: false, match: 0.03125, energy: 0.5 });
  assert.is(art.count, 1, "no learning, no category");
});

test("a mismatch makes a category; the same sample then resonates with M = 1", () => {
  const art = newFuzzyArt(2, 8);
  trainArt(art, coded([0, 0]), 0.8, 0.8, true);
  assert.is(trainArt(art, coded([0.3, 0.6]), 0.8, 0.8, true).resonant, false);
  assert.is(art.count, 2);
  assert.equal(trainArt(art, coded([0.3, 0.6]), 0.8, 0.8, true), { resonant: true, match: 1, energy: 1 });
  assert.is(art.count, 2);
});

test("between the vigilances: a new category that counts as resonant; learning takes the minimum", () => {
  const art = newFuzzyArt(2, 8);
  trainArt(art, coded([0, 0]), 0.5, 0.99, true);
  trainArt(art, coded([0.3, 0.6]), 0.5, 0.99, true);
  // [0.3, 0.62]: fs = (0.3 + 0.6 + 0.7 + 0.38) / 2 = 0.99, es = (0.6 + 0.38) / 1 = 0.98
  const out = trainArt(art, coded([0.3, 0.62]), 0.5, 0.99, true);
  assert.ok(Math.abs(out.match - 0.99 ** 3 * 0.98 ** 2) < 1e-12, String(out.match));
  assert.is(out.resonant, true);
  assert.is(art.count, 3, "below ρ_ub: stored as a new category");
  trainArt(art, coded([0.3, 0.62]), 0.5, 0.9, true); // resonates with categories 1 and 2 now
  assert.equal(Array.from(art.weights.subarray(4, 8)), [0.3, 0.6, 0.7, 0.38], "w ← x ∧ w");
});

test("at capacity the least recently used category is replaced, never the all-ones one", () => {
  const art = newFuzzyArt(1, 3);
  trainArt(art, coded([0]), 0.9, 0.9, true);
  trainArt(art, coded([0.1]), 0.9, 0.9, true); // slot 1
  trainArt(art, coded([0.9]), 0.9, 0.9, true); // slot 2
  trainArt(art, coded([0.1]), 0.9, 0.9, true); // uses slot 1
  trainArt(art, coded([0.5]), 0.9, 0.9, true); // full: replaces slot 2
  assert.is(art.count, 3);
  assert.equal(Array.from(art.weights.subarray(0, 6)), [1, 1, 0.1, 0.9, 0.5, 0.5]);
});

test.run();
