// The registry over a real SQLite file: what is committed is exactly the live state (for every
// pipeline), a failed transaction leaves memory as it was on disk, a small cache gives the same
// results as a large one, and re-initializing keeps or resets variables as documented.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StationStore } from "../../src/stations/store";
import { StationRegistry, type BlockOutliers } from "../../src/stations/station-registry";
import { InlineFirstDetection, inlineDetection } from "../../src/stations/detection-host";
import pino from "pino";
import { MAX_SNAPSHOT_SAMPLES } from "../../src/stations/state-layout";
import type { Pipeline } from "../../src/detect";
import { StationComputer } from "../../src/stations/station-computer";
import { detectionSchema, parseOrThrow } from "../../src/http/station-schemas";

const KINDS = ["batch", "sliding", "kalman-batch", "kalman-sliding", "default", "artime", "cad-ose"] as const;

function open(cacheBytes = 1 << 30) {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-reg-")), "stations.sqlite");
  const store = new StationStore(file);
  // blocks computed on this thread, so the test can read the live pipelines
  const host = inlineDetection("batch");
  const reg = new StationRegistry(store, { defaultPipeline: "batch", deliver: true, cacheBytes, host });
  return { file, store, reg, live: (id: string) => host.computer.stations.get(id)! };
}

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try { await p; } catch (e) { assert.match((e as Error).message, re); return; }
  assert.unreachable(`expected a rejection matching ${re}`);
}

/** A reproducible stream with level shifts (drift, retrains) and spikes (outliers). */
function value(k: number, v: number): number {
  const noise = Math.sin(k * 12.9898 + v * 78.233) * 43758.5453 % 1;
  return (k > 400 ? 3 : 0) + Math.sin(k / 9) + 0.2 * noise + (k % 97 === 0 ? 12 : 0);
}

function block(id: string, from: number, n: number, vars: string[]) {
  const mostres = [];
  for (let k = from; k < from + n; k++) {
    const values: Record<string, number> = {};
    vars.forEach((v, i) => (values[v] = value(k, i)));
    mostres.push({ timestamp: new Date(Date.UTC(2021, 0, 1) + k * 60_000).toISOString(), values });
  }
  return parseOrThrow(detectionSchema, { id_estacio: id, numero_mostres: n, mostres });
}

/** Loads a station as a restart would: a computer with no station over the same database's rows. */
function reload(store: StationStore, id: string): Map<string, { pipeline: Pipeline }> {
  const computer = new StationComputer("batch");
  const row = store.station(id)!;
  computer.compute({
    id, mostres: [], historySamples: 0,
    load: { journalSamples: row.journal_samples, variables: store.variables(id), journal: store.journal(id).map((j) => j.samples), historyKeys: [], historyUpto: 0 },
  });
  return computer.stations.get(id)!.variables;
}

test("after every block the committed state (snapshot + journal) restores to exactly the live pipeline, for every pipeline", async () => {
  const { store, reg, live } = open();
  for (const kind of KINDS) {
    const id = `st_${kind}`;
    await reg.initialize({ id_estacio: id, variables: { x: 16, y: 32 }, pipeline: kind });
  }
  let retrains = 0;
  for (let b = 0; b < 60; b++) {
    for (const kind of KINDS) {
      const id = `st_${kind}`;
      retrains += (await reg.detect(block(id, b * 10, 10, ["x", "y"]))).retrains;
      if (b % 7 !== 3) continue;
      const restored = reload(store, id);
      for (const name of ["x", "y"]) {
        const held = live(id).variables.get(name)!.pipeline.toJSON();
        assert.equal(restored.get(name)!.pipeline.toJSON(), held, `${kind} ${name} after block ${b}`);
      }
    }
  }
  assert.ok(retrains > 10, `the stream retrains (got ${retrains})`);
  // snapshots were taken (the journal was emptied) and never later than the bound
  for (const kind of KINDS) {
    const row = store.station(`st_${kind}`)!;
    // the default detector's state is large: it is snapshotted less often (next test)
    if (kind !== "default") assert.ok(row.journal_samples < row.samples, `${kind}: journal ${row.journal_samples} of ${row.samples}`);
    assert.is(store.journal(`st_${kind}`).reduce((n, j) => n + JSON.parse(j.samples).length, 0), row.journal_samples);
  }
  store.close();
});

