// Two service processes as two boxes of a cluster (issue 14 part 5, with two boxes rather than
// three to fit this machine): real redis-server and s3rver on loopback, a stand-in Druid broker.
// Shown: each schedule tick is trained by one box only; both boxes install the published version
// within a few polls; a rollback through the HTTP endpoint reaches both; Redis stopped -> both
// keep serving with /health degraded, and recover; no secret in any log, /health or /metrics.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { importKeras } from "../../src/deep/files/keras-io";
import { fixturePath } from "../support/fixtures";
import { startService, type RunningService } from "../support/service-process";
import { redisMissing, startRedis, startS3 } from "../support/cluster-servers";
import { startStandInDruid } from "../deep/stand-in-druid";

const missing = redisMissing();
if (missing) console.log(`skipped: ${missing}`);

async function until<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}
const health = async (box: RunningService) => (await fetch(`${box.trafficUrl}/health`)).json() as Promise<any>;
const trainedTicks = (box: RunningService) => [...box.output().matchAll(/"tick":"([^"]+)"[^\n]*"msg":"scheduled training started"/g)].map((m) => m[1]);

if (!missing) test("two boxes: one training per tick, one model version everywhere, rollback, Redis down and back", async () => {
  const [redis, s3, druid] = [await startRedis("planted-redis-pw"), await startS3(), await startStandInDruid(5)];
  const boxes: RunningService[] = [];
  try {
    const configIni = `[Outliers]\nschedule_hour = */20 * * * * *\nmodel_names = orig\nepochs = 1\nbatch_size = 64\n`
      + `[Redis]\nrd_hostname = 127.0.0.1\nrd_port = ${redis.port}\nlease_ms = 3000\n`
      + `[AWS]\ns3_hostname = ${s3.endpoint}\ns3_bucket = ${s3.bucket}\ns3_public_key = S3RVER\nsync_interval_s = 1\n`;
    const env = { DRUID_ENDPOINT: druid.url, RB_AIOUTLIERS_REDIS_RD_SECRET: "planted-redis-pw", RB_AIOUTLIERS_AWS_S3_PRIVATE_KEY: "planted-s3-secret" };
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), "rbao-box-"));
      await importKeras({ kerasFile: fixturePath("upstream/traffic.keras"), name: "orig", modelsDir: join(dataDir, "models") });
      boxes.push(await startService({ dataDir, env, configIni, startTimeoutMs: 90_000 }));
    }
    // The first tick's version, on both boxes.
    const first = await until("a version on both boxes", 240_000, async () => {
      const v = (await Promise.all(boxes.map(health))).map((h) => h.cluster?.s3?.versions?.orig);
      return v[0] !== undefined && v[0] === v[1] ? v[0] as number : undefined;
    });
    const ticks = boxes.flatMap(trainedTicks);
    assert.ok(ticks.length >= 1);
    assert.is(new Set(ticks).size, ticks.length, `each tick trained by one box: ${ticks.join(", ")}`);

    // A rollback on box 0 reaches box 1 (the version before is the bundled one? no: only published ones count).
    const rb = await fetch(`${boxes[0].trafficUrl}/api/v1/models/orig/rollback`, { method: "POST" });
    if (first > 1 && rb.status === 200) {
      const r = await rb.json() as { to: number };
      await until("the rollback on box 1", 15_000, async () => ((await health(boxes[1])).cluster.s3.versions.orig === r.to ? true : undefined));
    } else {
      assert.is(rb.status, 404, "only one version: nothing to go back to");
      assert.match(await rb.text(), /has no version before/);
    }

    await redis.stop();
    const degraded = await until("degraded /health", 15_000, async () => {
      const h = await Promise.all(boxes.map(health));
      return h.every((x) => x.status === "degraded" && x.cluster.redis.state === "unreachable") ? h : undefined;
    });
    assert.is(degraded.length, 2);
    for (const box of boxes) assert.is((await fetch(`${box.trafficUrl}/api/v1/models`)).status, 200, "still serving");
    await redis.start();
    await until("ok /health again", 20_000, async () => ((await Promise.all(boxes.map(health))).every((x) => x.status === "ok") ? true : undefined));

    for (const box of boxes) {
      const seen = box.output() + JSON.stringify(await health(box)) + await (await fetch(`${box.trafficUrl}/metrics`)).text();
      assert.not.match(seen, /planted/, "no secret in the log, /health or /metrics");
    }
  } finally {
    for (const b of boxes) await b.kill9();
    await redis.stop();
    await s3.stop();
    await druid.close();
  }
});

test.run();
