// The 1-D Kalman filter against golden/kalman_1d.json (filterpy, Q = 0.001, R = 1, x0 = 0, P0 = 1).
// test/fixtures/golden/README.md §3: relative 1e-12, bit-exact possible in filterpy's operation
// order; we assert bit-exactness for x and P because the operation order is the same.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readGolden } from "../../test/support/golden";
import { initialKalmanState, kalmanFilter1d, kalmanStep } from "./kalman";

const golden = readGolden("kalman_1d.json") as { sequences: { name: string; z: number[]; x: number[]; P: number[]; K: number[]; final_P: number }[] };

test("filtered values of every golden sequence, bit for bit", () => {
  assert.is(golden.sequences.length, 10);
  for (const s of golden.sequences) assert.equal(kalmanFilter1d(s.z), s.x, s.name);
});

test("covariance and gain after every update and the final P, bit for bit", () => {
  for (const s of golden.sequences) {
    const state = initialKalmanState();
    const gain = { K: NaN };
    s.z.forEach((z, i) => {
      kalmanStep(state, z, gain);
      assert.is(state.P, s.P[i], `${s.name} P[${i}]`);
      assert.is(gain.K, s.K[i], `${s.name} K[${i}]`);
    });
    assert.is(state.P, s.final_P, s.name);
  }
});

test("the streaming state resumes through JSON", () => {
  const z = golden.sequences.find((s) => s.z.length > 100)!.z;
  const a = initialKalmanState();
  const first = z.slice(0, 50).map((v) => kalmanStep(a, v));
  const b = JSON.parse(JSON.stringify(a));
  const rest = z.slice(50).map((v) => kalmanStep(b, v));
  assert.equal([...first, ...rest], kalmanFilter1d(z));
});

test.run();
