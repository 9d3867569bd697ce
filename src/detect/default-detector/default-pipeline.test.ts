// The default detector through the pipeline interface: determinism, exact resume from JSON state,
// strictly online scoring, bounded state, and that it flags what it is built to flag.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../rng";
import { createPipeline, restorePipeline } from "../pipeline-registry";
import type { Pipeline } from "../pipeline-types";
import { DEFAULT_LEARNING_ROWS, MATURE_ROWS } from "./detector-core";
import { DEFAULT_DETECTOR_THRESHOLD } from "./default-pipeline";

const START = Date.UTC(2024, 0, 1) / 1000;
const stamp = (i: number) => new Date((START + 300 * i) * 1000).toISOString().replace("T", " ").slice(0, 19);

/** 5-minute samples: a daily cycle plus Gaussian-ish noise (sum of uniforms), seeded. */
function series(n: number, seed: number, edit?: (i: number, v: number) => number): number[] {
  const rng = new Rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const noise = rng.nextFloat() + rng.nextFloat() + rng.nextFloat() - 1.5;
    const v = 50 + 10 * Math.sin((2 * Math.PI * i) / 288) + 2 * noise;
    out.push(edit ? edit(i, v) : v);
  }
  return out;
}

function run(p: Pipeline, xs: number[], from = 0): number[] {
  const scores: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const d = p.update(xs[i], stamp(from + i))!;
    assert.is(d.scores.length, 1);
    assert.is(d.timestamps[0], stamp(from + i));
    scores.push(d.scores[0]);
  }
  return scores;
}

test("same input, same scores; every score in [0, 1]", () => {
  const xs = series(3000, 7, (i, v) => (i === 2000 ? v + 40 : v));
  const a = run(createPipeline({ kind: "default" }), xs);
  const b = run(createPipeline({ kind: "default" }), xs);
  assert.equal(a, b);
  for (const s of a) assert.ok(s >= 0 && s <= 1, `score ${s}`);
});

test("resumes from its JSON state with identical output, at any point", () => {
  const xs = series(2500, 11, (i, v) => (i > 1800 ? v + 15 : v));
  const whole = run(createPipeline({ kind: "default" }), xs);
  for (const cut of [1, 50, DEFAULT_LEARNING_ROWS, DEFAULT_LEARNING_ROWS + 1, MATURE_ROWS, MATURE_ROWS + 5, MATURE_ROWS + 11, 1200, 1801]) {
    const p = createPipeline({ kind: "default" });
    const head = run(p, xs.slice(0, cut));
    const restored = restorePipeline(JSON.parse(JSON.stringify(p.toJSON())));
    const tail = run(restored, xs.slice(cut), cut);
    assert.equal(head.concat(tail), whole, `cut at ${cut}`);
  }
});

test("scale-free: a series times 4 scores identically; shifted by 1000, within 1e-3", () => {
  const xs = series(3000, 13, (i, v) => (i === 2200 ? v + 30 : v));
  const base = run(createPipeline({ kind: "default" }), xs);
  assert.equal(run(createPipeline({ kind: "default" }), xs.map((v) => v * 4)), base); // exact in binary floating point
  // A shift rounds differently in the last bits of the running moments; over the whole NAB
  // development corpus (values x1000 - 77) the largest score difference measured was 7e-5.
  const shifted = run(createPipeline({ kind: "default" }), xs.map((v) => v + 1000));
  shifted.forEach((s, i) => assert.ok(Math.abs(s - base[i]) < 1e-3, `row ${i}: ${s} vs ${base[i]}`));
});

test("strictly online: a change at row k leaves the scores before k unchanged", () => {
  const k = 1500;
  const a = run(createPipeline({ kind: "default" }), series(2000, 3));
  const b = run(createPipeline({ kind: "default" }), series(2000, 3, (i, v) => (i >= k ? v * 3 : v)));
  assert.equal(a.slice(0, k), b.slice(0, k));
  assert.not.equal(a.slice(k), b.slice(k));
});

