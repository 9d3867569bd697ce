// Issue 14 part 5, the failures, with three service processes as three boxes of a cluster on a
// real redis-server, s3rver and the stand-in Druid broker (./box-cluster.ts):
// - kill -9 of the box training mid-run: another box takes the lease over within lease_ms (+ its
//   wait between tries + slack) and trains that tick, with a larger fence; the killed run's version
//   is never published, and no box ever answers a version, or serves a model, that is not complete
//   in S3;
// - S3 stopped: the two boxes left keep serving (an outliers request with the model), /health
//   degraded naming the cause; S3 back: ok again.
// (Redis stopped, and the rollback, are in ./three-boxes.test.ts.) No secret in any log, /health
// or /metrics.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { setTimeout as sleep } from "node:timers/promises";
import { redisMissing } from "../support/cluster-servers";
import {
  clusterIni, completeVersions, detectStatus, firstAnswered, health, initialAvgLoss, loggedBy, secretsShown, until, untilHealthOk, withCluster,
} from "./box-cluster";

const missing = redisMissing();
if (missing) console.log(`skipped: ${missing}`);

const PERIOD_S = 10;
const SYNC_S = 2;
const LEASE_MS = 4000;
/** A waiting box tries the lease every min(1 s, lease_ms / 3) (src/app/deep-models.ts). */
const RETRY_MS = Math.min(1000, LEASE_MS / 3);
/** Log lines and HTTP answers on a loaded machine. */
const SLACK_MS = 2000;

if (!missing) test("kill -9 of the training box: another box trains that tick, nothing half-written is served; S3 stopped and back", () => withCluster(
  // 4 epochs: in the executable one epoch's training ended 0.57 s after it started, before the kill
  (servers) => clusterIni(servers, { schedule: `*/${PERIOD_S} * * * * *`, leaseMs: LEASE_MS, syncS: SYNC_S, epochs: 4 }),
  async ({ servers, boxes, watch }) => {
    const from = new Date((Math.floor(Date.now() / (PERIOD_S * 1000)) + 1) * PERIOD_S * 1000).toISOString();
    const started = () => loggedBy(boxes, "scheduled training started").filter((l) => (l.tick as string) >= from);

    // The first training after all three are up; its box is killed a quarter of a second in.
    const victim = await until("a training started", 3 * PERIOD_S * 1000 + 20_000, async () => started()[0], 50);
    await sleep(200);
    const killedAt = Date.now();
    await boxes[victim.box]!.kill9();
    const victimDone = loggedBy([boxes[victim.box]!], "scheduled training done").some((l) => l.tick === victim.tick);
    assert.not.ok(victimDone, "killed mid-run: the training had not finished");

    const takeover = await until(`another box training tick ${victim.tick}`, LEASE_MS + 20_000, async () =>
      started().find((l) => l.tick === victim.tick && l.box !== victim.box));
    const after = Date.parse(takeover.time) - killedAt;
    console.log(`box ${victim.box} killed during tick ${victim.tick} (version ${victim.version}); box ${takeover.box} took it over after ${after} ms as version ${takeover.version}`);
    assert.ok(after <= LEASE_MS + RETRY_MS + SLACK_MS, `the lease was lost within lease_ms: taken over after ${after} ms`);
    assert.ok((takeover.version as number) > (victim.version as number), "a larger fence");

    const survivors = boxes.map((_, i) => i).filter((i) => i !== victim.box);
    const pub = await until(`version ${takeover.version} published`, 60_000, async () =>
      loggedBy(boxes, "model published to S3").find((l) => l.version === takeover.version));
    const at = Date.parse(pub.time);
    await until(`version ${takeover.version} on the boxes left`, SYNC_S * 1000 + 10_000, async () =>
      (survivors.every((i) => firstAnswered(watch.samples, i, takeover.version as number, at) !== undefined) ? true : undefined));
    await watch.stop();

    // The killed run never published; every version answered and every model served was complete.
    const complete = await completeVersions(servers);
    assert.not.ok(complete.has(victim.version as number), "the killed box's version is not in S3");
    const servable = new Set([await initialAvgLoss(), ...complete.values()]);
    for (const s of watch.samples) {
      assert.is.not(s.version, victim.version, "no box answered the killed run's version");
      if (s.version !== undefined) assert.ok(complete.has(s.version), `box ${s.box} answered version ${s.version}, complete in S3`);
      assert.ok(servable.has(s.avgLoss!), `box ${s.box} served avg_loss ${s.avgLoss}: the imported model or a complete version`);
    }
    console.log(`${watch.samples.length} answers checked against ${complete.size} complete versions`);

    // S3 stopped: serving goes on, /health says degraded and why; then back.
    const left = survivors.map((i) => boxes[i]!);
    await servers.s3.stop();
    const degraded = await until("/health degraded on the boxes left", 30_000, async () => {
      const h = await Promise.all(left.map(health));
      return h.every((x) => x.status === "degraded" && x.cluster.s3.state === "unreachable") ? h : undefined;
    });
    for (const h of degraded) assert.match(h.cluster.s3.error, /^S3 GET .*: unreachable/, "the cause is named");
    console.log(`S3 stopped: ${degraded[0].cluster.s3.error}`);
    assert.equal(await Promise.all(left.map(detectStatus)), [200, 200], "both still serve outliers with the model");
    await servers.s3.start();
    await untilHealthOk(left);

    for (const box of left) assert.equal(await secretsShown(box), [], "no secret in the log, /health or /metrics");
  }));

test.run();
