// The outbox sender against a real SQLite file and a real HTTP stand-in downstream: order per
// station, Idempotency-Key, pruning, backoff while down or failing, per-request timeout.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { until } from "../support/until";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { StationStore } from "../../src/stations/store";
import { OutboxSender, backoffDelay, classifyStatus, type DeliveryOutcome } from "../../src/stations/outbox-sender";
import pino from "pino";
import { silentLogger } from "../../src/runtime/logger";
import { Downstream } from "./downstream";
import { RawDownstream, type RawRequest } from "./raw-downstream";

function newStore() {
  return new StationStore(join(mkdtempSync(join(tmpdir(), "rbao-outbox-")), "stations.sqlite"));
}

function enqueue(store: StationStore, station: string, n: number) {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = randomUUID();
    keys.push(key);
    store.enqueue({ station_id: station, path: "/outliers/validate", body: JSON.stringify({ id_estacio: station, seq: i }), idempotency_key: key, created_ms: Date.now() });
  }
  return keys;
}

test("backoff doubles from the base, is capped, and jitters into [1/2, 1] of the step", () => {
  assert.is(backoffDelay(1, 250, 30_000, 1), 250);
  assert.is(backoffDelay(2, 250, 30_000, 1), 500);
  assert.is(backoffDelay(5, 250, 30_000, 1), 4000);
  assert.is(backoffDelay(20, 250, 30_000, 1), 30_000);
  assert.is(backoffDelay(200, 250, 30_000, 0), 15_000);
  assert.is(backoffDelay(3, 250, 30_000, 0), 500);
});

test("answers are classified: 2xx delivered; 5xx, 408, 425, 429 transient; other 4xx and 3xx rejected", () => {
  assert.equal([200, 204, 500, 503, 408, 425, 429, 400, 404, 409, 301].map(classifyStatus),
    ["delivered", "delivered", "transient", "transient", "transient", "transient", "transient", "rejected", "rejected", "rejected", "rejected"]);
});

test("user:password of the endpoint become Basic authorization; the URL is requested without them", async () => {
  const store = newStore();
  const down = await Downstream.start("ok");
  enqueue(store, "st_a", 2);
  const endpoint = `http://us%40er:p%3Ass@127.0.0.1:${down.port}/base/`;
  const sender = new OutboxSender({ store, endpoint, timeoutMs: 2000, maxBackoffMs: 1000, log: silentLogger() });
  sender.start();
  await until("the outbox empty", () => store.outboxStats().depth === 0, 5000);
  await sender.close();
  await down.close();
  assert.equal(down.received.map((r) => [r.path, r.authorization]), [1, 2].map(() => ["/base/outliers/validate", `Basic ${Buffer.from("us@er:p:ss").toString("base64")}`]));
});

test("delivers every entry once, in order per station, with its own Idempotency-Key, and prunes them", async () => {
  const store = newStore();
  const down = await Downstream.start("ok");
  const a = enqueue(store, "st_a", 20), b = enqueue(store, "estació-ü", 20);
  const sender = new OutboxSender({ store, endpoint: down.url + "/", timeoutMs: 2000, maxBackoffMs: 1000, log: silentLogger() });
  sender.start();
  await until("the outbox empty", () => store.outboxStats().depth === 0, 5000);
  await sender.close();
  const keysOf = (st: string) => down.received.filter((r) => (r.body as { id_estacio: string }).id_estacio === st).map((r) => r.key);
  assert.equal(keysOf("st_a"), a);
  assert.equal(keysOf("estació-ü"), b);
  assert.is(down.received.length, 40);
  assert.ok(down.received.every((r) => r.path === "/outliers/validate"));
  await down.close();
  store.close();
});

test("deliveries reuse their connections: 300 entries of 3 stations over at most one connection per station", async () => {
  const store = newStore();
  const down = await Downstream.start("ok");
  const keys = ["s1", "s2", "s3"].map((st) => enqueue(store, st, 100));
  const sender = new OutboxSender({ store, endpoint: down.url, timeoutMs: 2000, maxBackoffMs: 1000, log: silentLogger() });
  sender.start();
  await until("the outbox empty", () => store.outboxStats().depth === 0, 20_000);
  await sender.close();
  assert.ok(down.connections <= 3, `${down.connections} connections`);
  for (const [i, st] of ["s1", "s2", "s3"].entries())
    assert.equal(down.received.filter((r) => (r.body as { id_estacio: string }).id_estacio === st).map((r) => r.key), keys[i], `order of ${st}`);
  await down.close();
  store.close();
});

