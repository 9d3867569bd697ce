// The outbox's head index (outbox_heads) against a real SQLite file: it always names each station's
// oldest entry with its due time, survives a reopen, is rebuilt for a database written without it,
// and the sender's queries read it through indexes (no scan of the outbox).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StationStore } from "./store";

function newFile() {
  return join(mkdtempSync(join(tmpdir(), "rbao-store-")), "stations.sqlite");
}

function put(store: StationStore, station: string, key: string, created: number) {
  store.enqueue({ station_id: station, path: "/outliers/validate", body: "{}", idempotency_key: key, created_ms: created });
}

const keys = (rows: { idempotency_key: string }[]) => rows.map((r) => r.idempotency_key);

test("dueHeads gives each station's oldest entry, earliest due first, up to the limit; delivery and failure move the heads", () => {
  const store = new StationStore(newFile());
  put(store, "a", "a1", 100); put(store, "b", "b1", 110); put(store, "a", "a2", 120); put(store, "c", "c1", 130);
  assert.equal(keys(store.dueHeads(1000, 10)), ["a1", "b1", "c1"]);
  assert.equal(keys(store.dueHeads(115, 10)), ["a1", "b1"], "only those due by then");
  assert.equal(keys(store.dueHeads(1000, 2)), ["a1", "b1"], "limit");
  assert.is(store.nextDue(), 100);
  const [a1] = store.dueHeads(1000, 1);
  store.markFailed(a1!.id, 1, 500, "HTTP 503");
  assert.equal(keys(store.dueHeads(1000, 10)), ["b1", "c1", "a1"], "a failed head waits for its backoff");
  assert.equal(keys(store.dueHeads(400, 10)), ["b1", "c1"]);
  assert.is(store.outboxStats().last_error, "HTTP 503");
  store.markDelivered([a1!.id]);
  assert.equal(keys(store.dueHeads(1000, 10)), ["b1", "a2", "c1"], "a's next entry is its head, due since it was queued");
  assert.is(store.outboxStats().last_error, null);
  assert.equal(store.outboxStats(), { depth: 3, oldest_ms: 110, last_error: null });
  store.markDelivered(store.dueHeads(1000, 10).map((h) => h.id));
  store.markDelivered(store.dueHeads(1000, 10).map((h) => h.id));
  assert.equal(store.dueHeads(1000, 10), []);
  assert.is(store.nextDue(), undefined);
  assert.equal(store.outboxStats(), { depth: 0, oldest_ms: null, last_error: null });
  store.close();
});

test("the heads are rebuilt at open for a database whose outbox was written without them", () => {
  const file = newFile();
  let store = new StationStore(file);
  put(store, "a", "a1", 100); put(store, "a", "a2", 101); put(store, "b", "b1", 102);
  store.markFailed(store.dueHeads(1000, 1)[0]!.id, 2, 900, "HTTP 500");
  store.db.exec("DROP TABLE outbox_heads"); // as an older release left it
  store.close();
  store = new StationStore(file);
  assert.equal(keys(store.dueHeads(1000, 10)), ["b1", "a1"]);
  assert.is(store.nextDue(), 102);
  store.close();
});

test("the sender's per-delivery queries use indexes and scan no table", () => {
  const store = new StationStore(newFile());
  const plan = (sql: string) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
  const queries = [
    "SELECT o.* FROM outbox_heads h JOIN outbox o ON o.id = h.entry_id WHERE h.next_attempt_ms <= 5 ORDER BY h.next_attempt_ms, h.entry_id LIMIT 8",
    "SELECT MIN(next_attempt_ms) FROM outbox_heads",
    "SELECT station_id, id, next_attempt_ms FROM outbox WHERE station_id = 'a' ORDER BY id LIMIT 1",
    "UPDATE outbox_heads SET next_attempt_ms = 1 WHERE entry_id = 3",
  ];
  for (const q of queries) {
    const details = plan(q);
    assert.ok(details.every((d) => !/^SCAN /.test(d) && !/TEMP B-TREE/.test(d)), `${q}: ${details.join(" | ")}`);
  }
  store.close();
});

test.run();