test("the probed drift test is the one the pipeline ran: its verdict equals the pipeline's retraining", async () => {
  const { store, reg } = open();
  const seen = { drift: 0, steady: 0 };
  const checked = new Set<string>();
  for (const kind of ["batch", "kalman-batch", "sliding", "kalman-sliding"] as const) {
    const id = `p_${kind}`;
    await reg.initialize({ id_estacio: id, variables: { x: 16, y: 32 }, pipeline: kind });
    for (let k = 0; k < 900; k++) {
      await reg.detect(block(id, k, 1, ["x", "y"])); // one sample per block: the views describe that sample
      for (const v of store.variableMeta(id)) {
        if (v.last_drift_test === null) continue;
        const test = JSON.parse(v.last_drift_test) as { timestamp: string; drift: boolean; mann_kendall: { p: number }; wilcoxon: { p: number } };
        const decision = JSON.parse(v.last_decision!) as { timestamp: string; retrained: boolean };
        if (test.timestamp !== decision.timestamp) continue; // probed at an earlier sample
        const key = `${kind} ${v.name} ${test.timestamp}`;
        if (checked.has(key)) continue;
        checked.add(key);
        assert.is(test.drift, decision.retrained, `${kind} ${v.name} at ${test.timestamp}`);
        assert.ok(test.wilcoxon.p >= 0 && test.wilcoxon.p <= 1 && test.mann_kendall.p >= 0 && test.mann_kendall.p <= 1);
        seen[test.drift ? "drift" : "steady"]++;
      }
    }
  }
  assert.ok(seen.drift >= 5 && seen.steady >= 5, `both verdicts checked: ${JSON.stringify(seen)}`);
  store.close();
});

test("a large state is snapshotted at the latest every MAX_SNAPSHOT_SAMPLES samples and restores exactly", async () => {
  const { store, reg, live } = open();
  await reg.initialize({ id_estacio: "d", variables: { x: 32 }, pipeline: "default" });
  const blocks = Math.ceil(MAX_SNAPSHOT_SAMPLES / 100) + 3;
  for (let b = 0; b < blocks; b++) await reg.detect(block("d", b * 100, 100, ["x"]));
  const row = store.station("d")!;
  assert.is(row.samples, blocks * 100);
  assert.ok(row.journal_samples < blocks * 100 && row.journal_samples <= MAX_SNAPSHOT_SAMPLES, `journal ${row.journal_samples}`);
  assert.equal(reload(store, "d").get("x")!.pipeline.toJSON(), live("d").variables.get("x")!.pipeline.toJSON());
  store.close();
});

test("a transaction that fails leaves no trace: the next blocks give what an uninterrupted run gives (on this thread and in detection threads)", async () => {
  const run = async (failAt: Set<number>, threads: boolean) => {
    const { store, reg: inline } = open();
    // with threads: the thread keeps the pipelines, and must drop them when the commit fails
    // every block in a thread (inlineMs 0)
    const pool = threads ? new InlineFirstDetection({ defaultPipeline: "batch", threads: { size: 2, log: pino({ level: "silent" }) }, inlineMs: 0 }) : undefined;
    const reg = pool ? new StationRegistry(store, { defaultPipeline: "batch", deliver: true, cacheBytes: 1 << 30, host: pool }) : inline;
    await reg.initialize({ id_estacio: "s", variables: { x: 16, y: 32 }, pipeline: "kalman-batch" });

    const results: BlockOutliers[][] = [];
    let failures = 0;
    for (let b = 0; b < 60; b++) {
      const req = block("s", b * 10, 10, ["x", "y"]);
      if (failAt.has(b)) {
        // the disk fails at the end of the block's transaction (after the pipeline states are written)
        store.enqueue = () => { throw new Error("disk I/O error"); };
        await rejects(reg.detect(req), /disk I\/O error/);
        failures++;
        delete (store as { enqueue?: unknown }).enqueue; // the prototype's again
      }
      results.push((await reg.detect(req)).outliers);
    }
    const stats = { depth: store.outboxStats().depth, samples: store.station("s")!.samples, failures };
    await reg.close();
    store.close();
    return { results, stats };
  };
  const clean = await run(new Set(), false);
  const faulty = await run(new Set([3, 12, 13, 31, 47]), false);
  const threaded = await run(new Set([3, 12, 13, 31, 47]), true);
  assert.equal(threaded, faulty, "in threads as on this thread");
  assert.equal(faulty.results, clean.results);
  assert.is(faulty.stats.failures, 5);
  assert.is(faulty.stats.samples, clean.stats.samples);
  assert.is(faulty.stats.depth, clean.stats.depth, "no outbox entries from failed blocks");
  assert.ok(clean.results.some((r) => r.length > 0), "the stream has outliers");
});