test("state size is bounded: it does not grow with the length of the stream", () => {
  const p = createPipeline({ kind: "default" });
  const size = () => JSON.stringify(p.toJSON()).length;
  const xs = series(60000, 5);
  run(p, xs.slice(0, 10000));
  const at10k = size();
  run(p, xs.slice(10000), 10000);
  const at60k = size();
  // Fixed-size tables (context counts, weekly profile) dominate; number formatting may vary a bit.
  assert.ok(at60k <= at10k * 1.1, `state grew from ${at10k} to ${at60k} characters`);
  assert.ok(at60k < 200_000, `state is ${at60k} characters`);
});

test("gives no score while learning, then marks the end of learning as retrained once", () => {
  for (const [options, learning] of [[{}, DEFAULT_LEARNING_ROWS], [{ learningRows: 64 }, 64], [{ learningRows: 500 }, 500]] as const) {
    const p = createPipeline({ kind: "default", ...options });
    const xs = series(1000, 9);
    const retrainedAt: number[] = [];
    xs.forEach((v, i) => {
      const d = p.update(v, stamp(i))!;
      if (i < learning) assert.is(d.scores[0], 0, `learning ${learning}, row ${i}`);
      if (d.retrained) retrainedAt.push(i);
    });
    assert.equal(retrainedAt, [learning - 1], `learning ${learning}`);
  }
});

/** |x - median| / (1.4826 MAD) of `recent`, computed here independently of warmup-guard.ts. */
function tenMadAbove(recent: number[]): number {
  const sorted = recent.slice().sort((a, b) => a - b);
  const mid = (a: number[]) => (a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2);
  const med = mid(sorted);
  const mad = mid(sorted.map((v) => Math.abs(v - med)).sort((a, b) => a - b));
  return med + 10 * 1.4826 * mad;
}

test("no silent warm-up: with window W, a value 10 robust SDs (MAD) from the last W is flagged from sample W + 1", () => {
  // Issue 12 part 4. Daily sine + noise, windows 16, 64 and 100; the spike at the first sample
  // after learning, in the middle of the warm-up and at its last rows before the components take over.
  for (const w of [16, 64, 100]) {
    for (const at of [w, w + 1, 100, 150, 250, MATURE_ROWS + 9]) {
      if (at < w) continue;
      const xs = series(at + 1, 40 + at);
      xs[at] = tenMadAbove(xs.slice(at - w, at));
      const p = createPipeline({ kind: "default", learningRows: w });
      const labels = xs.map((v, i) => p.update(v, stamp(i))!.labels[0]);
      assert.is(labels[at], 1, `window ${w}: spike at sample ${at + 1}`);
      assert.ok(labels.slice(0, at).every((l) => l === 0), `window ${w}: nothing before the spike at ${at + 1}`);
    }
  }
});

test("clean series: nothing flagged within 50 rows after learning or after the hand-over, at most 2 flags over 20 series", () => {
  // Issue 12 part 5: N(0,1), random walk, daily sine + noise (5-minute rows), 5,000 points each,
  // seeded; the target is at most 2 flags in total. Measured: 2 (both on N(0,1), rows 2,631
  // and 4,244: new extremes of the noise), with either learning period; 34 before the random-walk
  // test and the seasonal floor (docs/quality.md, "Issue 12 part 5").
  const gauss = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r.nextFloat())) * Math.cos(2 * Math.PI * r.nextFloat());
  const total = new Map<number, number>();
  for (let k = 0; k < 20; k++) {
    const r = new Rng(500 + k);
    let walk = 0;
    const xs = Array.from({ length: 5000 }, (_, i) => (k % 3 === 0 ? gauss(r) : k % 3 === 1 ? (walk += gauss(r)) : 10 * Math.sin((2 * Math.PI * i) / 288) + gauss(r)));
    for (const w of [undefined, 64]) {
      const p = createPipeline({ kind: "default", ...(w ? { learningRows: w } : {}) });
      const learning = w ?? DEFAULT_LEARNING_ROWS;
      const flagged = xs.flatMap((v, i) => (p.update(v, stamp(i))!.labels[0] ? [i] : []));
      const early = flagged.filter((i) => (i >= learning && i < learning + 50) || (i >= MATURE_ROWS && i < MATURE_ROWS + 60));
      assert.equal(early, [], `series ${k} (${["N(0,1)", "random walk", "sine"][k % 3]}), learning ${learning}: flagged rows ${flagged.join(", ")}`);
      total.set(learning, (total.get(learning) ?? 0) + flagged.length);
    }
  }
  for (const [learning, n] of total) assert.ok(n <= 2, `learning ${learning}: ${n} flags over the 20 clean series (at most 2: issue 12 part 5)`);
});

