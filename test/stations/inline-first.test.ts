// Where blocks are computed (src/stations/detection-host.ts) over a real SQLite file and real
// detection threads: cheap blocks on this thread, no thread started for them; a station's first
// block estimated over INLINE_BLOCK_MS moves it to a thread, which loads it from the store, and its
// later blocks (cheap or not) are applied there in order with the results of an all-inline run.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { StationStore } from "../../src/stations/store";
import { StationRegistry } from "../../src/stations/station-registry";
import { InlineFirstDetection, INLINE_BLOCK_MS, inlineDetection, type DetectionHost } from "../../src/stations/detection-host";
import { blockCostMs, samplesByVariable } from "../../src/stations/block-cost";
import { StationComputer } from "../../src/stations/station-computer";
import { detectionSchema, parseOrThrow } from "../../src/http/station-schemas";
import { blockBody } from "./stream";

const SLIDING = ["a", "b", "c", "d", "e", "f", "g", "h"];

/** A reproducible stream with a level shift and spikes (outliers). */
function value(k: number, v: number): number {
  const noise = Math.sin(k * 12.9898 + v * 78.233) * 43758.5453 % 1;
  return (k > 150 ? 3 : 0) + Math.sin(k / 9) + 0.2 * noise + (k % 37 === 0 ? 12 : 0);
}

function block(id: string, from: number, n: number, vars: string[]) {
  return parseOrThrow(detectionSchema, blockBody(id, from, n, vars, value));
}

/** The blocks of the run: a cheap `default` station throughout; a `sliding` station of 8 variables
 * at window 16 in 1-sample blocks (cheap), one block of 10 (heavy), then 1-sample blocks again. */
function blocks() {
  const out: Array<ReturnType<typeof block>> = [];
  let k = 0;
  for (let b = 0; b < 120; b++) {
    out.push(block("cheap", b * 10, 10, ["x", "y", "z"]));
    const n = b === 60 ? 10 : 1;
    out.push(block("heavy", k, n, SLIDING));
    k += n;
  }
  return out;
}

async function run(host: DetectionHost) {
  const store = new StationStore(join(mkdtempSync(join(tmpdir(), "rbao-inline-")), "stations.sqlite"));
  const reg = new StationRegistry(store, { defaultPipeline: "default", deliver: true, cacheBytes: 1 << 30, historySamples: 1000, host });
  await reg.initialize({ id_estacio: "cheap", variables: { x: 32, y: 32, z: 32 }, pipeline: "default" });
  await reg.initialize({ id_estacio: "heavy", variables: Object.fromEntries(SLIDING.map((v) => [v, 16])), pipeline: "sliding" });
  const answers: unknown[] = [];
  const stats: Array<ReturnType<DetectionHost["stats"]>> = [];
  for (const req of blocks()) {
    answers.push((await reg.detect(req)).outliers);
    stats.push(reg.detection());
  }
  // what a restart restores: snapshots + journal, for every variable of both stations
  const restored: Record<string, unknown> = {};
  for (const id of ["cheap", "heavy"]) {
    const c = new StationComputer("default");
    const row = store.station(id)!;
    c.compute({ id, mostres: [], historySamples: 0, load: { journalSamples: row.journal_samples, variables: store.variables(id), journal: store.journal(id).map((j) => j.samples), historyKeys: [], historyUpto: 0 } });
    for (const [name, v] of c.stations.get(id)!.variables) restored[`${id}.${name}`] = { state: v.pipeline.toJSON(), samples: v.samplesSeen };
  }
  const counts = { samples: store.station("heavy")!.samples, depth: store.outboxStats().depth };
  await reg.close();
  store.close();
  return { answers, stats, restored, counts };
}

test("the blocks of the run are as cheap and as heavy as the test needs", () => {
  const variables = new Map(SLIDING.map((v) => [v, { pipelineName: "sliding", window: 16 }]));
  const cost = (n: number) => blockCostMs(samplesByVariable(block("heavy", 0, n, SLIDING).mostres), variables);
  assert.ok(cost(1) <= INLINE_BLOCK_MS, `1 sample: ${cost(1)} ms`);
  assert.ok(cost(10) > INLINE_BLOCK_MS, `10 samples: ${cost(10)} ms`);
  const cheap = blockCostMs(samplesByVariable(block("cheap", 0, 10, ["x", "y", "z"]).mostres), new Map(["x", "y", "z"].map((v) => [v, { pipelineName: "default", window: 32 }])));
  assert.ok(cheap <= INLINE_BLOCK_MS, `default block: ${cheap} ms`);
});

test("cheap blocks stay on this thread (no thread started); a heavy block moves its station to a thread, where its later blocks give what an all-inline run gives", async () => {
  const inline = await run(inlineDetection("default"));
  const mixed = await run(new InlineFirstDetection({ defaultPipeline: "default", threads: { size: 2, log: pino({ level: "silent" }) } }));
  // before the heavy block (block pair 60: index 121): no thread, every block here
  const before = mixed.stats[120]!;
  assert.equal(before, { threads: 0, max_threads: 2, stations_on_threads: 0, blocks_inline: 121, blocks_on_threads: 0, blocks_in_progress: 0 });
  const after = mixed.stats.at(-1)!;
  assert.is(after.threads, 1, "one thread started, for the heavy station");
  assert.is(after.stations_on_threads, 1);
  assert.is(after.blocks_on_threads, 60, "the heavy block and the station's 59 later ones");
  assert.is(after.blocks_inline, 240 - 60, "the cheap station's blocks all here");
  assert.equal(inline.stats.at(-1)!.threads, 0);
  assert.equal(mixed.answers, inline.answers, "the same outliers, block by block");
  assert.ok(inline.answers.some((a) => (a as unknown[]).length > 0), "the stream has outliers");
  assert.equal(mixed.restored, inline.restored, "the same committed state");
  assert.equal(mixed.counts, inline.counts);
});

test.run();
