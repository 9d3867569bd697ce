// Training (docs/design.md § Training) through the real CLI against a stand-in Druid broker: the
// queries, per-epoch progress, backup then replace, the 0.9·old + 0.1·new loss update (recomputed
// here from the same data with the new weights), and that failed or killed runs leave the model
// intact. Runs are kept tiny (2 epochs) for the shared 2-core machine.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "../support/fixtures";
import { importKeras } from "../../src/deep/files/keras-io";
import { readModelDir } from "../../src/deep/files/model-files";
import { loadFastModel } from "../../src/deep/inference/runtime-model";
import { reconstructRows } from "../../src/deep/inference/detect";
import { syntheticTraffic } from "../../build/synthetic-traffic";
import { granularitySeconds } from "../../src/druid/granularity";
import { TRAFFIC_METRICS } from "../../src/druid/query-builder";
import { takeTrainingLock } from "../../src/deep/training/training-job";
import { startStandInDruid, type StandInDruid } from "./stand-in-druid";

const repo = new URL("../..", import.meta.url).pathname;
const SEED = 7;
const dataDir = mkdtempSync(join(tmpdir(), "rbao-train-"));
const modelDir = join(dataDir, "models/orig");
const filter = { type: "selector", dimension: "sensor_name", value: "ASR" };
let druid: StandInDruid;

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString("base64")]));

/** The CLI as a child process (asynchronously: the stand-in broker lives in this process). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: repo, env: { ...process.env, DRUID_ENDPOINT: druid.url }, stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "", stderr = "";
  child.stdout.on("data", (b) => (stdout += b));
  child.stderr.on("data", (b) => (stderr += b));
  return new Promise((resolve) => child.once("close", (status) => resolve({ status, stdout, stderr })));
}

test.before(async () => {
  druid = await startStandInDruid(SEED);
  const filterFile = join(dataDir, "filter.json");
  writeFileSync(filterFile, JSON.stringify(filter));
  await importKeras({ kerasFile: fixturePath("upstream/traffic.keras"), name: "orig", modelsDir: join(dataDir, "models"), filterFile });
});
test.after(async () => { await druid.close(); });

test("a failing broker: exit 1, the model untouched, no backup", async () => {
  const before = snapshot(modelDir);
  druid.fail = true;
  const r = await cli(["train", "--model", "orig", "--epochs", "1", "--data-dir", dataDir]);
  druid.fail = false;
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /HTTP 500.*stand-in broker told to fail.*previous model is unchanged/s);
  assert.equal(snapshot(modelDir), before);
  assert.not.ok(existsSync(join(dataDir, "backups")));
});

test("train --model: queries of design § Training, progress per epoch, backup, atomic replace, 0.9·old + 0.1·new", async () => {
  druid.queries.length = 0;
  const old = readModelDir(modelDir);
  const before = snapshot(modelDir);
  const r = await cli(["train", "--model", "orig", "--epochs", "2", "--batch-size", "32", "--data-dir", dataDir]);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /epoch 1\/2 +loss \d/);
  assert.match(r.stdout, /epoch 2\/2 +loss \d/);

  // The queries: rb_flow, the model's filter, 24 h, eight granularities, the traffic metric set.
  assert.equal(druid.queries.map((q) => q.granularity.period), ["pt1m", "pt2m", "pt5m", "pt15m", "pt30m", "pt1h", "pt2h", "pt8h"]);
  for (const q of druid.queries) {
    assert.is(q.dataSource, "rb_flow");
    assert.is(q.queryType, "timeseries");
    assert.equal(q.filter, filter);
    const [s, e] = q.intervals[0].split("/").map(Date.parse);
    assert.is(e - s, 24 * 3_600_000);
    assert.equal([...q.aggregations, ...q.postAggregations].map((a: { name: string }) => a.name), [...TRAFFIC_METRICS]);
  }

  // Backup of the previous model, byte for byte.
  const backups = readdirSync(join(dataDir, "backups"));
  assert.is(backups.length, 1);
  assert.match(backups[0], /^orig-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
  assert.equal(snapshot(join(dataDir, "backups", backups[0])), before);

  // New weights, same architecture; the loss statistics blended from this data's errors.
  const now = readModelDir(modelDir);
  assert.equal(now.config, old.config);
  assert.ok(now.weights.some((w, i) => w.some((v, j) => v !== old.weights[i][j])), "weights changed");
  const model = loadFastModel(now);
  const errors: number[] = [];
  for (const q of druid.queries) {
    const [s, e] = q.intervals[0].split("/").map(Date.parse);
    const rows = syntheticTraffic(SEED, s, e, granularitySeconds(q.granularity));
    if (rows.length < 32) continue;
    errors.push(...(await reconstructRows(rows, now.metadata, model.reconstruct)).loss);
  }
  const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
  const std = Math.sqrt(errors.reduce((a, v) => a + (v - mean) ** 2, 0) / errors.length);
  // rel 1e-9: the same float64 arithmetic, summed in a different order.
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
  assert.ok(close(now.metadata.avgLoss, 0.9 * old.metadata.avgLoss + 0.1 * mean), `avg ${now.metadata.avgLoss}`);
  assert.ok(close(now.metadata.stdLoss, 0.9 * old.metadata.stdLoss + 0.1 * std), `std ${now.metadata.stdLoss}`);
  assert.is(errors.length, 1440 + 720 + 288 + 96 + 48, "rows of the granularities with at least one slice");
});

test("train without --model: [Outliers] model_names (traffic, the bundled model) retrained into the models dir", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-train-bundled-"));
  const r = await cli(["train", "--epochs", "1", "--data-dir", dir]);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /training model 'traffic'/);
  const trained = readModelDir(join(dir, "models/traffic"));
  assert.is(trained.metadata.weekdayEncoding, "one-hot");
  assert.not.ok(existsSync(join(dir, "backups")), "a bundled model has nothing to back up");
});

test("one training run at a time: a live holder blocks, a dead holder's lock is taken over", () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-lock-"));
  const release = takeTrainingLock(dir);
  assert.throws(() => takeTrainingLock(dir), new RegExp(`pid ${process.pid}.*one runs at a time`));
  release();
  writeFileSync(join(dir, ".training.lock"), "999999999"); // no such process
  takeTrainingLock(dir)();
});

test("killed mid-training (kill -9): the model is intact and the stale lock is taken over", async () => {
  const before = snapshot(modelDir);
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "train", "--model", "orig", "--epochs", "500", "--data-dir", dataDir], {
    cwd: repo, env: { ...process.env, DRUID_ENDPOINT: druid.url }, stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no epoch reported:\n${out}`)), 240_000);
    child.stdout.on("data", (b) => { out += b; if (/epoch 1\//.test(out)) { clearTimeout(timer); resolve(); } });
  });
  assert.ok(existsSync(join(dataDir, "models/.training.lock")), "a run holds the lock");
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  assert.equal(snapshot(modelDir), before);
  const release = takeTrainingLock(join(dataDir, "models"));
  release();
});

test.run();
