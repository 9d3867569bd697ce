// The history's rows in SQLite: ids of (station key, upto) keep stations apart for reads, retention
// and deletion; the station keys stay within the id's bits, reusing freed ones past the limit.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openSqlite } from "../runtime/sqlite";
import { packBlock } from "./history-chunks";
import { StationRecords, type HistoryRow } from "./station-records";

const stamp = (k: number) => new Date(Date.UTC(2021, 0, 1) + (k % 100_000) * 60_000).toISOString();

function setup() {
  const db = openSqlite(":memory:");
  const records = new StationRecords(db);
  /** Samples from..from+n-1 of one variable as one block of station `id`. */
  const block = (id: string, key: number, from: number, n: number) => {
    const rows: HistoryRow[] = Array.from({ length: n }, (_, i) => ({ seq: from + i + 1, timestamp: stamp(from + i), time_ms: Date.parse(stamp(from + i)), value: from + i, score: 0.5, label: 0 }));
    records.insertHistory(id, from + n, rows[n - 1]!.time_ms, packBlock(rows.map((r) => r.timestamp), [{ key, rows, positions: rows.map((_, i) => i), late: [] }]));
  };
  return { db, records, block };
}

test("stations' rows apart: reads, upto, retention and deletion touch only their station", () => {
  const { db, records, block } = setup();
  const a = records.newHistoryKey("a", "v"), b = records.newHistoryKey("b", "v");
  for (let from = 0; from < 50; from += 10) { block("a", a, from, 10); block("b", b, from, 10); }
  assert.is(records.historyUpto("a"), 50);
  assert.is(records.historyUpto("none"), 0);
  records.trimHistory("a", 30);
  assert.equal(records.history("a", "v", 0, 0, 1000).map((r) => r.seq), Array.from({ length: 20 }, (_, i) => 31 + i));
  assert.is(records.history("b", "v", 0, 0, 1000).length, 50);
  assert.equal(records.history("b", "v", 0, Date.parse(stamp(45)), 3).map((r) => r.value), [45, 46, 47], "since a time, up to a limit");
  records.deleteStation("a");
  assert.is(records.history("a", "v", 0, 0, 1000).length, 0);
  assert.is(records.historyUpto("a"), 0);
  assert.is(records.history("b", "v", 0, 0, 1000).length, 50);
  assert.is(db.prepare("SELECT COUNT(*) FROM block_history").pluck().get(), 5);
});

test("station keys: past 2^23 - 1, a freed key is reused and ids stay exact", () => {
  const { db, records, block } = setup();
  db.prepare("INSERT INTO history_stations (key, station_id) VALUES (?, 'last')").run(2 ** 23 - 1);
  block("last", records.newHistoryKey("last", "v"), 0, 10);
  block("first", records.newHistoryKey("first", "v"), 0, 10);
  assert.is(db.prepare("SELECT key FROM history_stations WHERE station_id = 'first'").pluck().get(), 1, "the smallest free key");
  block("second", records.newHistoryKey("second", "v"), 0, 10);
  assert.is(db.prepare("SELECT key FROM history_stations WHERE station_id = 'second'").pluck().get(), 2);
  for (const id of ["last", "first", "second"]) {
    assert.equal(records.history(id, "v", 0, 0, 1000).map((r) => r.seq), Array.from({ length: 10 }, (_, i) => i + 1), id);
    assert.is(records.historyUpto(id), 10, id);
  }
  // a block far along (upto near 2^40) of the station with the largest key
  block("last", 1, 2 ** 40 - 11, 10);
  assert.is(records.historyUpto("last"), 2 ** 40 - 1);
});

test("a station key taken in a transaction that rolls back is not used afterwards", () => {
  const { db, records, block } = setup();
  const v = records.newHistoryKey("a", "v");
  assert.throws(() => db.transaction(() => { block("a", v, 0, 10); throw new Error("disk"); })());
  assert.is(db.prepare("SELECT COUNT(*) FROM history_stations").pluck().get(), 0);
  db.prepare("INSERT INTO history_stations (station_id) VALUES ('other')").run(); // takes the key "a" had
  block("a", v, 0, 10);
  block("a", v, 10, 10);
  assert.is(records.history("a", "v", 0, 0, 1000).length, 20);
  assert.is(records.historyUpto("other"), 0);
});

test.run();
