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

test("entriesAfter reads a station's entries after one; deleting several of a station's entries at once moves its head past them", () => {
  const store = new StationStore(newFile());
  for (let i = 1; i <= 5; i++) { put(store, "a", `a${i}`, 100 + i); put(store, "b", `b${i}`, 100 + i); }
  const [a1] = store.dueHeads(1000, 1);
  const after = store.entriesAfter("a", a1!.id, 3);
  assert.equal(keys(after), ["a2", "a3", "a4"]);
  assert.equal(keys(store.entriesAfter("a", after[2]!.id, 10)), ["a5"]);
  // a1..a3 delivered in a row (the sender sends a station's next entries before deleting)
  store.markDelivered([a1!.id, after[0]!.id, after[1]!.id]);
  assert.equal(keys(store.dueHeads(1000, 10)), ["b1", "a4"]);
  assert.is(store.outboxStats().depth, 7);
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
    "SELECT * FROM outbox WHERE station_id = 'a' AND id > 3 ORDER BY id LIMIT 16",
    "UPDATE outbox_heads SET next_attempt_ms = 1 WHERE entry_id = 3",
  ];
  for (const q of queries) {
    const details = plan(q);
    assert.ok(details.every((d) => !/^SCAN /.test(d) && !/TEMP B-TREE/.test(d)), `${q}: ${details.join(" | ")}`);
  }
  store.close();
});

test.run();
