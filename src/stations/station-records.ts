// What the station API keeps for operators beside the detection state (issue 15 parts 2-4), in the
// station store's SQLite file and written in the block's own transaction: each variable's recent
// history (value, score, label per sample), the station's events (drift tests, retrains, outliers,
// maintenance actions) and its maintenance windows. Tables of their own, created if missing, so a
// data dir of an earlier release opens unchanged (an earlier history format is migrated at open,
// ./history-migration.ts).
import type { SqliteDatabase } from "../runtime/sqlite";
import { applyLate, blockSamples, packBlock, unpackVariable, type HistoryRow, type PackedBlock } from "./history-chunks";
import { migrateHistory } from "./history-migration";

export type { HistoryRow, PackedBlock, SampleDecision, VariableChunk } from "./history-chunks";

export type EventKind = "drift" | "retrain" | "outlier" | "maintenance";
export const eventKinds: readonly EventKind[] = ["drift", "retrain", "outlier", "maintenance"];

export interface EventRow {
  id: number;
  kind: EventKind;
  variable: string | null;
  /** The sample's time for drift, retrain and outlier events; the action's time for maintenance. */
  timestamp: string;
  time_ms: number;
  recorded_ms: number;
  /** JSON object: what the event says (see docs/stations.md § History, events and maintenance windows). */
  detail: string;
}

export interface MaintenanceRow {
  id: number;
  from_ms: number;
  to_ms: number;
  /** JSON array of variable names, or null for every variable of the station. */
  variables: string | null;
  reason: string;
  created_ms: number;
}

const SCHEMA = `
-- History, packed (./history-chunks.ts), see docs/stations.md § History, events and maintenance windows
-- One row per block of a station (all its variables, each by a small integer key from history_keys).
-- The row's id is the station's key (history_stations) * 2^40 + upto, upto being the number of the
-- station's samples with history up to the block's end: one B-tree orders a station's rows, finds
-- them by range and drives retention by count, with no separate index to update per block.
CREATE TABLE IF NOT EXISTS history_keys (
  key INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  variable TEXT NOT NULL,
  UNIQUE (station_id, variable)
);
CREATE TABLE IF NOT EXISTS history_stations (
  key INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS block_history (
  id INTEGER PRIMARY KEY,
  max_ms INTEGER NOT NULL,
  samples BLOB NOT NULL,
  late BLOB
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  variable TEXT,
  timestamp TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  recorded_ms INTEGER NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_station ON events(station_id, id);
CREATE INDEX IF NOT EXISTS events_by_kind ON events(station_id, kind, id);
CREATE INDEX IF NOT EXISTS events_by_recorded ON events(recorded_ms);
CREATE TABLE IF NOT EXISTS maintenance (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id TEXT NOT NULL,
  from_ms INTEGER NOT NULL,
  to_ms INTEGER NOT NULL,
  variables TEXT,
  reason TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS maintenance_by_station ON maintenance(station_id, from_ms);
`;

/** A history row's id: its station's key above UPTO_BITS bits of `upto` (2^40: ~10^12 samples per
 * station); keys up to MAX_STATION_KEY keep ids within SQLite's signed 64 bits. */
const UPTO_BITS = 40, UPTO_MASK = 2 ** UPTO_BITS - 1, MAX_STATION_KEY = 2 ** (63 - UPTO_BITS) - 1;

export class StationRecords {
  private readonly st;
  /** Stations' history keys read from the table (the block path's one lookup per block saved). */
  private readonly stationKeys = new Map<string, number>();

