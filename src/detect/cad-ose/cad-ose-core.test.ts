// The parts of CAD OSE that the NAB agreement test (test/bench/nab/cad-ose-agreement.test.ts)
// does not isolate: quantisation at the ends of and outside the range, a flat range, bad settings.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CAD_OSE_DEFAULTS, cadOseStep, checkCadOseParams, newCadOse, sensorFacts } from "./cad-ose-core";

const p = { ...CAD_OSE_DEFAULTS, minValue: 0, maxValue: 7 };

test("sensor facts: bit k of the level is 2k + bit; outside the range counts as its end", () => {
  assert.equal(sensorFacts(0, p), [0, 2, 4]); // level 0
  assert.equal(sensorFacts(5.9, p), [1, 2, 5]); // level 5 = 101
  assert.equal(sensorFacts(7, p), [1, 3, 5]); // level 7
  assert.equal(sensorFacts(-100, p), [0, 2, 4]);
  assert.equal(sensorFacts(1e300, p), [1, 3, 5]);
  // A flat range: the original then steps by 1 from the minimum.
  const flat = { ...p, minValue: 10, maxValue: 10 };
  assert.equal(sensorFacts(10, flat), [0, 2, 4]);
  assert.equal(sensorFacts(12.5, flat), [0, 3, 4]);
});

test("scores are in [0, 1] and none before restRows steps", () => {
  const s = newCadOse();
  const params = { ...p, restRows: 20 };
  for (let i = 0; i < 400; i++) {
    const score = cadOseStep(s, (i * 7919) % 8, params);
    assert.ok(score >= 0 && score <= 1, `score ${score}`);
    if (i < 20) assert.is(score, 0);
  }
});

test("bad settings are refused", () => {
  assert.throws(() => checkCadOseParams({ ...p, minValue: 1, maxValue: 0 }), /value range/);
  assert.throws(() => checkCadOseParams({ ...p, maxValue: Infinity }), /value range/);
  assert.throws(() => checkCadOseParams({ ...p, restRows: 0 }), /restRows/);
  assert.throws(() => checkCadOseParams({ ...p, valueBits: 16 }), /valueBits/);
  assert.throws(() => checkCadOseParams({ ...p, baseThreshold: 0 }), /baseThreshold/);
});

test.run();
