// The warm-up guard's robust z-score on values whose median and MAD are known by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GUARD_Z, guardScore as guardScoreOfSorted, robustZ } from "./warmup-guard";

const guardScore = (recent: number[], x: number, level: number) => guardScoreOfSorted(Float64Array.from(recent).sort(), x, level);

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

test("robust z: when the MAD is 0 (over half the window one value), sqrt(pi/2) times the mean absolute deviation", () => {
  // [0 x 6, 10 x 4]: median 0, MAD 0; |v - 0| has mean 4, so the scale is 4 sqrt(pi / 2) = 5.013
  const window = [0, 0, 0, 0, 0, 0, 10, 10, 10, 10];
  assert.ok(Math.abs(robustZ(window, 10) - 10 / (4 * Math.sqrt(Math.PI / 2))) < 1e-12);
  assert.ok(robustZ(window, 60) >= GUARD_Z, "a value far beyond both levels still alarms");
});

test("a square wave holding its new level: one alarm at the step, none while it holds", () => {
  // Issue 12: with the MAD of a half-flat window at 0, the guard re-alarmed every 11 rows.
  const xs = Array.from({ length: 300 }, (_, i) => (Math.floor(i / 100) % 2 === 0 ? 0 : 10));
  const alarms: number[] = [];
  for (let i = 100; i < xs.length; i++) {
    if (i > 100 && alarms.length && i - alarms[alarms.length - 1] <= 10) continue; // the detector's alarm hold
    if (guardScore(xs.slice(i - 100, i), xs[i], 0.53) >= 0.53) alarms.push(i);
  }
  assert.equal(alarms, [100, 200]);
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

test("robust z equals the textbook computation bit for bit (sorts, ties, -0, NaN in the window)", () => {
  // the reference: sort, median, |v - median| sorted again, its median, else their mean
  const med = (v: Float64Array) => (v.length % 2 ? v[v.length >> 1]! : (v[(v.length >> 1) - 1]! + v[v.length >> 1]!) / 2);
  const reference = (recent: number[], x: number) => {
    if (recent.length < 3) return 0;
    const v = Float64Array.from(recent).sort(), m = med(v);
    const dev = Float64Array.from(v, (y) => Math.abs(y - m)).sort();
    const sd = 1.4826 * med(dev) || Math.sqrt(Math.PI / 2) * (dev.reduce((a, b) => a + b, 0) / dev.length);
    const d = Math.abs(x - m);
    return sd > 0 ? d / sd : d > 0 ? Infinity : 0;
  };
  let seed = 4242;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  for (let k = 0; k < 4000; k++) {
    const n = 3 + rand(60), spread = [1, 3, 1000][rand(3)]!;
    const recent = Array.from({ length: n }, () => (rand(50) === 0 ? [NaN, -0, 0][rand(3)]! : rand(spread) / (1 + rand(3))));
    const x = rand(2 * spread) - spread / 2;
    assert.ok(Object.is(robustZ(recent, x), reference(recent, x)), `${JSON.stringify(recent)} x=${x}: ${robustZ(recent, x)} vs ${reference(recent, x)}`);
  }
});

test.run();
