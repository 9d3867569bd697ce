// The outbox sender when the station store cannot record a delivery (issue 17 part 7): a full disk
// fails markDelivered with a StorageError. The process must not die of the error, and nothing is
// re-sent: deliveries pause (1 s), the deletion is retried, and every entry arrives exactly once. Real SQLite file, real HTTP stand-in downstream.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { StationStore } from "../../src/stations/store";
import { StorageError } from "../../src/runtime/storage-health";
import { OutboxSender } from "../../src/stations/outbox-sender";
import { silentLogger } from "../../src/runtime/logger";
import { Downstream } from "./downstream";

test("markDelivered failing on a full disk: no crash, a pause instead of a loop, everything delivered once", async () => {
  const store = new StationStore(join(mkdtempSync(join(tmpdir(), "rbao-outbox-full-")), "stations.sqlite"));
  const keys: string[] = [];
  for (let i = 0; i < 5; i++) {
    keys.push(randomUUID());
    store.enqueue({ station_id: "s1", path: "/outliers/validate", body: JSON.stringify({ seq: i }), idempotency_key: keys[i]!, created_ms: Date.now() });
  }
  let failures = 2;
  const markDelivered = store.markDelivered.bind(store);
  store.markDelivered = (ids: number[]) => {
    if (failures-- > 0) throw new StorageError("full", store.health.path, "the station store is full");
    markDelivered(ids);
  };
  const down = await Downstream.start("ok");
  const sender = new OutboxSender({ store, endpoint: down.url, timeoutMs: 1000, maxBackoffMs: 1000, log: silentLogger() });
  const started = Date.now();
  sender.start();
  const end = started + 8000;
  while (store.outboxStats().depth > 0) {
    assert.ok(Date.now() < end, "the outbox did not drain");
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = Date.now() - started;
  await sender.close();
  // the deletion failed twice, each time followed by a pause of 1 s; nothing was sent twice
  assert.equal(down.received.map((r) => r.key), keys);
  assert.ok(ms >= 1900, `drained after ${ms} ms`);
  await down.close();
  store.close();
});

test.run();
