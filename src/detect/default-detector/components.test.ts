// The default detector's building blocks, each on inputs whose right answer is known.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { likelihoodStep, newLikelihood, type LikelihoodParams } from "./anomaly-likelihood";
import { newNovelty, noveltyStep, type NoveltyParams } from "./context-novelty";
import { newSeasonal, seasonalStep, type SeasonalParams } from "./seasonal-residual";

test("likelihood: 0 while learning, small for ordinary values, 0.5 at a 1e-5 tail", () => {
  const p: LikelihoodParams = { shortWindow: 1, longMemory: 1000, learningRows: 100, minStd: 1e-9, twoSided: false };
  const s = newLikelihood(p);
  // Alternating ±1 around 0: mean 0, variance 1, exactly known moments.
  for (let i = 0; i < 400; i++) {
    const score = likelihoodStep(s, i % 2 ? 1 : -1, p);
    if (i < 100) assert.is(score, 0);
    else assert.ok(score < 0.1, `ordinary value scored ${score}`);
  }
  // z ≈ 4.265 has Q = 1e-5: -ln(1e-5 + 1e-10) / ln(1e10) ≈ 0.5 (to the moments' drift, 1e-2).
  const z = 4.2648907939;
  const score = likelihoodStep(s, Math.sqrt(s.variance) * z + s.mean, p);
  assert.ok(Math.abs(score - 0.5) < 0.01, `score ${score}`);
});

test("likelihood: two-sided scores a drop like a rise; one-sided ignores it", () => {
  const base = { shortWindow: 1, longMemory: 1000, learningRows: 50, minStd: 1e-9 };
  const one = newLikelihood({ ...base, twoSided: false }), two = newLikelihood({ ...base, twoSided: true });
  for (let i = 0; i < 300; i++) {
    likelihoodStep(one, i % 2 ? 1 : -1, { ...base, twoSided: false });
    likelihoodStep(two, i % 2 ? 1 : -1, { ...base, twoSided: true });
  }
  assert.is(likelihoodStep(one, -8, { ...base, twoSided: false }), 0);
  assert.ok(likelihoodStep(two, -8, { ...base, twoSided: true }) > 0.5);
});

test("novelty: a repeated pattern stops being novel, a new value range is fully novel", () => {
  const p: NoveltyParams = { bins: 5, maxOrder: 3, grids: 4, power: 2, tableSize: 4096, halvingRows: 100000, learningRows: 50 };
  const s = newNovelty(p);
  const cycle = [0, 1, 2, 3, 4, 3, 2, 1];
  let last = 1;
  for (let i = 0; i < 800; i++) last = noveltyStep(s, cycle[i % 8], p);
  assert.ok(last < 0.01, `a pattern seen ~90 times still scores ${last}`);
  assert.is(noveltyStep(s, 1000, p), 1, "a value far outside every bin seen: every context is new");
});

test("novelty: waits while the learning values are flat, then fixes bins from the first spread", () => {
  const p: NoveltyParams = { bins: 5, maxOrder: 2, grids: 1, power: 2, tableSize: 1024, halvingRows: 100000, learningRows: 20 };
  const s = newNovelty(p);
  for (let i = 0; i < 100; i++) assert.is(noveltyStep(s, 7, p), 0);
  assert.is(s.width, 0);
  for (let i = 0; i < 20; i++) noveltyStep(s, i % 2 ? 7 : 9, p);
  assert.ok(s.width > 0 && s.warm.length === 0);
});

test("seasonal: a repeating daily shape is predicted; the same value at the wrong hour is not", () => {
  const p: SeasonalParams = { slotAlpha: 0.2, scaleAlpha: 0.01, levelAlpha: 0.01, learningRows: 50 };
  const s = newSeasonal();
  const day = (h: number) => (h >= 8 && h < 20 ? 100 : 10); // busy by day, quiet at night
  const jitter = (i: number) => ((i * 7919) % 13) / 13 - 0.5; // deterministic small noise
  let t = 0;
  for (let i = 0; i < 24 * 12 * 21; i++, t += 300) seasonalStep(s, day(Math.floor((t % 86400) / 3600)) + jitter(i), t, p);
  assert.is(s.slotSeconds, 300);
  const noonOrdinary = seasonalStep(s, 100, t + 12 * 3600 - (t % 86400), p);
  const midnightBusy = seasonalStep(s, 100, t + 86400 - (t % 86400) + 1800, p);
  assert.ok(Math.abs(noonOrdinary) < 3, `noon at 100: residual ${noonOrdinary} scales`);
  assert.ok(midnightBusy > 20, `midnight at 100: residual ${midnightBusy} scales`);
});

test.run();
