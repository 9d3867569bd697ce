// The schedule_hour cron inside the service: training runs in a worker thread while the traffic
// API keeps answering with the loaded model, then the new model is picked up; SIGTERM during a
// run stops it and leaves the model files whole. Stand-in Druid broker, 1 epoch per run.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath, readFixtureJson } from "../support/fixtures";
import { startService } from "../support/service-process";
import { importKeras } from "../../src/deep/files/keras-io";
import { readModelDir } from "../../src/deep/files/model-files";
import { startStandInDruid } from "./stand-in-druid";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("scheduled training in the service: requests served during the run, new model used after", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rbao-cron-"));
  await importKeras({ kerasFile: fixturePath("upstream/traffic.keras"), name: "orig", modelsDir: join(dataDir, "models") });
  const druid = await startStandInDruid(3);
  const before = readModelDir(join(dataDir, "models/orig")).metadata.avgLoss;
  const svc = await startService({
    dataDir, env: { DRUID_ENDPOINT: druid.url },
    // Every 5 seconds (croner's seconds field); protect keeps runs from overlapping.
    configIni: "[Outliers]\nschedule_hour = */5 * * * * *\nmodel_names = orig\nepochs = 1\nbatch_size = 64\n",
  });
  try {
    const rows = readFixtureJson("upstream/outliers_test_data.json");
    const body = new URLSearchParams({ data: b64(JSON.stringify(rows)), model: b64("orig") });
    let served = 0, trainedAt = -1;
    for (let i = 0; i < 240 && trainedAt < 0; i++) {
      const res = await fetch(`${svc.trafficUrl}/api/v1/outliers`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
      assert.is(res.status, 200);
      served++;
      if (readModelDir(join(dataDir, "models/orig")).metadata.avgLoss !== before) trainedAt = served;
      else await sleep(500);
    }
    assert.ok(trainedAt > 0, `no scheduled training finished:\n${svc.output()}`);
    assert.match(svc.output(), /"msg":"training epoch"/);
    assert.match(svc.output(), /"msg":"scheduled training done"/);
    assert.ok(druid.queries.length >= 8);
    assert.ok(readdirSync(join(dataDir, "backups")).some((b) => b.startsWith("orig-")));
    // The next run starts within 5 s; stop the service while it may be running.
    await sleep(6000);
    assert.is(await svc.stop(), 0);
    const after = readModelDir(join(dataDir, "models/orig")); // whole and readable
    assert.ok(after.weights.length > 0);
    assert.equal(readdirSync(join(dataDir, "models")).filter((n) => n.startsWith(".orig.")), [], "no half-written model left");
  } finally {
    await svc.kill9();
    await druid.close();
  }
});

test.run();
