// The traffic API running a deep model by name (`model` = base64 of the name), through the real
// service process: the original's traffic.keras imported into the service's models dir.
// Forecasts must equal the in-process computation exactly (same float32 model, same code).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, cpSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath, readFixtureJson } from "../support/fixtures";
import { startService, type RunningService } from "../support/service-process";
import { importKeras } from "../../src/deep/files/keras-io";
import { readModelDir } from "../../src/deep/files/model-files";
import { modelLoader } from "../../src/deep/inference/runtime-model";
import { detectAnomalies } from "../../src/deep/inference/detect";
import { formatMetadata } from "../../src/deep/files/metadata";

const rows = readFixtureJson("upstream/outliers_test_data.json") as { timestamp: string; result: Record<string, number> }[];
const b64 = (s: string) => Buffer.from(s).toString("base64");
const dataDir = mkdtempSync(join(tmpdir(), "rbao-deep-http-"));
let svc: RunningService;

async function outliers(body: Record<string, string>) {
  const res = await fetch(`${svc.trafficUrl}/api/v1/outliers`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

test.before(async () => {
  await importKeras({ kerasFile: fixturePath("upstream/traffic.keras"), name: "orig", modelsDir: join(dataDir, "models") });
  svc = await startService({ dataDir, configIni: "[Outliers]\ntraining_enabled = false\n" });
});
test.after(async () => { await svc?.stop(); });

test("model=<base64 name> runs the deep model: a forecast per row, equal to the in-process result", async () => {
  const { status, json } = await outliers({ data: b64(JSON.stringify(rows)), model: b64("orig") });
  assert.is(status, 200, JSON.stringify(json));
  assert.is(json.model, "orig");
  assert.is(json.predicted.length, 60, "60 rows (not a multiple of 16): the tail slice covers the last 12");
  const files = readModelDir(join(dataDir, "models/orig"));
  const local = await modelLoader("auto")(files); // what the service loads
  const mine = await detectAnomalies("orig", rows, json.metric, files.metadata, 5, local.reconstruct);
  assert.equal(json.predicted.map((p: any) => p.forecast), mine.predicted.map((p) => p.forecast));
  assert.equal(json.anomalies, mine.anomalies);
});

test("fewer rows than one slice: 400 saying how many rows are needed", async () => {
  const { status, json } = await outliers({ data: b64(JSON.stringify(rows.slice(0, 31))), model: b64("orig") });
  assert.is(status, 400);
  assert.is(json.status, "error");
  assert.match(json.msg, /needs at least 32 rows/);
});

test("a metric the model lacks: 400 naming the model's metrics", async () => {
  const data = rows.map((r) => ({ timestamp: r.timestamp, result: { monitors: r.result.bytes } }));
  const { status, json } = await outliers({ data: b64(JSON.stringify(data)), model: b64("orig") });
  assert.is(status, 400);
  assert.match(json.msg, /no metric 'monitors'/);
});

test("GET /api/v1/models lists the deep model with its metadata", async () => {
  const res = await fetch(`${svc.trafficUrl}/api/v1/models`);
  const json = (await res.json()) as any;
  const orig = json.models.find((m: any) => m.name === "orig");
  assert.ok(orig, JSON.stringify(json));
  assert.is(orig.kind, "deep");
  assert.is(orig.window_size, 16);
});

test("changed model files are picked up by the next request (reload on change)", async () => {
  const dir = join(dataDir, "models/orig");
  const files = readModelDir(dir);
  // Same weights, a much lower threshold: every row becomes an anomaly.
  const staged = mkdtempSync(join(tmpdir(), "rbao-stage-"));
  cpSync(dir, staged, { recursive: true });
  writeFileSync(join(staged, "metadata.ini"), formatMetadata({ ...files.metadata, avgLoss: 0, stdLoss: 0 }));
  cpSync(join(staged, "metadata.ini"), join(dir, "metadata.ini"));
  const { status, json } = await outliers({ data: b64(JSON.stringify(rows)), model: b64("orig") });
  assert.is(status, 200);
  assert.is(json.anomalies.length, 60);
});

test.run();
