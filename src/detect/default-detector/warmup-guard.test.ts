// The warm-up guard's robust z-score on values whose median and MAD are known by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GUARD_Z, guardScore, robustZ } from "./warmup-guard";

test("robust z: distance from the median in units of 1.4826 MAD", () => {
  // [5, 1, 4, 2, 3]: median 3, |v - 3| = 2, 2, 1, 1, 0 -> MAD 1 (the order of the values does not matter)
  assert.is(robustZ([5, 1, 4, 2, 3], 3), 0);
  assert.ok(Math.abs(robustZ([5, 1, 4, 2, 3], 3 + 1.4826 * 7) - 7) < 1e-12);
  assert.ok(Math.abs(robustZ([5, 1, 4, 2, 3], 3 - 1.4826 * 7) - 7) < 1e-12, "a drop counts like a rise");
  // even count: median (2 + 3) / 2, MAD = median of 1.5, 0.5, 0.5, 1.5 = 1
  assert.ok(Math.abs(robustZ([1, 2, 3, 4], 2.5 + 1.4826 * 3) - 3) < 1e-12);
  // one outlier in the history barely moves it (a plain standard deviation would triple)
  assert.ok(Math.abs(robustZ([5, 1, 4, 2, 1000], 3 + 1.4826 * 7) - robustZ([5, 1, 4, 2, 6], 3 + 1.4826 * 7)) < 2);
});

test("robust z: flat history; too little history", () => {
  assert.is(robustZ([7, 7, 7, 7], 7), 0);
  assert.is(robustZ([7, 7, 7, 7], 7.001), Infinity);
  assert.is(robustZ([1, 2], 100), 0, "fewer than 3 values: no judgement");
});

test("guard score: the alarm level exactly at GUARD_Z robust SDs, below it under, 1 on a flat history", () => {
  const history = [5, 1, 4, 2, 3];
  for (const level of [0.3, 0.53, 0.8]) {
    assert.ok(guardScore(history, 3 + 1.4826 * GUARD_Z, level) >= level, `level ${level} at z = ${GUARD_Z}`);
    assert.ok(guardScore(history, 3 + 1.4826 * GUARD_Z * 0.99, level) < level, `level ${level} just under`);
  }
  assert.is(guardScore(history, 3, 0.53), 0);
  assert.is(guardScore([7, 7, 7], 8, 0.53), 1);
});

test.run();
