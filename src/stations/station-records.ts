// What the station API keeps for operators beside the detection state (issue 15 parts 2-4), in the
// station store's SQLite file and written in the block's own transaction: each variable's recent
// history (value, score, label per sample), the station's events (drift tests, retrains, outliers,
// maintenance actions) and its maintenance windows. Tables of their own, created if missing, so a
// data dir of an earlier release opens unchanged.
import type { SqliteDatabase } from "../runtime/sqlite";

/** One sample of one variable. `seq` is the variable's sample number (1 = its first sample since it
 * was created); score and label are null until the pipeline decides the sample (a batch pipeline
 * decides a whole window when its last sample arrives). */
export interface HistoryRow {
  seq: number;
  timestamp: string;
  time_ms: number;
  value: number;
  score: number | null;
  label: 0 | 1 | null;
}

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
CREATE TABLE IF NOT EXISTS history (
  station_id TEXT NOT NULL,
  variable TEXT NOT NULL,
  seq INTEGER NOT NULL,
  timestamp TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  value REAL NOT NULL,
  score REAL,
  label INTEGER,
  PRIMARY KEY (station_id, variable, seq)
) WITHOUT ROWID;
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

export class StationRecords {
  private readonly st;

  constructor(db: SqliteDatabase) {
    db.exec(SCHEMA);
    this.st = {
      // A block's rows in one statement (one JSON array): per-row statements cost more than the rows.
      insertHistory: db.prepare(`INSERT INTO history (station_id, variable, seq, timestamp, time_ms, value, score, label)
        SELECT @station, @variable, r.value->>0, r.value->>1, r.value->>2, r.value->>3, r.value->>4, r.value->>5 FROM json_each(@rows) r`),
      decideHistory: db.prepare("UPDATE history SET score = ?, label = ? WHERE station_id = ? AND variable = ? AND seq = ?"),
      trimHistory: db.prepare("DELETE FROM history WHERE station_id = ? AND variable = ? AND seq <= ?"),
      history: db.prepare(`SELECT seq, timestamp, time_ms, value, score, label FROM history
        WHERE station_id = ? AND variable = ? AND seq > ? AND time_ms >= ? ORDER BY seq LIMIT ?`),
      deleteVariableHistory: db.prepare("DELETE FROM history WHERE station_id = ? AND variable = ?"),
      deleteStationHistory: db.prepare("DELETE FROM history WHERE station_id = ?"),
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
  }

  /** Samples of a variable, each with its decision when the pipeline made it at that sample. */
  insertHistory(stationId: string, variable: string, rows: readonly HistoryRow[]): void {
    this.st.insertHistory.run({ station: stationId, variable, rows: JSON.stringify(rows.map((h) => [h.seq, h.timestamp, h.time_ms, h.value, h.score, h.label])) });
  }
  /** The decisions on samples of earlier blocks. */
  decideHistory(stationId: string, variable: string, decided: ReadonlyArray<{ seq: number; score: number; label: 0 | 1 }>): void {
    for (const d of decided) this.st.decideHistory.run(d.score, d.label, stationId, variable, d.seq);
  }
  /** Drops the variable's samples numbered up to `seq` (retention by count). */
  trimHistory(stationId: string, variable: string, seq: number): void { this.st.trimHistory.run(stationId, variable, seq); }
  /** Samples after `afterSeq` whose time is at or after `sinceMs`, oldest first. */
  history(stationId: string, variable: string, afterSeq: number, sinceMs: number, limit: number): HistoryRow[] {
    return this.st.history.all(stationId, variable, afterSeq, sinceMs, limit) as HistoryRow[];
  }
  deleteVariableHistory(stationId: string, variable: string): void { this.st.deleteVariableHistory.run(stationId, variable); }

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
    this.st.deleteStationHistory.run(stationId);
    this.st.deleteStationEvents.run(stationId);
    this.st.deleteStationWindows.run(stationId);
  }
}