test("a state of release 2.0.0 (version 2) is migrated: it continues, learning period 300", () => {
  const xs = series(2500, 17, (i, v) => (i === 2000 ? v + 60 : v));
  const p = createPipeline({ kind: "default" });
  run(p, xs.slice(0, 1000));
  const v3 = JSON.parse(JSON.stringify(p.toJSON()));
  const { learningRows: _l, recent: _r, ...core } = v3.core;
  const v2 = { ...v3, version: 2, core };
  const migrated = restorePipeline(v2);
  assert.is((migrated.toJSON() as any).version, 3);
  assert.is((migrated.toJSON() as any).core.learningRows, 300);
  // Past its learning period the guard history is unused: the migrated detector continues exactly.
  assert.equal(run(migrated, xs.slice(1000), 1000), run(p, xs.slice(1000), 1000));
  assert.throws(() => restorePipeline({ ...v3, version: 1 }), /version 1 is not supported \(expected 3 or 2\)/);
});

test("flags a spike and a level shift at their onset, and stays quiet right after", () => {
  const spikeAt = 2000, shiftAt = 3500;
  const xs = series(5000, 21, (i, v) => (i === spikeAt ? v + 60 : i >= shiftAt ? v + 25 : v));
  const d = createPipeline({ kind: "default" });
  const labels: number[] = [];
  xs.forEach((v, i) => labels.push(d.update(v, stamp(i))!.labels[0]));
  assert.is(labels[spikeAt], 1, "spike");
  const shiftHits = labels.slice(shiftAt, shiftAt + 20).filter((l) => l === 1).length;
  assert.ok(shiftHits >= 1, "level shift found within 20 rows");
  assert.ok(labels.slice(shiftAt + 20, shiftAt + 200).every((l) => l === 0), "one alarm per event, not one per row");
});

test("labels follow the threshold option", () => {
  const xs = series(2500, 4, (i, v) => (i === 2000 ? v + 60 : v));
  const low = createPipeline({ kind: "default", threshold: 0.01 });
  const dflt = createPipeline({ kind: "default" });
  for (let i = 0; i < xs.length; i++) {
    const a = low.update(xs[i], stamp(i))!, b = dflt.update(xs[i], stamp(i))!;
    assert.is(a.scores[0], b.scores[0]);
    assert.is(a.labels[0], a.scores[0] >= 0.01 ? 1 : 0);
    assert.is(b.labels[0], b.scores[0] >= DEFAULT_DETECTOR_THRESHOLD ? 1 : 0);
  }
});

test("refuses bad input and foreign state with a clear message", () => {
  const p = createPipeline({ kind: "default" });
  assert.throws(() => p.update(Number.NaN, stamp(0)), /finite/);
  assert.throws(() => createPipeline({ kind: "default", threshold: 1.5 }), /threshold/);
  const state = p.toJSON();
  assert.throws(() => restorePipeline({ ...state, version: 99 }), /version 99/);
});

test("extreme magnitudes keep scores in [0, 1] and the state finite", () => {
  const p = createPipeline({ kind: "default" });
  for (let i = 0; i < 3000; i++) {
    const v = i % 500 === 499 ? (i % 1000 === 999 ? -1e300 : 1e300) : i % 7 === 0 ? 5e-300 : 0;
    const s = p.update(v, stamp(i))!.scores[0];
    assert.ok(s >= 0 && s <= 1, `row ${i}: score ${s}`);
  }
  assert.not.match(JSON.stringify(p.toJSON()), /null/); // NaN and Infinity serialise as null
});

test("unreadable timestamps do not break scoring (NAB's and ISO 8601 are read by iso-time.ts epochMs)", () => {
  const p = createPipeline({ kind: "default" });
  const xs = series(800, 2);
  xs.forEach((v, i) => {
    const s = p.update(v, `t${i}`)!.scores[0];
    assert.ok(s >= 0 && s <= 1);
  });
  assert.not.throws(() => JSON.parse(JSON.stringify(p.toJSON())));
});

test.run();
