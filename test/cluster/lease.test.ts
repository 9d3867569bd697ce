// The training lease on a real redis-server (docs/cluster.md): one holder per model and tick, a
// finished tick is not trained again, a holder that stops renewing (a killed box) loses the lease
// within lease_ms and the next holder's fencing token is larger; Redis down is reported, not hung.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { setTimeout as sleep } from "node:timers/promises";
import { TrainingLease } from "../../src/cluster/lease";
import { connectRedis, type RedisConnection } from "../../src/cluster/redis-connection";
import { redisMissing, startRedis, type RedisServer } from "../support/cluster-servers";

const missing = redisMissing();
if (missing) console.log(`skipped: ${missing}`);

let server: RedisServer;
const conns: RedisConnection[] = [];
const connect = async () => {
  const c = await connectRedis({ host: "127.0.0.1", port: server.port, password: "pw-planted", tls: false }, () => {});
  conns.push(c);
  for (let i = 0; i < 100 && c.state() !== "ok"; i++) await sleep(20);
  return c;
};

test.before(async () => { if (!missing) server = await startRedis("pw-planted"); });
test.after(async () => { for (const c of conns) await c.close(); await server?.stop(); });

if (!missing) {
  test("one holder per model and tick; a finished tick is not taken again; another model is free", async () => {
    const [a, b] = [await connect(), await connect()];
    const la = new TrainingLease(a.redis, { prefix: "t1/", leaseMs: 5000, box: "a" });
    const lb = new TrainingLease(b.redis, { prefix: "t1/", leaseMs: 5000, box: "b" });
    const first = await la.tryTake("traffic", 1000);
    assert.is(first.kind, "taken");
    assert.is((await lb.tryTake("traffic", 1000)).kind, "busy");
    assert.is((await lb.tryTake("other", 1000)).kind, "taken");
    if (first.kind !== "taken") return;
    assert.ok(await first.lease.finish());
    await first.lease.release();
    assert.is((await lb.tryTake("traffic", 1000)).kind, "done", "the tick is over for every box");
    const next = await lb.tryTake("traffic", 2000);
    assert.is(next.kind, "taken", "the next tick is free");
    if (next.kind === "taken") {
      assert.is(next.lease.fence, first.lease.fence + 1, "a later holder's fence is larger; a busy try drew none");
      await next.lease.release();
    }
  });

  test("a holder that stops renewing (killed) loses the lease within lease_ms; it cannot finish the tick after", async () => {
    const [a, b] = [await connect(), await connect()];
    const leaseMs = 600;
    const la = new TrainingLease(a.redis, { prefix: "t2/", leaseMs, box: "a" });
    const lb = new TrainingLease(b.redis, { prefix: "t2/", leaseMs, box: "b" });
    const held = await la.tryTake("traffic", 1);
    assert.is(held.kind, "taken");
    await sleep(leaseMs * 2);
    assert.is((await lb.tryTake("traffic", 1)).kind, "busy", "renewed while its box lives");
    await a.close(); // the box dies: no more renewals
    const t0 = Date.now();
    let taken;
    while (Date.now() - t0 < leaseMs * 3) {
      const r = await lb.tryTake("traffic", 1);
      if (r.kind === "taken") { taken = r.lease; break; }
      await sleep(50);
    }
    assert.ok(taken, "taken over");
    assert.ok(Date.now() - t0 <= leaseMs + 300, `within lease_ms (+ 300 ms of polling), took ${Date.now() - t0} ms`);
    if (held.kind === "taken") {
      assert.ok(held.lease.lost.aborted, "the dead holder's renewal failed");
      assert.ok(taken!.fence > held.lease.fence);
    }
    await taken!.release();
  });

  test("Redis stopped: the connection says unreachable and a lease call fails at once; back when Redis is", async () => {
    const a = await connect();
    const l = new TrainingLease(a.redis, { prefix: "t3/", leaseMs: 5000, box: "a" });
    await server.stop();
    for (let i = 0; i < 100 && a.state() === "ok"; i++) await sleep(20);
    assert.is(a.state(), "unreachable");
    const t0 = Date.now();
    await l.tryTake("traffic", 1).then(() => assert.unreachable("no answer without Redis"), (e: Error) => assert.match(e.message, /Stream isn't writeable|Connection is closed|ECONNREFUSED/));
    assert.ok(Date.now() - t0 < 2500, "fails fast");
    await server.start();
    for (let i = 0; i < 300 && a.state() !== "ok"; i++) await sleep(20);
    assert.is(a.state(), "ok", "reconnected");
    assert.is((await l.tryTake("traffic", 1)).kind, "taken");
  });
}

test.run();