test("failures in the middle of a station's run of deliveries: every entry once, in order per station", async () => {
  const store = newStore();
  const down = await Downstream.start("ok");
  down.status = 503;
  // the downstream fails three runs of six attempts, each after a part was delivered (by count:
  // timed failures were raced past on a fast machine, every entry delivered before the first)
  down.failsAttempt = (n) => [20, 50, 80].some((from) => n > from && n <= from + 6);
  const stations = ["s1", "s2", "s3"];
  const keys = stations.map((st) => enqueue(store, st, 40));
  const sender = new OutboxSender({ store, endpoint: down.url, timeoutMs: 1000, baseBackoffMs: 5, maxBackoffMs: 20, log: silentLogger() });
  sender.start();
  await until("the outbox empty", () => store.outboxStats().depth === 0, 10_000);
  await sender.close();
  assert.is(down.attempts, down.received.length + 18, "18 attempts failed");
  assert.is(down.received.length, 120, "each entry acknowledged once");
  for (const [i, st] of stations.entries())
    assert.equal(down.received.filter((r) => (r.body as { id_estacio: string }).id_estacio === st).map((r) => r.key), keys[i], `order of ${st}`);
  await down.close();
  store.close();
});

test("connections reset in the middle of pipelined deliveries: every entry acknowledged, each station's in order", async () => {
  const store = newStore();
  // every 7th request resets its connection: the requests pipelined behind it on it fail too
  let seen = 0;
  const acknowledged: RawRequest[] = [];
  const down = await RawDownstream.start((r, socket) => {
    if (++seen % 7 === 0) { socket.resetAndDestroy(); return; }
    acknowledged.push(r);
    socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  });
  const stations = ["s1", "s2", "s3", "s4", "s5", "s6"];
  const keys = stations.map((st) => enqueue(store, st, 30));
  const sender = new OutboxSender({ store, endpoint: down.url, timeoutMs: 1000, baseBackoffMs: 5, maxBackoffMs: 20, concurrency: 6, log: silentLogger() });
  sender.start();
  await until("the outbox empty", () => store.outboxStats().depth === 0, 20_000);
  await sender.close();
  assert.ok(down.requests.length > acknowledged.length && Math.max(...down.requests.map((r) => r.batch)) > 1, "resets hit pipelined requests");
  // an answer written just before a reset may be lost with it: that entry is sent again (at least once)
  const firstAcks = [...new Map(acknowledged.map((r) => [r.headers["idempotency-key"], r])).values()];
  assert.is(firstAcks.length, 180, "every entry acknowledged");
  for (const [i, st] of stations.entries()) {
    const mine = (r: RawRequest) => (JSON.parse(r.body) as { id_estacio: string }).id_estacio === st;
    assert.equal(firstAcks.filter(mine).map((r) => r.headers["idempotency-key"]), keys[i], `order of ${st}`);
    // one in flight per station: its requests (retries included) never go back to an earlier entry
    const order = down.requests.filter(mine).map((r) => keys[i]!.indexOf(r.headers["idempotency-key"]!));
    assert.ok(order.every((k, j) => j === 0 || k >= order[j - 1]!), `attempts of ${st} in order`);
  }
  await down.close();
  store.close();
});