  constructor(db: SqliteDatabase) {
    db.exec(SCHEMA);
    this.st = {
      historyKeys: db.prepare("SELECT variable, key FROM history_keys WHERE station_id = ?"),
      historyKey: db.prepare("SELECT key FROM history_keys WHERE station_id = ? AND variable = ?").pluck(),
      newHistoryKey: db.prepare("INSERT INTO history_keys (station_id, variable) VALUES (?, ?) RETURNING key").pluck(),
      stationKey: db.prepare("SELECT key FROM history_stations WHERE station_id = ?").pluck(),
      newStationKey: db.prepare("INSERT INTO history_stations (station_id) VALUES (?) RETURNING key").pluck(),
      // the smallest key not in use (keys are taken as the largest + 1, so this runs only once they reach the limit)
      freeStationKey: db.prepare(`SELECT MIN(key) FROM (SELECT 1 AS key UNION ALL SELECT key + 1 FROM history_stations)
        WHERE key NOT IN (SELECT key FROM history_stations)`).pluck(),
      putStationKey: db.prepare("INSERT INTO history_stations (key, station_id) VALUES (?, ?)"),
      // ids of station key k: (k << UPTO_BITS) | upto, upto >= 1 (bound parameters are REAL; the bit operators make integers)
      historyUpto: db.prepare(`SELECT MAX(id) & ${UPTO_MASK} FROM block_history WHERE id > (? << ${UPTO_BITS}) AND id <= ((? << ${UPTO_BITS}) | ${UPTO_MASK})`).pluck(),
      insertBlock: db.prepare(`INSERT INTO block_history (id, max_ms, samples, late) VALUES ((? << ${UPTO_BITS}) | ?, ?, ?, ?)`),
      trimHistory: db.prepare(`DELETE FROM block_history WHERE id > (? << ${UPTO_BITS}) AND id <= ((? << ${UPTO_BITS}) | ?)`),
      blocks: db.prepare(`SELECT samples FROM block_history WHERE id > (? << ${UPTO_BITS}) AND id <= ((? << ${UPTO_BITS}) | ${UPTO_MASK}) AND max_ms >= ? ORDER BY id`).pluck(),
      blocksAfter: db.prepare(`SELECT samples FROM block_history WHERE id > ((? << ${UPTO_BITS}) | ?) AND id <= ((? << ${UPTO_BITS}) | ${UPTO_MASK}) ORDER BY id`).pluck(),
      // in the order made, so a sample decided twice ends with its last decision
      lateDecisions: db.prepare(`SELECT late FROM block_history WHERE id > (? << ${UPTO_BITS}) AND id <= ((? << ${UPTO_BITS}) | ${UPTO_MASK}) AND late IS NOT NULL ORDER BY id`).pluck(),
      deleteKey: db.prepare("DELETE FROM history_keys WHERE key = ?"),
      deleteStationHistory: db.prepare(`DELETE FROM block_history WHERE id > (? << ${UPTO_BITS}) AND id <= ((? << ${UPTO_BITS}) | ${UPTO_MASK})`),
      deleteStationKey: db.prepare("DELETE FROM history_stations WHERE key = ?"),
      deleteStationKeys: db.prepare("DELETE FROM history_keys WHERE station_id = ?"),
      insertEvent: db.prepare("INSERT INTO events (station_id, kind, variable, timestamp, time_ms, recorded_ms, detail) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      events: db.prepare(`SELECT id, kind, variable, timestamp, time_ms, recorded_ms, detail FROM events
        WHERE station_id = ? AND id < ? AND time_ms >= ? ORDER BY id DESC LIMIT ?`),
      eventsOfKind: db.prepare(`SELECT id, kind, variable, timestamp, time_ms, recorded_ms, detail FROM events
        WHERE station_id = ? AND kind = ? AND id < ? AND time_ms >= ? ORDER BY id DESC LIMIT ?`),
      pruneEvents: db.prepare("DELETE FROM events WHERE recorded_ms < ?"),
      deleteStationEvents: db.prepare("DELETE FROM events WHERE station_id = ?"),
      insertWindow: db.prepare("INSERT INTO maintenance (station_id, from_ms, to_ms, variables, reason, created_ms) VALUES (?, ?, ?, ?, ?, ?)"),
      windows: db.prepare("SELECT id, from_ms, to_ms, variables, reason, created_ms FROM maintenance WHERE station_id = ? ORDER BY from_ms, id"),
      window: db.prepare("SELECT id, from_ms, to_ms, variables, reason, created_ms FROM maintenance WHERE station_id = ? AND id = ?"),
      deleteWindow: db.prepare("DELETE FROM maintenance WHERE station_id = ? AND id = ?"),
      pruneWindows: db.prepare("DELETE FROM maintenance WHERE to_ms < @before AND created_ms < @before"),
      deleteStationWindows: db.prepare("DELETE FROM maintenance WHERE station_id = ?"),
    };
    migrateHistory(db, (stationId, upto, timestamps, maxMs, chunks) => this.insertHistory(stationId, upto, maxMs, packBlock(timestamps, chunks)));
  }

  /** The station's variables that have a history, with their keys. */
  historyKeys(stationId: string): Map<string, number> {
    return new Map((this.st.historyKeys.all(stationId) as Array<{ variable: string; key: number }>).map((r) => [r.variable, r.key]));
  }
  /** A key for a variable that has none yet. */
  newHistoryKey(stationId: string, variable: string): number { return this.st.newHistoryKey.get(stationId, variable) as number; }
  /** The `upto` of the station's last history row (0: none). */
  historyUpto(stationId: string): number {
    const key = this.st.stationKey.get(stationId) as number | undefined;
    return key === undefined ? 0 : ((this.st.historyUpto.get(key, key) as number | null) ?? 0);
  }

  /** One block's history, packed (./history-chunks.ts packBlock: its samples' timestamps and, per
   * variable, its samples with the decisions made in this block). `upto` must exceed the station's
   * last row's by the block's size. */
  insertHistory(stationId: string, upto: number, maxMs: number, p: PackedBlock): void {
    if (upto > UPTO_MASK) throw new Error(`station ${JSON.stringify(stationId)} has more than 2^${UPTO_BITS} samples of history`);
    this.st.insertBlock.run(this.stationKey(stationId), upto, maxMs, p.samples, p.late);
  }
  /** Retention by count: drops the station's rows whose `upto` is at most `upto`. */
  trimHistory(stationId: string, upto: number): void {
    const key = this.st.stationKey.get(stationId) as number | undefined;
    if (key !== undefined) this.st.trimHistory.run(key, key, Math.min(upto, UPTO_MASK));
  }
  /** Samples after `afterSeq` whose time is at or after `sinceMs`, oldest first, up to `limit`. */
  history(stationId: string, variable: string, afterSeq: number, sinceMs: number, limit: number): HistoryRow[] {
    const key = this.st.historyKey.get(stationId, variable) as number | undefined, station = this.st.stationKey.get(stationId) as number | undefined;
    const rows: HistoryRow[] = [];
    if (key === undefined || station === undefined) return rows;
    for (const samples of this.st.blocks.iterate(station, station, sinceMs) as Iterable<Buffer>) {
      unpackVariable(samples, key, afterSeq, sinceMs, rows, limit);
      if (rows.length >= limit) break;
    }
    if (rows.length === 0) return rows;
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    for (const late of this.st.lateDecisions.iterate(station, station) as Iterable<Buffer>) applyLate(late, key, bySeq);
    return rows;
  }
  /** The station's blocks after its sample `afterUpto` as journal rows (./store.ts JournalRow),
   * oldest first: what a station replays when those blocks wrote none (docs/stations.md § State
   * layout (SQLite, `<data_dir>/stations.sqlite`, WAL), "The journal in the history rows").
   * `keys`: its variables' history keys. */
  journalAfter(stationId: string, afterUpto: number, keys: ReadonlyMap<string, number>): string[] {
    const station = this.st.stationKey.get(stationId) as number | undefined;
    if (station === undefined) return [];
    const names = new Map([...keys].map(([name, key]) => [key, name]));
    return (this.st.blocksAfter.all(station, afterUpto, station) as Buffer[]).map((b) => JSON.stringify(blockSamples(b, names)));
  }
  /** The station's key for its history rows, taken when it has none. Only keys read back are
   * remembered: a key taken in this transaction goes if it rolls back. */
  private stationKey(stationId: string): number {
    const known = this.stationKeys.get(stationId);
    if (known !== undefined) return known;
    const key = this.st.stationKey.get(stationId) as number | undefined;
    if (key !== undefined) {
      this.stationKeys.set(stationId, key);
      return key;
    }
    const taken = this.st.newStationKey.get(stationId) as number;
    if (taken <= MAX_STATION_KEY) return taken;
    // more than 2^23 - 1 stations ever had history: reuse a key no station holds any longer
    this.st.deleteStationKey.run(taken);
    const free = this.st.freeStationKey.get() as number;
    if (free > MAX_STATION_KEY) throw new Error(`no history key left for station ${JSON.stringify(stationId)}: ${MAX_STATION_KEY} stations have history`);
    this.st.putStationKey.run(free, stationId);
    return free;
  }
  /** The variable's history is no longer reachable (its rows go with retention); a new key for the
   * same name starts afresh. */
  deleteVariableHistory(stationId: string, variable: string): void {
    const key = this.st.historyKey.get(stationId, variable) as number | undefined;
    if (key !== undefined) this.st.deleteKey.run(key);
  }

  insertEvent(stationId: string, e: Omit<EventRow, "id">): number {
    return Number(this.st.insertEvent.run(stationId, e.kind, e.variable, e.timestamp, e.time_ms, e.recorded_ms, e.detail).lastInsertRowid);
  }
  /** Events recorded before event `beforeId` whose time is at or after `sinceMs`, newest first. */
  events(stationId: string, kind: EventKind | undefined, beforeId: number, sinceMs: number, limit: number): EventRow[] {
    return (kind === undefined
      ? this.st.events.all(stationId, beforeId, sinceMs, limit)
      : this.st.eventsOfKind.all(stationId, kind, beforeId, sinceMs, limit)) as EventRow[];
  }

  insertWindow(stationId: string, w: Omit<MaintenanceRow, "id">): number {
    return Number(this.st.insertWindow.run(stationId, w.from_ms, w.to_ms, w.variables, w.reason, w.created_ms).lastInsertRowid);
  }
  windows(stationId: string): MaintenanceRow[] { return this.st.windows.all(stationId) as MaintenanceRow[]; }
  window(stationId: string, id: number): MaintenanceRow | undefined { return this.st.window.get(stationId, id) as MaintenanceRow | undefined; }
  deleteWindow(stationId: string, id: number): boolean { return this.st.deleteWindow.run(stationId, id).changes > 0; }

  /** Retention: events recorded before `beforeMs`, and windows that ended before it and were
   * created before it (a window for old samples sent late is kept as long as a new one). */
  prune(beforeMs: number): void {
    this.st.pruneEvents.run(beforeMs);
    this.st.pruneWindows.run({ before: beforeMs });
  }

  deleteStation(stationId: string): void {
    this.stationKeys.delete(stationId);
    const key = this.st.stationKey.get(stationId) as number | undefined;
    if (key !== undefined) {
      this.st.deleteStationHistory.run(key, key);
      this.st.deleteStationKey.run(key);
    }
    this.st.deleteStationKeys.run(stationId);
    this.st.deleteStationEvents.run(stationId);
    this.st.deleteStationWindows.run(stationId);
  }
}