test("a block that fails in a group with others: theirs commit once, as if it had not been sent (no event twice)", async () => {
  const run = async (failB: Set<number>) => {
    const { store, reg } = open();
    for (const id of ["a", "b"]) await reg.initialize({ id_estacio: id, variables: { x: 16, y: 32 }, pipeline: "kalman-batch" });
    const answers: BlockOutliers[][] = [];
    for (let b = 0; b < 40; b++) {
      // b's writes throw (not a storage fault): the group's transaction is run again, a's block in a savepoint
      if (failB.has(b)) store.enqueue = (e) => { if (e.station_id === "b") throw new Error("b broke"); StationStore.prototype.enqueue.call(store, e); };
      const [a, bb] = await Promise.allSettled([reg.detect(block("a", b * 10, 10, ["x", "y"])), reg.detect(block("b", b * 10, 10, ["x", "y"]))]);
      delete (store as { enqueue?: unknown }).enqueue;
      assert.is(bb.status, failB.has(b) ? "rejected" : "fulfilled");
      if (failB.has(b)) await reg.detect(block("b", b * 10, 10, ["x", "y"]));
      answers.push((a as PromiseFulfilledResult<{ outliers: BlockOutliers[] }>).value.outliers);
    }
    const events = store.records.events("a", undefined, Number.MAX_SAFE_INTEGER, 0, 10_000).map((e) => [e.kind, e.variable, e.timestamp]);
    const state = { a: store.station("a")!.samples, b: store.station("b")!.samples, depth: store.outboxStats().depth };
    await reg.close();
    store.close();
    return { answers, events, state };
  };
  const clean = await run(new Set());
  const faulty = await run(new Set(Array.from({ length: 20 }, (_, i) => 2 * i + 1)));
  assert.ok(clean.events.filter((e) => e[0] === "outlier").length > 0, "a's stream has outlier events");
  assert.equal(faulty, clean);
});

test("a cache too small for one station gives the same results as an unbounded one", async () => {
  const outliers = async (cacheBytes: number) => {
    const { store, reg } = open(cacheBytes);
    for (const s of ["a", "b", "c"]) await reg.initialize({ id_estacio: s, variables: { x: 32, y: 64 }, pipeline: "sliding" });
    const out: unknown[] = [];
    for (let b = 0; b < 30; b++) for (const s of ["a", "b", "c"]) out.push((await reg.detect(block(s, b * 10, 10, ["x", "y"]))).outliers);
    const cached = reg.cache.size, evictions = reg.cache.evictions;
    store.close();
    return { out, cached, evictions };
  };
  const big = await outliers(1 << 30), small = await outliers(1);
  assert.equal(small.out, big.out);
  assert.is(big.evictions, 0);
  assert.is(small.cached, 1);
  assert.ok(small.evictions >= 80);
});

