// The sliding pipelines (MKWIForestSlidingPipeline / MKWKIForestSlidingPipeline semantics). No
// golden trace exists for them, so each step's retrain decision is checked against an oracle
// built from plain arrays: the last `window` points (Kalman-filtered over the whole stream when
// the filter is on) tested with driftReport against the window of the last retraining.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "./rng";
import { driftReport } from "./drift";
import { kalmanFilter1d } from "./kalman";
import { createPipeline } from "./pipeline-registry";

function randomWalk(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  let v = 0;
  return Array.from({ length: n }, () => (v += rng.nextFloat() - 0.5));
}

for (const kalman of [false, true]) {
  for (const step of [1, 3]) {
    test(`kalman=${kalman} step=${step}: retrains exactly when the drift test on the window says so`, () => {
      const w = 16;
      const x = randomWalk(600, 4);
      const tested = kalman ? kalmanFilter1d(x) : x;
      const p = createPipeline({ kind: "sliding", kalman, window: w, step });
      let reference: number[] = [];
      let retrains = 0;
      x.forEach((v, i) => {
        const d = p.update(v, `t${i}`);
        if (i < w - 1) return assert.is(d, undefined);
        const win = tested.slice(i - w + 1, i + 1);
        if (i === w - 1) {
          assert.ok(d!.retrained);
          assert.equal(d!.timestamps, x.slice(0, w).map((_, k) => `t${k}`), "the first training decides the whole window");
          reference = win;
          return;
        }
        assert.equal(d!.timestamps, [`t${i}`], "then only the newest point");
        const checks = (i - w) % step === step - 1;
        const expected = checks && driftReport(win, reference, { alpha: 0.05, slopeThreshold: 0.1 }).drift;
        assert.is(d!.retrained, expected, `sample ${i}`);
        if (expected) { reference = win; retrains++; }
      });
      assert.ok(retrains > 3, `a random walk drifts (${retrains} retrains)`);
    });
  }
}

test("labels are |score| > scoreThreshold", () => {
  const x = randomWalk(300, 9).map((v, i) => (i % 50 === 49 ? v + 20 : v));
  for (const scoreThreshold of [0.8, 0.55]) {
    const p = createPipeline({ kind: "sliding", kalman: false, window: 32, scoreThreshold });
    let flagged = 0;
    x.forEach((v, i) => {
      const d = p.update(v, `t${i}`);
      d?.scores.forEach((s, k) => { assert.is(d.labels[k], s > scoreThreshold ? 1 : 0); flagged += d.labels[k]; });
    });
    assert.ok(flagged > 0);
  }
});

test("values beyond float32 range are refused before they touch the state", () => {
  for (const kind of ["batch", "sliding"] as const) {
    const p = createPipeline({ kind, kalman: true, window: 8 });
    for (let i = 0; i < 5; i++) p.update(i, `t${i}`);
    const before = JSON.stringify(p.toJSON());
    assert.throws(() => p.update(1e39, "t5"), /float32/);
    assert.throws(() => p.update(-1e300, "t5"), /float32/);
    assert.is(JSON.stringify(p.toJSON()), before);
    p.update(3e38, "t5"); // the largest magnitudes still work
  }
});

test("invalid options are refused with the reason", () => {
  assert.throws(() => createPipeline({ kind: "sliding", kalman: false, window: 2 }), /window must be an integer >= 3/);
  assert.throws(() => createPipeline({ kind: "sliding", kalman: false, window: 8, step: 0 }), /step/);
  assert.throws(() => createPipeline({ kind: "batch", kalman: false, window: 8, scoreThreshold: 2 }), /scoreThreshold/);
});

test.run();
