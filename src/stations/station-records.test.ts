// The history's rows in SQLite, appended to slabs (./history-slabs.ts): ids of (station key, upto)
// keep stations apart for reads, retention and deletion; the station keys stay within the id's bits,
// reusing freed ones past the limit; a rolled-back append leaves nothing behind.
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
  const block = (id: string, key: number, from: number, n: number, trimTo?: number) => {
    const rows: HistoryRow[] = Array.from({ length: n }, (_, i) => ({ seq: from + i + 1, timestamp: stamp(from + i), time_ms: Date.parse(stamp(from + i)), value: from + i, score: 0.5, label: 0 }));
    records.insertHistory(id, from + n, rows[n - 1]!.time_ms, packBlock(rows.map((r) => r.timestamp), [{ key, rows, positions: rows.map((_, i) => i), late: [] }]), trimTo);
  };
  return { db, records, block };
}

test("stations' rows apart: reads, upto, retention and deletion touch only their station", () => {
  const { db, records, block } = setup();
  const a = records.newHistoryKey("a", "v"), b = records.newHistoryKey("b", "v");
  for (let from = 0; from < 40; from += 10) { block("a", a, from, 10); block("b", b, from, 10); }
  block("a", a, 40, 10, 30);
  block("b", b, 40, 10);
  assert.is(records.historyUpto("a"), 50);
  assert.is(records.historyUpto("none"), 0);
  assert.equal(records.history("a", "v", 0, 0, 1000).map((r) => r.seq), Array.from({ length: 20 }, (_, i) => 31 + i), "trimmed up to 30");
  block("a", a, 50, 10);
  assert.equal(records.history("a", "v", 0, 0, 1000).map((r) => r.seq), Array.from({ length: 30 }, (_, i) => 31 + i), "the cut carries over");
  assert.is(records.history("b", "v", 0, 0, 1000).length, 50);
  assert.equal(records.history("b", "v", 0, Date.parse(stamp(45)), 3).map((r) => r.value), [45, 46, 47], "since a time, up to a limit");
  records.deleteStation("a");
  assert.is(records.history("a", "v", 0, 0, 1000).length, 0);
  assert.is(records.historyUpto("a"), 0);
  assert.is(records.history("b", "v", 0, 0, 1000).length, 50);
  assert.is(db.prepare("SELECT COUNT(*) FROM history_slabs").pluck().get(), 1, "b's one slab");
});

test("retention drops whole slabs once all their blocks are within the cut, and reads stop at the cut", () => {
  const { db, records, block } = setup();
  const v = records.newHistoryKey("a", "v");
  // blocks of 50 samples (~1.1 kB): 7 to an 8 kB slab
  for (let from = 0; from < 1500; from += 50) block("a", v, from, 50);
  // each slab's first block's upto (its id's lower 40 bits)
  const firsts = () => db.prepare(`SELECT id & ${2 ** 40 - 1} FROM history_slabs ORDER BY id`).pluck().all() as number[];
  assert.equal(firsts(), [50, 400, 750, 1100, 1450]);
  block("a", v, 1500, 50, 875);
  assert.is(records.history("a", "v", 0, 0, 100_000)[0]!.seq, 851, "blocks whose upto is at most 875 are past the cut");
  assert.is(records.history("a", "v", 0, 0, 100_000).length, 700);
  assert.equal(firsts(), [750, 1100, 1450], "the slabs of blocks 50..700 are gone; 750..1050 holds blocks after the cut");
  block("a", v, 1550, 50, 1550);
  assert.equal(records.history("a", "v", 0, 0, 100_000).map((r) => r.seq), Array.from({ length: 50 }, (_, i) => 1551 + i));
  assert.equal(firsts(), [1450]);
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

test("a block appended in a transaction that rolls back leaves no gap: the next one goes where it was", () => {
  const { db, records, block } = setup();
  const v = records.newHistoryKey("a", "v");
  block("a", v, 0, 10);
  assert.throws(() => db.transaction(() => { block("a", v, 10, 10, 5); throw new Error("disk"); })());
  block("a", v, 10, 10);
  assert.equal(records.history("a", "v", 0, 0, 1000).map((r) => r.seq), Array.from({ length: 20 }, (_, i) => i + 1), "nothing trimmed, nothing lost");
  // the same when the block rolled back had started a new slab
  const slabs = db.prepare("SELECT COUNT(*) FROM history_slabs").pluck();
  let from = 20;
  for (let rolledBack = false; !rolledBack; ) {
    const before = slabs.get(), n = from;
    try {
      db.transaction(() => { block("a", v, n, 10); if (slabs.get() !== before) throw new Error("disk"); })();
      from += 10;
    } catch {
      rolledBack = true;
    }
  }
  assert.is(slabs.get(), 1);
  block("a", v, from, 10);
  block("a", v, from + 10, 10);
  assert.is(slabs.get(), 2);
  assert.equal(records.history("a", "v", 0, 0, 100_000).map((r) => r.seq), Array.from({ length: from + 20 }, (_, i) => i + 1));
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
