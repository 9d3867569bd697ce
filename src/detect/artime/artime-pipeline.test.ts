// The ARTime pipeline as a stream (learning its range) and the NAB way (range and length given):
// learning period, flags, labels, state round trips, bounds, and refused options and states.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../rng";
import type { Decision } from "../pipeline-types";
import { ARTIME_LEARNING_ROWS, ArtimePipeline, type ArtimeOptions } from "./artime-pipeline";

const ts = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString();

function noise(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const u = Math.max(rng.nextFloat(), 1e-12), v = rng.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  });
}

function run(p: ArtimePipeline, values: number[]): Decision[] {
  return values.map((v, i) => p.update(v, ts(i)));
}

test("as a stream: the learning period scores 0 and ends with `retrained`; a spike after it is flagged", () => {
  // 300 learning rows: one downsampled value per 2 rows, so a report comes at most 1 row late.
  const values = noise(2000, 1);
  values[ARTIME_LEARNING_ROWS + 100] = 10_000;
  const out = run(new ArtimePipeline(), values);
  out.slice(0, ARTIME_LEARNING_ROWS).forEach((d, i) => assert.is(d.scores[0], 0, `row ${i}`));
  assert.equal(out.flatMap((d, i) => (d.retrained ? [i] : [])), [ARTIME_LEARNING_ROWS - 1]);
  const flagged = out.flatMap((d, i) => (d.labels[0] ? [i] : []));
  assert.ok(flagged.some((i) => i >= ARTIME_LEARNING_ROWS + 100 && i <= ARTIME_LEARNING_ROWS + 101), `flagged ${flagged.join(", ")}`);
  assert.ok(flagged.length <= 10, `${flagged.length} flags on noise with one spike`);
});

test("a flat learning period: the first change is flagged", () => {
  const values = Array.from({ length: 1000 }, (_, i) => (i < 600 ? 5 : 6));
  const flagged = run(new ArtimePipeline(), values).flatMap((d, i) => (d.labels[0] ? [i] : []));
  assert.ok(flagged.length > 0 && flagged[0] >= 600 && flagged[0] < 620, `flagged ${flagged.join(", ")}`);
});

test("the threshold sets the labels only", () => {
  const values = noise(1500, 2).map((v, i) => (i % 211 === 100 ? v + 40 : v));
  const all = run(new ArtimePipeline(), values);
  const strict = run(new ArtimePipeline({ threshold: 0.9 }), values);
  assert.equal(strict.map((d) => d.scores), all.map((d) => d.scores));
  strict.forEach((d) => assert.is(d.labels[0], d.scores[0] >= 0.9 ? 1 : 0));
  assert.ok(all.some((d) => d.labels[0] === 1 && d.scores[0] < 0.9), "some reports below 0.9");
});

for (const options of [{}, { series: { min: -4, max: 4, length: 3000 } }] as ArtimeOptions[]) {
  test(`state round trip at any point continues identically (${options.series ? "NAB way" : "stream"})`, () => {
    const values = noise(3000, 3).map((v, i) => Math.max(-4, Math.min(4, i % 500 === 400 ? v + 3 : v)));
    const straight = run(new ArtimePipeline(options), values);
    for (const cut of [1, 299, 300, 449, 450, 1234]) {
      let p = new ArtimePipeline(options);
      const out = values.map((v, i) => {
        if (i === cut) {
          const json = JSON.stringify(p.toJSON());
          p = ArtimePipeline.restore(JSON.parse(json));
          assert.is(JSON.stringify(p.toJSON()), json);
        }
        return p.update(v, ts(i));
      });
      assert.equal(out, straight, `resumed at ${cut}`);
    }
  });
}

test("state size is the same whatever was learned, about 210 KB (1024 categories)", () => {
  const p = new ArtimePipeline();
  const sizes: number[] = [];
  noise(2000, 4).forEach((v, i) => {
    p.update(v, ts(i));
    if (i > ARTIME_LEARNING_ROWS && i % 250 === 0) sizes.push(JSON.stringify(p.toJSON()).length);
  });
  // The weights are fixed-size base64; only the few scalars' digits vary.
  const [lo, hi] = [Math.min(...sizes), Math.max(...sizes)];
  assert.ok(hi - lo < 500, sizes.join(", "));
  assert.ok(lo > 150_000 && hi < 230_000, `${lo}..${hi} characters`);
});

test("bad options and states are refused with a RangeError that says why", () => {
  assert.throws(() => new ArtimePipeline({ threshold: 0 }), /threshold must be in \(0, 1\]/);
  assert.throws(() => new ArtimePipeline({ learningRows: 31 }), /learningRows must be an integer in \[32, 100000\]/);
  assert.throws(() => new ArtimePipeline({ series: { min: 1, max: 0, length: 4000 } }), /not a finite interval/);
  assert.throws(() => new ArtimePipeline({ series: { min: 0, max: 1, length: 100 } }), /learning period of at least 16 rows/);
  const p = new ArtimePipeline();
  noise(400, 5).forEach((v, i) => p.update(v, ts(i)));
  assert.throws(() => p.update(NaN, ts(400)), RangeError);
  const good = JSON.parse(JSON.stringify(p.toJSON()));
  assert.throws(() => ArtimePipeline.restore({ ...good, version: 99 }), /version 99 is not supported/);
  assert.throws(() => ArtimePipeline.restore({ ...good, kind: "default" }), /not an ARTime state/);
  assert.throws(() => ArtimePipeline.restore({ ...good, core: { ...good.core, art: { ...good.core.art, levels: "AAAA" } } }), /not sized for 1024 categories/);
  assert.throws(() => ArtimePipeline.restore({ ...good, core: { ...good.core, rhoLb: "x" } }), /core.rhoLb is not a finite number/);
  assert.throws(() => ArtimePipeline.restore({ ...good, held: [1, NaN] }), /held is not a list/);
});

test.run();