test("re-initializing keeps unchanged variables, resets changed ones, removes dropped ones", async () => {
  const { store, reg } = open();
  await reg.initialize({ id_estacio: "s", variables: { x: 16, y: 16, z: 16 }, pipeline: "kalman-sliding" });
  for (let b = 0; b < 5; b++) await reg.detect(block("s", b * 10, 10, ["x", "y", "z"]));
  const r = await reg.initialize({ id_estacio: "s", variables: { x: 16, y: 32, w: 8 } });
  assert.equal(r, { kept: ["x"], fresh: ["y", "w"], removed: ["z"] });
  const vars = Object.fromEntries(store.variables("s").map((v) => [v.name, v]));
  assert.equal(Object.keys(vars).sort(), ["w", "x", "y"]);
  assert.is(vars.x!.samples_seen, 50);
  assert.is(vars.x!.kind, "kalman-sliding", "an omitted pipeline keeps the variable's own");
  assert.is(vars.y!.samples_seen, 0);
  assert.is(vars.w!.kind, "batch", "a new variable gets the default pipeline");
  await rejects(reg.detect(block("s", 50, 1, ["z"])), /variable "z" is not initialized for station "s"/);
  assert.is(store.variables("s").find((v) => v.name === "x")!.samples_seen, 50, "the rejected block changed nothing");
  store.close();
});

test("a station /initialize holds (no restore at its first block) answers and stores what one loaded from the store does, for every pipeline", async () => {
  // `held`: initialized by this registry; `loaded`: initialized, then read by a new registry (a restart)
  const sides = [open(), open()].map(({ file, store }) => {
    const host = inlineDetection("batch");
    return { file, store, host, reg: new StationRegistry(store, { defaultPipeline: "batch", deliver: true, cacheBytes: 1 << 30, historySamples: 40, host }) };
  });
  const [held, loaded] = sides as [typeof sides[0], typeof sides[0]];
  // a station with history and outliers before: its re-initialization resets every variable
  for (const s of sides) {
    await s.reg.initialize({ id_estacio: "old", variables: { x: 16 }, pipeline: "batch" });
    for (let b = 0; b < 6; b++) await s.reg.detect(block("old", b * 10, 10, ["x"]));
    await s.reg.initialize({ id_estacio: "old", variables: { x: 32, y: 16 }, pipeline: "sliding" });
    for (const kind of KINDS) await s.reg.initialize({ id_estacio: `st_${kind}`, variables: { x: 16, y: 32 }, pipeline: kind });
  }
  for (const id of ["old", ...KINDS.map((k) => `st_${k}`)]) assert.ok(held.host.computer.stations.has(id), `${id} is held after /initialize`);
  const reopened = new StationRegistry(loaded.store, { defaultPipeline: "batch", deliver: true, cacheBytes: 1 << 30, historySamples: 40, host: loaded.host });
  loaded.host.drop("old");
  for (const kind of KINDS) loaded.host.drop(`st_${kind}`);
  const regs = [held.reg, reopened];
  let outliers = 0;
  for (let b = 0; b < 45; b++) {
    for (const id of ["old", ...KINDS.map((k) => `st_${k}`)]) {
      const [a, c] = await Promise.all(regs.map((r) => r.detect(block(id, 60 + b * 10, 10, ["x", "y"]))));
      assert.equal(a, c, `${id} block ${b}`);
      outliers += a!.outlierCount;
    }
  }
  assert.ok(outliers > 0, "the stream has outliers");
  for (const id of ["old", ...KINDS.map((k) => `st_${k}`)]) {
    assert.equal(held.store.variables(id), loaded.store.variables(id), `${id}: variables and states`);
    assert.equal(held.store.journal(id), loaded.store.journal(id), `${id}: journal`);
    for (const v of ["x", "y"]) assert.equal(held.store.records.history(id, v, 0, 0, 1000), loaded.store.records.history(id, v, 0, 0, 1000), `${id} ${v}: history`);
  }
  for (const s of sides) s.store.close();
});

test("an unknown station is refused and nothing is created", async () => {
  const { store, reg } = open();
  await rejects(reg.detect(block("nobody", 0, 1, ["x"])), /not initialized; POST \/initialize first/);
  assert.is(store.stationCount(), 0);
  store.close();
});

test.run();