test("a downstream that is down, then answers 503, then recovers gets everything in order; retries back off", async () => {
  const store = newStore();
  const down = await Downstream.start("down");
  const keys = enqueue(store, "s1", 5);
  const outcomes: DeliveryOutcome[] = [];
  const sender = new OutboxSender({ store, endpoint: down.url, timeoutMs: 1000, baseBackoffMs: 20, maxBackoffMs: 80, log: silentLogger(), random: () => 1, onAttempt: (o) => outcomes.push(o) });
  sender.start();
  await until("3 outcomes", () => outcomes.length >= 3, 3000);
  assert.ok(outcomes.every((o) => o === "transient"));
  assert.is(store.outboxStats().depth, 5);
  assert.match(store.outboxStats().last_error ?? "", /ECONNREFUSED/);
  // with base 20 ms and cap 80 ms, three failures take >= 20 + 40 ms of backoff
  down.status = 503;
  await down.setMode("status");
  await until("2 attempts at the downstream", () => down.attempts >= 2, 3000);
  assert.is(store.outboxStats().depth, 5);
  await down.setMode("ok");
  await until("the outbox empty", () => store.outboxStats().depth === 0, 3000);
  await sender.close();
  assert.equal(down.uniqueKeys(), keys);
  await down.close();
  store.close();
});

test("a recovery is logged once with how long deliveries failed, and the flushed backlog with its count", async () => {
  const store = newStore();
  const down = await Downstream.start("down");
  enqueue(store, "s1", 5);
  enqueue(store, "s2", 3);
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  const outcomes: DeliveryOutcome[] = [];
  const sender = new OutboxSender({ store, endpoint: down.url, timeoutMs: 1000, baseBackoffMs: 20, maxBackoffMs: 40, log, onAttempt: (o) => outcomes.push(o) });
  sender.start();
  await until("4 outcomes", () => outcomes.length >= 4, 3000);
  await down.setMode("ok");
  await until("the line \"downstream backlog flushed\"", () => lines.some((l) => l.msg === "downstream backlog flushed"), 3000);
  await sender.close();
  const recovered = lines.filter((l) => l.msg === "downstream recovered; delivering the queued results");
  assert.is(recovered.length, 1, "one recovery line");
  const r = recovered[0]!;
  assert.ok((r.failed_attempts as number) >= 4, `failed_attempts ${r.failed_attempts}`);
  assert.ok((r.failing_seconds as number) > 0 && (r.failing_seconds as number) < 3, `failing_seconds ${r.failing_seconds}`);
  assert.is(r.queued, 7, "the entries left after the first delivery");
  const flushed = lines.filter((l) => l.msg === "downstream backlog flushed");
  assert.is(flushed.length, 1);
  assert.is(flushed[0]!.delivered, 8, "every entry, the first included");
  assert.is(store.outboxStats().depth, 0);
  await down.close();
  store.close();
});

test("a downstream that never answers is abandoned after the timeout and the entry stays queued", async () => {
  const store = newStore();
  const down = await Downstream.start("hang");
  enqueue(store, "s1", 2);
  const times: number[] = [];
  const sender = new OutboxSender({ store, endpoint: down.url, timeoutMs: 150, baseBackoffMs: 10, maxBackoffMs: 20, log: silentLogger(), onAttempt: (_o, ms) => times.push(ms) });
  sender.start();
  await until("2 attempts", () => times.length >= 2, 3000);
  await sender.close();
  assert.ok(times.every((t) => t >= 140 && t < 1000), `attempt durations ${times}`);
  assert.is(store.outboxStats().depth, 2);
  assert.match(store.outboxStats().last_error ?? "", /no answer within 150 ms/);
  await down.close();
  store.close();
});

test("a 4xx keeps the entry and retries it at the capped backoff; nothing behind it overtakes it", async () => {
  const store = newStore();
  const down = await Downstream.start("status");
  down.status = 404;
  const keys = enqueue(store, "s1", 3);
  const outcomes: DeliveryOutcome[] = [];
  const sender = new OutboxSender({ store, endpoint: down.url, timeoutMs: 1000, baseBackoffMs: 1, maxBackoffMs: 100, log: silentLogger(), onAttempt: (o) => outcomes.push(o) });
  const t0 = Date.now();
  sender.start();
  await until("2 outcomes", () => outcomes.length >= 2, 3000);
  assert.ok(Date.now() - t0 >= 100, "the second attempt waited for the cap");
  assert.equal(outcomes.slice(0, 2), ["rejected", "rejected"]);
  await down.setMode("ok");
  await until("the outbox empty", () => store.outboxStats().depth === 0, 3000);
  await sender.close();
  assert.equal(down.uniqueKeys(), keys);
  await down.close();
  store.close();
});

test.run();
