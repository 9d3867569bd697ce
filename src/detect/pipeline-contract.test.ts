// The contract every streaming pipeline kind fulfils, run for every name in `pipelineNames`
// (register a kind and give it a name, and it is checked here): scores in [0, 1], labels
// consistent with the scores, each decided point carrying its own sample's timestamp, every sample
// decided, determinism, identical output after a JSON round trip of the state at any point, a
// state that does not grow with the stream, and non-finite values refused without harm.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "./rng";
import type { Decision } from "./pipeline-types";
import { createPipeline, pipelineKindNames, pipelineNames, pipelineOptionsFor, restorePipeline } from "./pipeline-registry";

const WINDOW = 24;

/** A seeded noisy sine with level shifts and spikes, so pipelines train, drift and flag. */
function stream(n: number, seed = 1): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const noise = (rng.nextFloat() - 0.5) * 0.4;
    const level = Math.floor(i / 300) % 2 === 1 ? 3 : 0;
    const spike = i % 97 === 50 ? 8 : 0;
    return Math.sin((2 * Math.PI * i) / 50) + noise + level + spike;
  });
}

const ts = (i: number) => `2024-01-01T00:00:${String(i).padStart(6, "0")}Z`;

function run(name: string, values: number[]): Decision[] {
  const p = createPipeline(pipelineOptionsFor(name, WINDOW));
  const out: Decision[] = [];
  values.forEach((v, i) => {
    const d = p.update(v, ts(i));
    if (d) out.push(d);
  });
  return out;
}

test("every registered kind has at least one name", () => {
  const named = new Set(Object.keys(pipelineNames).map((n) => pipelineOptionsFor(n, WINDOW).kind));
  for (const kind of pipelineKindNames) assert.ok(named.has(kind), `kind ${kind} has no name in pipelineNames`);
  assert.throws(() => pipelineOptionsFor("nope", 8), /unknown pipeline 'nope'/);
  assert.throws(() => restorePipeline({ kind: "nope", version: 1 }), /unknown pipeline kind/);
});

for (const name of Object.keys(pipelineNames)) {
  const values = stream(900);

  test(`${name}: scores in [0, 1], labels consistent, own timestamps, every sample decided`, () => {
    const p = createPipeline(pipelineOptionsFor(name, WINDOW));
    const covered = new Set<string>();
    let lastDecided = -1;
    let outliers = 0;
    values.forEach((v, i) => {
      const d = p.update(v, ts(i));
      if (!d) return;
      assert.is(d.scores.length, d.labels.length);
      assert.is(d.scores.length, d.timestamps.length);
      assert.ok(d.scores.length > 0);
      assert.is(d.timestamps[d.timestamps.length - 1], ts(i), "a decision includes the sample that completed it");
      const idx = d.timestamps.map((t) => Number(t.slice(17, 23)));
      idx.forEach((k, j) => {
        assert.is(d.timestamps[j], ts(k), "timestamps are the samples' own");
        assert.ok(k <= i && (j === 0 || k > idx[j - 1]), "decided samples are seen, distinct and in order");
        // the station history (src/stations/station-registry.ts) numbers them so
        assert.is(k, i - (idx.length - 1 - j), "a decision covers the last labels.length samples");
        covered.add(d.timestamps[j]);
      });
      let minOut = Infinity, maxIn = -Infinity;
      d.scores.forEach((s, j) => {
        assert.ok(Number.isFinite(s) && s >= 0 && s <= 1, `score ${s}`);
        assert.ok(d.labels[j] === 0 || d.labels[j] === 1);
        if (d.labels[j] === 1) { outliers++; minOut = Math.min(minOut, s); } else maxIn = Math.max(maxIn, s);
      });
      assert.ok(minOut > maxIn || minOut === Infinity || maxIn === -Infinity, "every outlier scores above every inlier of its decision");
      assert.is(typeof d.retrained, "boolean");
      lastDecided = i;
    });
    assert.ok(lastDecided > values.length - 2 * WINDOW, "decisions keep coming");
    for (let i = 0; i <= lastDecided; i++) assert.ok(covered.has(ts(i)), `sample ${i} never decided`);
    assert.ok(outliers > 0, "the spikes are flagged");
  });

  test(`${name}: deterministic`, () => {
    assert.equal(run(name, values), run(name, values));
  });

  test(`${name}: state round-trips through a JSON string at any point, output identical`, () => {
    const straight = run(name, values);
    for (const cut of [0, WINDOW - 1, WINDOW, WINDOW + 5, 301, 899]) {
      let p = createPipeline(pipelineOptionsFor(name, WINDOW));
      const out: Decision[] = [];
      values.forEach((v, i) => {
        if (i === cut) {
          const json = JSON.stringify(p.toJSON());
          p = restorePipeline(JSON.parse(json));
          assert.is(JSON.stringify(p.toJSON()), json, `toJSON after restore at ${cut}`);
        }
        const d = p.update(v, ts(i));
        if (d) out.push(d);
      });
      assert.equal(out, straight, `${name} resumed at ${cut}`);
    }
  });

  test(`${name}: state size does not grow with the stream`, () => {
    // Sizes vary with how full the current window is, so compare the largest state of the first
    // half of a long stream with the largest of the second half.
    const p = createPipeline(pipelineOptionsFor(name, WINDOW));
    const n = 4000;
    const largest = [0, 0];
    stream(n, 2).forEach((v, i) => {
      p.update(v, ts(i));
      if (i >= 2 * WINDOW && i % 7 === 0) {
        const half = i < n / 2 ? 0 : 1;
        largest[half] = Math.max(largest[half], JSON.stringify(p.toJSON()).length);
      }
    });
    assert.ok(largest[1] <= 1.2 * largest[0], `state grew from ${largest[0]} to ${largest[1]} bytes`);
    // Stations store a state per variable after every block: keep it well under a megabyte.
    assert.ok(largest[1] < 256 * 1024, `state of ${largest[1]} bytes for a window of ${WINDOW}`);
  });

  test(`${name}: a drift test it reports is the one update runs (verdict = retrained), and changes nothing`, () => {
    const p = createPipeline(pipelineOptionsFor(name, WINDOW));
    if (!p.driftTestBefore) return; // tests no windows for drift
    let reported = 0, drifts = 0;
    values.forEach((v, i) => {
      const before = JSON.stringify(p.toJSON());
      const test = p.driftTestBefore!(v);
      assert.is(JSON.stringify(p.toJSON()), before, `driftTestBefore changed the state at ${i}`);
      const d = p.update(v, ts(i));
      if (!test) return;
      reported++;
      if (test.drift) drifts++;
      assert.is(d?.retrained, test.drift, `sample ${i}`);
    });
    assert.ok(reported >= 10 && drifts >= 1 && drifts < reported, `tests reported: ${reported}, drifts: ${drifts}`);
  });

  test(`${name}: a non-finite value is refused and changes nothing`, () => {
    const p = createPipeline(pipelineOptionsFor(name, WINDOW));
    values.slice(0, 40).forEach((v, i) => p.update(v, ts(i)));
    const before = JSON.stringify(p.toJSON());
    assert.throws(() => p.update(NaN, ts(40)), RangeError);
    assert.throws(() => p.update(Infinity, ts(40)), RangeError);
    assert.is(JSON.stringify(p.toJSON()), before);
  });
}

test.run();
