// AdamW against a hand computation of one step, and its config round trip.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadTf } from "../tf-backend";
import { adamWClass } from "./adamw";

test("one step: w ← w(1 − lr·wd) − lr·m̂/(√v̂ + ε) (decoupled decay, Keras' order)", async () => {
  const tf = await loadTf("cpu");
  const AdamW = adamWClass(tf);
  const w = tf.variable(tf.tensor1d([1, -2, 0.5]), true, "adamw_w");
  const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
  const grad = [0.3, -0.2, 0];
  opt.applyGradients([{ name: "adamw_w", tensor: tf.tensor1d(grad) }]);
  const got = Array.from(w.dataSync());
  // First Adam step: m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε) (0 for g = 0).
  const want = [1, -2, 0.5].map((x, i) => x * (1 - 0.1 * 0.5) - (grad[i] === 0 ? 0 : (0.1 * grad[i]) / (Math.abs(grad[i]) + 1e-7)));
  // float32 arithmetic: 1e-6.
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-6, `w[${i}] ${g} vs ${want[i]}`));
});

test("config round trip keeps the weight decay", async () => {
  const tf = await loadTf("cpu");
  const AdamW = adamWClass(tf);
  const a = new AdamW({ learningRate: 0.01, weightDecay: 0.004, beta1: 0.8 });
  const b = AdamW.fromConfig(AdamW, a.getConfig()) as InstanceType<typeof AdamW>;
  assert.is(b.weightDecay, 0.004);
  assert.equal(b.getConfig(), a.getConfig());
  assert.is(AdamW.className, "AdamW");
});

test.run();
