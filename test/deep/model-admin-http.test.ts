// Model management over HTTP on the traffic port (issue 15 part 5): the backups listed and one
// restored (the replaced model backed up in turn), a training started now with the CLI's checks
// (the same messages, naming the JSON fields), refused while one runs, its progress and result in
// the training history, which a restart keeps; the cluster-wide rollback refused on a standalone
// box. Real service, stand-in Druid broker, 1 epoch.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "../support/fixtures";
import { startService, type RunningService } from "../support/service-process";
import { importKeras } from "../../src/deep/files/keras-io";
import { readModelDir, writeModelDir } from "../../src/deep/files/model-files";
import { startStandInDruid, type StandInDruid } from "./stand-in-druid";

const CONFIG = "[Outliers]\ntraining_enabled = false\nmodel_names = orig\nepochs = 1\nbatch_size = 64\n";
const dataDir = mkdtempSync(join(tmpdir(), "rbao-admin-"));
const modelsDir = join(dataDir, "models"), backupsDir = join(dataDir, "backups");
let druid: StandInDruid;
let svc: RunningService;

async function call(method: string, path: string, body?: unknown, type = "application/json") {
  const r = await fetch(svc.trafficUrl + path, {
    method, signal: AbortSignal.timeout(15_000),
    ...(body === undefined ? {} : { headers: { "content-type": type }, body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: r.status, json: await r.json() as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

test.before(async () => {
  await importKeras({ kerasFile: fixturePath("upstream/traffic.keras"), name: "orig", modelsDir });
  // A second version replacing the first: the first becomes a backup (as a training would leave it).
  const first = readModelDir(join(modelsDir, "orig"));
  writeModelDir(modelsDir, "orig", { ...first, metadata: { ...first.metadata, avgLoss: 0.5 } }, { backupsDir, now: new Date("2026-12-01T10:00:00Z") });
  druid = await startStandInDruid(3);
  svc = await startService({ dataDir, env: { DRUID_ENDPOINT: druid.url }, configIni: CONFIG });
});

test.after(async () => {
  await svc?.stop();
  await druid?.close();
});

test("backups listed; a wrong one refused saying which there are; one restored, the replaced model backed up", async () => {
  assert.equal((await call("GET", "/api/v1/backups")).json.backups, [{ backup: "orig-2026-12-01T10-00-00Z", model: "orig", saved_at: "2026-12-01T10:00:00Z" }]);
  assert.equal((await call("GET", "/api/v1/backups?model=other")).json.backups, []);
  assert.is((await call("GET", "/api/v1/backups?modl=orig")).status, 400);
  let r = await call("POST", "/api/v1/models/orig/restore", { backup: "orig-2020-01-01T00-00-00Z" });
  assert.is(r.status, 404);
  assert.is(r.json.msg, 'no backup "orig-2020-01-01T00-00-00Z" of model \'orig\'; its backups (newest first): orig-2026-12-01T10-00-00Z');
  r = await call("POST", "/api/v1/models/or.ig/restore", { backup: "orig-2026-12-01T10-00-00Z" });
  assert.is(r.status, 400);
  assert.match(r.json.msg, /may only hold 1-64 letters, digits/);
  assert.is((await call("POST", "/api/v1/models/orig/restore", { backup: 1 })).status, 400);
  assert.is((await call("POST", "/api/v1/models/orig/restore", "backup=x", "application/x-www-form-urlencoded")).status, 415);
  assert.is(readModelDir(join(modelsDir, "orig")).metadata.avgLoss, 0.5);
  r = await call("POST", "/api/v1/models/orig/restore", { backup: "orig-2026-12-01T10-00-00Z" });
  assert.is(r.status, 200, JSON.stringify(r.json));
  assert.is(r.json.restored, "orig-2026-12-01T10-00-00Z");
  assert.is(readModelDir(join(modelsDir, "orig")).metadata.avgLoss, readModelDir(join(backupsDir, "orig-2026-12-01T10-00-00Z")).metadata.avgLoss);
  const backups = (await call("GET", "/api/v1/backups?model=orig")).json.backups as Array<{ backup: string }>;
  assert.is(backups.length, 2);
  assert.is(readModelDir(join(backupsDir, backups[0]!.backup)).metadata.avgLoss, 0.5, "the replaced version is the newest backup");
});

test("rollback on a standalone box: 409 saying models are not shared; a bad body 400 first", async () => {
  const r = await call("POST", "/api/v1/models/orig/rollback");
  assert.is(r.status, 409);
  assert.match(r.json.msg, /not shared through S3 on this box: set \[AWS\] s3_hostname/);
  assert.is((await call("POST", "/api/v1/models/orig/rollback", { version: 0 })).status, 400);
  assert.is((await call("POST", "/api/v1/models/orig/rollback", "{")).status, 400);
});

test("training: the CLI's checks with the fields' names; started now, refused while it runs; its progress and result kept across a restart", async () => {
  for (const [body, msg] of [
    [{ epochs: 0 }, `"epochs" must be a positive integer, got '0'`],
    [{ batch_size: 2.5 }, `"batch_size" must be a positive integer, got '2.5'`],
    [{ learning_rate: -1 }, `"learning_rate" must be a positive number, got '-1'`],
    [{ model: "../etc" }, `"model" must be a model name of 1-64 letters, digits, '_' or '-', got "../etc"`],
    [{ epochs: 1, colour: "red" }, `unknown field(s) "colour"; accepted fields: model, epochs, batch_size, learning_rate`],
  ] as const) {
    const r = await call("POST", "/api/v1/training", body);
    assert.is(r.status, 400, JSON.stringify(body));
    assert.is(r.json.msg, msg);
  }
  let r = await call("GET", "/api/v1/training");
  assert.equal([r.json.runs, r.json.next_training, r.json.defaults], [[], null, { model_names: "orig", epochs: 1, batch_size: 64 }]);
  r = await call("POST", "/api/v1/training", {});
  assert.is(r.status, 202, JSON.stringify(r.json));
  assert.equal(r.json.started.models, ["orig"]);
  r = await call("POST", "/api/v1/training", { epochs: 1 });
  assert.is(r.status, 409);
  assert.match(r.json.msg, /a training run is in progress \(orig\); one runs at a time/);
  assert.is((await call("POST", "/api/v1/models/orig/restore", { backup: "orig-2026-12-01T10-00-00Z" })).status, 409);
  let run: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let i = 0; i < 240; i++) {
    run = (await call("GET", "/api/v1/training")).json.runs[0];
    if (run.result !== "running") break;
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.is(run.result, "done", JSON.stringify(run));
  assert.equal([run.id, run.model, run.trigger, run.epoch, run.epochs], [1, "orig", "request", 1, 1]);
  assert.ok(run.host.length > 0 && run.duration_s > 0 && run.loss > 0 && run.avg_loss > 0 && run.backup !== null, JSON.stringify(run));
  assert.is((await call("GET", "/api/v1/backups?model=orig")).json.backups.length, 3, "the trained-over model backed up");
  await svc.stop();
  svc = await startService({ dataDir, env: { DRUID_ENDPOINT: druid.url }, configIni: CONFIG });
  assert.equal((await call("GET", "/api/v1/training")).json.runs, [run]);
  // The overview's part: the models' versions; Druid not asked by this process yet.
  const status = (await call("GET", "/status")).json;
  const orig = (status.models as Array<{ name: string; version: string }>).find((m) => m.name === "orig")!;
  assert.match(orig.version, /^written \d{4}-\d\d-\d\dT/);
  assert.equal(status.druid, { endpoint: druid.url, last_contact: null });
});

test.run();
