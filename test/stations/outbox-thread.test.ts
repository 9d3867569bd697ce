// The outbox sender in its worker thread (src/stations/outbox-thread.ts) against a real SQLite file
// written by this thread's connection and a real HTTP stand-in downstream: entries committed here
// are delivered by the thread, in order per station, its log lines and attempt counts come back,
// and close() deletes what it delivered; a thread that cannot start leaves the work to an
// in-process sender.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import pino from "pino";
import { StationStore } from "../../src/stations/store";
import { OutboxSender, type DeliveryOutcome } from "../../src/stations/outbox-sender";
import { OutboxSenderThread } from "../../src/stations/outbox-thread";
import { Downstream } from "./downstream";

function enqueue(store: StationStore, station: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const key = randomUUID();
    store.enqueue({ station_id: station, path: "/outliers/validate", body: JSON.stringify({ id_estacio: station, seq: i }), idempotency_key: key, created_ms: Date.now() });
    return key;
  });
}

async function until(cond: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("the thread delivers what this connection commits, in order; logs and counts come back; close deletes what it delivered", async () => {
  const store = new StationStore(join(mkdtempSync(join(tmpdir(), "rbao-outbox-thread-")), "stations.sqlite"));
  const down = await Downstream.start("down");
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  const counts: Partial<Record<DeliveryOutcome, number>> = {};
  let inProcess = 0;
  const thread = new OutboxSenderThread({
    file: store.db.name, synchronous: "normal", endpoint: down.url, timeoutMs: 2000, maxBackoffMs: 100, log,
    onAttempts: (o, n) => (counts[o] = (counts[o] ?? 0) + n),
    inProcess: () => { inProcess++; return new OutboxSender({ store, endpoint: down.url, timeoutMs: 2000, maxBackoffMs: 100, log }); },
  });
  thread.start();
  const a = enqueue(store, "a", 30), b = enqueue(store, "b", 30);
  thread.wake();
  await until(() => (counts.transient ?? 0) >= 2, 20_000, "failed attempts counted");
  assert.ok(lines.some((l) => l.msg === "downstream delivery failed; will retry" && l.level === 40), "the thread's warning, logged here");
  await down.setMode("ok");
  const c = enqueue(store, "a", 10);
  thread.wake();
  await until(() => store.outboxStats().depth === 0, 20_000, "outbox empty");
  await thread.close();
  assert.is(inProcess, 0, "the thread ran");
  const keysOf = (st: string) => down.received.filter((r) => (r.body as { id_estacio: string }).id_estacio === st).map((r) => r.key);
  assert.equal(keysOf("a"), [...a, ...c]);
  assert.equal(keysOf("b"), b);
  assert.is(counts.delivered, 70);
  assert.ok(lines.some((l) => l.msg === "downstream backlog flushed"));
  await down.close();
  store.close();
});

test("a thread that cannot start: the in-process sender delivers instead, with a warning", async () => {
  const store = new StationStore(join(mkdtempSync(join(tmpdir(), "rbao-outbox-thread-")), "stations.sqlite"));
  const down = await Downstream.start("ok");
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  // a directory where the database file should be: the thread's connection cannot open it
  const thread = new OutboxSenderThread({
    file: tmpdir(), synchronous: "normal", endpoint: down.url, timeoutMs: 2000, maxBackoffMs: 100, log,
    inProcess: () => new OutboxSender({ store, endpoint: down.url, timeoutMs: 2000, maxBackoffMs: 100, log }),
  });
  const keys = enqueue(store, "a", 5);
  thread.start();
  await until(() => store.outboxStats().depth === 0, 20_000, "outbox empty");
  await thread.close();
  assert.ok(lines.some((l) => l.msg === "outbox sender thread unavailable; deliveries run on the main thread"));
  assert.equal(down.uniqueKeys(), keys);
  await down.close();
  store.close();
});

test.run();
