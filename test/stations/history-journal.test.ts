// A station whose history keeps every block since its snapshots writes no journal rows: loaded
// again (a restart, an eviction, a move to a thread) it replays those blocks from its history rows
// and goes on exactly as a station never loaded again. With the history made shorter since, it
// still loads from its history rows, and its next block snapshots (docs/stations.md § State layout
// (SQLite, `<data_dir>/stations.sqlite`, WAL), "The journal in the history rows").
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StationStore } from "../../src/stations/store";
import { StationRegistry } from "../../src/stations/station-registry";
import { inlineDetection } from "../../src/stations/detection-host";
import { MAX_SNAPSHOT_SAMPLES } from "../../src/stations/state-layout";
import { detectionSchema, parseOrThrow } from "../../src/http/station-schemas";
import { pipelineNameList } from "../../src/detect/pipeline-registry";
import { blockBody } from "./stream";

/** A registry over `file`, its stations computed on this thread (their pipelines readable). */
function registry(file: string, historySamples: number) {
  const store = new StationStore(file);
  const host = inlineDetection("batch");
  const reg = new StationRegistry(store, { defaultPipeline: "batch", deliver: false, cacheBytes: 1 << 30, historySamples, host });
  return { store, host, reg };
}

const block = (id: string, b: number, vars = ["x", "y"]) => parseOrThrow(detectionSchema, blockBody(id, b * 10, 10, vars));

test("blocks kept in the history alone: no journal rows, and stations loaded from their history rows go on as stations never loaded again, for every pipeline", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-hj-"));
  const steady = registry(join(dir, "steady.sqlite"), MAX_SNAPSHOT_SAMPLES);
  let restarted = registry(join(dir, "restarted.sqlite"), MAX_SNAPSHOT_SAMPLES);
  const ids = pipelineNameList.map((k) => `st_${k}`);
  for (const r of [steady, restarted]) for (const [i, kind] of pipelineNameList.entries()) await r.reg.initialize({ id_estacio: ids[i]!, variables: { x: 16, y: 32 }, pipeline: kind });
  let loads = 0, outliers = 0, retrains = 0;
  for (let b = 0; b < 60; b++) {
    if (b % 7 === 3) {
      // a restart: every station is loaded again from the file by its next block
      for (const id of ids) if (restarted.store.station(id)!.journal_samples > 0) loads++;
      restarted.store.close();
      restarted = registry(join(dir, "restarted.sqlite"), MAX_SNAPSHOT_SAMPLES);
    }
    for (const id of ids) {
      const a = await steady.reg.detect(block(id, b));
      assert.equal(await restarted.reg.detect(block(id, b)), a, `${id} block ${b}`);
      outliers += a.outlierCount;
      retrains += a.retrains;
      assert.is(restarted.store.journal(id).length, 0, `${id} block ${b}: no journal rows`);
    }
  }
  assert.ok(loads >= 40, `stations loaded with blocks since their snapshots: ${loads}`);
  assert.ok(outliers > 0 && retrains > 0, `outliers ${outliers}, retrains ${retrains}`);
  for (const id of ids) {
    for (const v of ["x", "y"]) {
      const live = (r: typeof steady) => r.host.computer.stations.get(id)!.variables.get(v)!.pipeline.toJSON();
      assert.equal(live(restarted), live(steady), `${id} ${v}: pipeline`);
    }
    assert.equal(restarted.store.variableMeta(id), steady.store.variableMeta(id), `${id}: counters`);
  }
  steady.store.close();
  restarted.store.close();
});

test("history made shorter than the blocks since the snapshots: the station loads from its history rows, its next block snapshots, and its blocks write journal rows again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-hj-"));
  const file = join(dir, "restarted.sqlite");
  const steady = registry(join(dir, "steady.sqlite"), MAX_SNAPSHOT_SAMPLES);
  let restarted = registry(file, MAX_SNAPSHOT_SAMPLES);
  for (const r of [steady, restarted]) await r.reg.initialize({ id_estacio: "d", variables: { x: 32 }, pipeline: "default" });
  const both = async (b: number) => {
    const a = await steady.reg.detect(block("d", b, ["x"]));
    assert.equal(await restarted.reg.detect(block("d", b, ["x"])), a, `block ${b}`);
  };
  for (let b = 0; b < 5; b++) await both(b);
  assert.equal([restarted.store.station("d")!.journal_samples, restarted.store.journal("d").length], [50, 0], "50 samples since the snapshot, in the history alone");
  restarted.store.close();
  restarted = registry(file, MAX_SNAPSHOT_SAMPLES - 1);
  await both(5);
  assert.equal([restarted.store.station("d")!.journal_samples, restarted.store.journal("d").length], [0, 0], "snapshotted by the first block after the load");
  await both(6);
  assert.equal([restarted.store.station("d")!.journal_samples, restarted.store.journal("d").length], [10, 1], "journaled again");
  restarted.store.close();
  restarted = registry(file, 0);
  for (let b = 7; b < 12; b++) await both(b);
  assert.equal(restarted.host.computer.stations.get("d")!.variables.get("x")!.pipeline.toJSON(), steady.host.computer.stations.get("d")!.variables.get("x")!.pipeline.toJSON());
  steady.store.close();
  restarted.store.close();
});

test.run();
