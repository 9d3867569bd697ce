// The cad-ose pipeline around the core: the learning period that sets the range (then replayed),
// the memory bound, and refusal of bad options and states. The shared contract (scores, labels,
// timestamps, determinism, JSON round trip, bounded state) is pipeline-contract.test.ts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../rng";
import { CAD_OSE_DEFAULTS, cadOseStep, newCadOse } from "./cad-ose-core";
import { CadOsePipeline } from "./cad-ose-pipeline";

const ts = (i: number) => `2024-01-01T00:00:${String(i).padStart(6, "0")}Z`;

function series(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => 10 * Math.sin(i / 8) + rng.nextFloat() + (i > 500 ? 30 : 0));
}

test("learning: scores 0 until the range is learned, then as the core over every value with that range", () => {
  const values = series(800, 1);
  const p = new CadOsePipeline({ learningRows: 100, restRows: 40, widenMargin: null, maxContexts: 1 << 20 });
  const out = values.map((v, i) => p.update(v, ts(i)));
  out.slice(0, 99).forEach((d) => assert.equal([d.scores[0], d.retrained], [0, false]));
  assert.ok(out[99].retrained, "the range is set at the last learning value");
  const learned = values.slice(0, 100);
  const params = { ...CAD_OSE_DEFAULTS, restRows: 40, minValue: Math.min(...learned), maxValue: Math.max(...learned) };
  const core = newCadOse();
  const expected = values.map((v) => cadOseStep(core, v, params));
  assert.equal(out.slice(99).map((d) => d.scores[0]), expected.slice(99));
  assert.ok(out.some((d) => d.labels[0] === 1), "the level shift beyond the learned range is flagged");
});

test("a value outside the range widens it and rebuilds the memory from the latest values", () => {
  const values = series(800, 4);
  const p = new CadOsePipeline({ learningRows: 100, restRows: 40, widenMargin: 0.1, maxContexts: 1 << 20 });
  const out = values.map((v, i) => p.update(v, ts(i)));
  const learned = values.slice(0, 100);
  let min = Math.min(...learned), max = Math.max(...learned);
  const widenedAt = values.findIndex((v, i) => i >= 100 && (v < min || v > max));
  assert.ok(widenedAt > 100 && out[widenedAt].retrained && !out[widenedAt - 1].retrained);
  // The same step by hand: the range widened by 10% past the new extreme, the last 99 values
  // replayed, the rest-period count carried over.
  const core = newCadOse();
  const params = { ...CAD_OSE_DEFAULTS, restRows: 40, minValue: min, maxValue: max };
  values.slice(0, widenedAt).forEach((v) => cadOseStep(core, v, params));
  const x = values[widenedAt];
  if (x > max) max = x + 0.1 * (x - min);
  else min = x - 0.1 * (max - x);
  const rebuilt = newCadOse();
  const widened = { ...params, minValue: min, maxValue: max };
  values.slice(widenedAt - 99, widenedAt).forEach((v) => cadOseStep(rebuilt, v, widened));
  rebuilt.sinceHigh = core.sinceHigh;
  assert.is(out[widenedAt].scores[0], cadOseStep(rebuilt, x, widened));
});

test("the memory is cleared at maxContexts, so the state stays bounded", () => {
  const rng = new Rng(2);
  const p = new CadOsePipeline({ learningRows: 20, maxContexts: 200 });
  let resets = 0, largest = 0;
  for (let i = 0; i < 3000; i++) {
    if (p.update(rng.nextFloat(), ts(i)).retrained) resets++;
    if (i % 50 === 0) largest = Math.max(largest, JSON.stringify(p.toJSON()).length);
  }
  assert.ok(resets > 2, `${resets} resets`);
  assert.ok(largest < 20_000, `state of ${largest} characters`);
  // The default bound: 16 contexts per learning row, within [1024, 4096].
  assert.equal([24, 100, 300].map((learningRows) => new CadOsePipeline({ learningRows }).toJSON().settings.maxContexts), [1024, 1600, 4096]);
});

test("extreme values keep the range finite and the scores in [0, 1]", () => {
  const p = new CadOsePipeline({ learningRows: 10 });
  [...series(40, 5), 1.7e308, -1.7e308, 5, 1e300, -1e-300, 3].forEach((v, i) => {
    const s = p.update(v, ts(i)).scores[0];
    assert.ok(s >= 0 && s <= 1, `score ${s} at ${i}`);
  });
  const range = p.toJSON().range!;
  assert.ok(range.every(Number.isFinite), `range ${range}`);
});

test("bad options and states are refused with what was wrong", () => {
  assert.throws(() => new CadOsePipeline({ learningRows: 1 }), /learningRows/);
  assert.throws(() => new CadOsePipeline({ threshold: 0 }), /threshold/);
  assert.throws(() => new CadOsePipeline({ restRows: 0.5 }), /restRows/);
  const p = new CadOsePipeline({ learningRows: 20 });
  series(300, 3).forEach((v, i) => p.update(v, ts(i)));
  const good = JSON.parse(JSON.stringify(p.toJSON()));
  assert.throws(() => CadOsePipeline.restore({ ...good, version: 99 }), /version 99/);
  assert.throws(() => CadOsePipeline.restore({ ...good, kind: "default" }), /not a cad-ose state/);
  assert.throws(() => CadOsePipeline.restore({ ...good, range: [1] }), /range/);
  const memory = good.core.memory;
  assert.throws(() => CadOsePipeline.restore({ ...good, core: { ...good.core, memory: { ...memory, ctxLeft: "AAAAAA==" } } }), /differ in length/);
  assert.throws(() => CadOsePipeline.restore({ ...good, core: { ...good.core, memory: { ...memory, zeroLevel: "not base64!" } } }), /base64/);
  assert.throws(() => CadOsePipeline.restore({ ...good, core: { ...good.core, sinceHigh: -1 } }), /core/);
  assert.is(JSON.stringify(CadOsePipeline.restore(good).toJSON()), JSON.stringify(good));
});

test.run();
