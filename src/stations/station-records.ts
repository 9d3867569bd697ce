// What the station API keeps for operators beside the detection state (issue 15 parts 2-4), in the
// station store's SQLite file and written in the block's own transaction: each variable's recent
// history (value, score, label per sample), the station's events (drift tests, retrains, outliers,
// maintenance actions) and its maintenance windows. Tables of their own, created if missing, so a
// data dir of an earlier release opens unchanged (one whose history is a row per sample is
// migrated at open, below).
import type { SqliteDatabase } from "../runtime/sqlite";
import { applyLate, packBlock, unpackVariable, type HistoryRow, type VariableChunk } from "./history-chunks";

export type { HistoryRow, SampleDecision, VariableChunk } from "./history-chunks";

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
-- One row per block of a station (all its variables, each by a small integer key),
-- appended at the end of the table; upto is the number of the station's samples with history up
-- to the block's end, which orders a station's rows and drives retention by count.
CREATE TABLE IF NOT EXISTS history_keys (
  key INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  variable TEXT NOT NULL,
  UNIQUE (station_id, variable)
);
CREATE TABLE IF NOT EXISTS history_blocks (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  upto INTEGER NOT NULL,
  max_ms INTEGER NOT NULL,
  timestamps TEXT NOT NULL,
  vars TEXT NOT NULL,
  data BLOB NOT NULL,
  late TEXT,
  late_data BLOB
);
CREATE INDEX IF NOT EXISTS history_blocks_by_station ON history_blocks(station_id, upto);
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

/** Samples per chunk when rows of the per-sample history are migrated. */
const MIGRATED_CHUNK = 64;

export class StationRecords {
  private readonly st;

  constructor(db: SqliteDatabase) {
    db.exec(SCHEMA);
    this.st = {
      historyKeys: db.prepare("SELECT variable, key FROM history_keys WHERE station_id = ?"),
      historyKey: db.prepare("SELECT key FROM history_keys WHERE station_id = ? AND variable = ?").pluck(),
      newHistoryKey: db.prepare("INSERT INTO history_keys (station_id, variable) VALUES (?, ?) RETURNING key").pluck(),
      historyUpto: db.prepare("SELECT MAX(upto) FROM history_blocks WHERE station_id = ?").pluck(),
      insertBlock: db.prepare(`INSERT INTO history_blocks (station_id, upto, max_ms, timestamps, vars, data, late, late_data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      trimHistory: db.prepare("DELETE FROM history_blocks WHERE station_id = ? AND upto <= ?"),
      blocks: db.prepare("SELECT timestamps, vars, data FROM history_blocks WHERE station_id = ? AND max_ms >= ? ORDER BY upto, id"),
      // in the order made, so a sample decided twice ends with its last decision
      lateDecisions: db.prepare("SELECT late, late_data FROM history_blocks WHERE station_id = ? AND late IS NOT NULL ORDER BY upto, id"),
      deleteKey: db.prepare("DELETE FROM history_keys WHERE key = ?"),
      deleteStationHistory: db.prepare("DELETE FROM history_blocks WHERE station_id = ?"),
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
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'history'").get()) db.transaction(() => this.migrateRowHistory(db)).immediate();
  }

  /** The station's variables that have a history, with their keys. */
  historyKeys(stationId: string): Map<string, number> {
    return new Map((this.st.historyKeys.all(stationId) as Array<{ variable: string; key: number }>).map((r) => [r.variable, r.key]));
  }
  /** A key for a variable that has none yet. */
  newHistoryKey(stationId: string, variable: string): number { return this.st.newHistoryKey.get(stationId, variable) as number; }
  /** The `upto` of the station's last history row (0: none). */
  historyUpto(stationId: string): number { return (this.st.historyUpto.get(stationId) as number | null) ?? 0; }

  /** One block's history: its samples' timestamps and, per variable, its samples with the
   * decisions made in this block. `upto` must exceed the station's last row's by the block's size. */
  insertHistory(stationId: string, upto: number, timestamps: readonly string[], maxMs: number, chunks: readonly VariableChunk[]): void {
    const p = packBlock(timestamps.length, chunks);
    this.st.insertBlock.run(stationId, upto, maxMs, JSON.stringify(timestamps), p.vars, p.data, p.late, p.lateData);
  }
  /** Retention by count: drops the station's rows whose `upto` is at most `upto`. */
  trimHistory(stationId: string, upto: number): void { this.st.trimHistory.run(stationId, upto); }
  /** Samples after `afterSeq` whose time is at or after `sinceMs`, oldest first, up to `limit`. */
  history(stationId: string, variable: string, afterSeq: number, sinceMs: number, limit: number): HistoryRow[] {
    const key = this.st.historyKey.get(stationId, variable) as number | undefined;
    const rows: HistoryRow[] = [];
    if (key === undefined) return rows;
    for (const b of this.st.blocks.iterate(stationId, sinceMs) as Iterable<{ timestamps: string; vars: string; data: Buffer }>) {
      unpackVariable(b.timestamps, b.vars, b.data, key, afterSeq, sinceMs, rows, limit);
      if (rows.length >= limit) break;
    }
    if (rows.length === 0) return rows;
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    for (const l of this.st.lateDecisions.iterate(stationId) as Iterable<{ late: string; late_data: Buffer }>) applyLate(l.late, l.late_data, key, bySeq);
    return rows;
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

  /** A data dir written before the packed history (a `history` table of one row per sample, the
   * releases of 2026-12-06): each variable's rows become block rows of up to MIGRATED_CHUNK
   * consecutive samples, with their decisions; the old table goes. */
  private migrateRowHistory(db: SqliteDatabase): void {
    // in pages: a statement cannot write while another iterates on the connection
    const page = db.prepare(`SELECT station_id, variable, seq, timestamp, time_ms, value, score, label FROM history
      WHERE (station_id, variable, seq) > (?, ?, ?) ORDER BY station_id, variable, seq LIMIT 10000`);
    let chunk: HistoryRow[] = [], station = "", variable = "", key = 0, after: unknown[] = ["", "", 0];
    // each chunk a row of its own; `upto` its last sample number (as if every sample of the station
    // had every variable, which the per-sample table did not record)
    const flush = () => {
      if (chunk.length === 0) return;
      const maxMs = Math.max(...chunk.map((r) => r.time_ms));
      this.insertHistory(station, chunk[chunk.length - 1]!.seq, chunk.map((r) => r.timestamp), maxMs, [{ key, rows: chunk, positions: chunk.map((_, i) => i), late: [] }]);
      chunk = [];
    };
    for (let rows; (rows = page.all(...after) as Array<HistoryRow & { station_id: string; variable: string }>).length; ) {
      for (const r of rows) {
        if (r.station_id !== station || r.variable !== variable) {
          flush();
          station = r.station_id;
          variable = r.variable;
          key = this.newHistoryKey(station, variable);
        } else if (chunk.length === MIGRATED_CHUNK || r.seq !== chunk[chunk.length - 1]!.seq + 1) flush();
        chunk.push({ seq: r.seq, timestamp: r.timestamp, time_ms: r.time_ms, value: r.value, score: r.score, label: r.label });
      }
      const last = rows[rows.length - 1]!;
      after = [last.station_id, last.variable, last.seq];
    }
    flush();
    db.exec("DROP TABLE history");
  }

  deleteStation(stationId: string): void {
    this.st.deleteStationHistory.run(stationId);
    this.st.deleteStationKeys.run(stationId);
    this.st.deleteStationEvents.run(stationId);
    this.st.deleteStationWindows.run(stationId);
  }
}
