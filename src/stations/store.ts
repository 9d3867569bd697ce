// StationStore: every durable fact of the station API in one SQLite file (docs/design.md § Station
// state): stations, their variables with each pipeline's whole state, recent outliers and the
// downstream outbox. Synchronous (better-sqlite3): a /detection block is applied inside one
// transaction() call.
//
// A pipeline's state is a snapshot (its whole toJSON(), `variables.state`) plus the journal of the
// station's blocks since that snapshot (`journal`): a block writes one small journal row, whatever
// the size of its pipelines' states; the snapshots are rewritten only every few hundred to few
// thousand samples (./station-registry.ts). Restoring = restorePipeline(snapshot) + replaying the
// journal, which gives the identical state because pipelines are deterministic (the Pipeline
// contract, src/detect/pipeline-types.ts).
import { openStore, type SqliteDatabase, type Synchronous } from "../runtime/sqlite";
import { StationRecords } from "./station-records";
import { StorageHealth } from "../runtime/storage-health";

export interface StationRow {
  id: string;
  created_ms: number;
  updated_ms: number;
  blocks: number;
  samples: number;
  /** Samples in the journal since the last snapshot. */
  journal_samples: number;
}

export interface VariableRow {
  station_id: string;
  name: string;
  window: number;
  kind: string;
  samples_seen: number;
  retrains: number;
  /** JSON {timestamp, retrained, sample} of the pipeline's last decision, or null before one. */
  last_decision: string | null;
  /** JSON of the last probed drift test (./drift-probe.ts), or null. */
  last_drift_test: string | null;
  /** The pipeline's toJSON() at the last snapshot. */
  state: string;
  /** samples_seen when the snapshot was taken. */
  state_samples: number;
}

/** A variable as the read side shows it: no state blob, and whether it re-learns. */
export interface VariableMeta extends Omit<VariableRow, "state"> {
  /** Set when the stored state could not be restored and the variable started learning anew. */
  relearning_since_ms: number | null;
  /** samples_seen at the snapshot the new pipeline learns from. */
  relearning_from_sample: number | null;
  /** Why the stored state could not be restored. */
  relearning_reason: string | null;
}

export interface JournalRow {
  seq: number;
  /** JSON [[timestamp, [[variable, value], ...]], ...]: the block's validated samples. */
  samples: string;
}

export interface BlockReceiptRow {
  station_id: string;
  idempotency_key: string | null;
  /** The block's hash (./block-hash.ts): "j:" and the sha256 (hex) of its journal row; written by an
   * earlier release, the sha256 of its validated samples' JSON. */
  block_hash: string;
  /** JSON of the block's answer (its outliers). */
  answer: string;
  /** JSON {variable: epoch ms of its last applied sample}. */
  clocks: string;
}

export interface OutlierRow {
  station_id: string;
  variable: string;
  timestamp: string;
  time_ms: number;
  score: number;
  recorded_ms: number;
}

export interface OutboxRow {
  id: number;
  station_id: string;
  path: string;
  body: string;
  idempotency_key: string;
  created_ms: number;
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
}

// Version 2: a station's blocks since its snapshots may be in its history rows alone, with no
// journal rows, which a release reading version 1 would not replay; a version-1 file is opened and
// marked version 2 (docs/stations.md § State layout (SQLite, `<data_dir>/stations.sqlite`, WAL),
// "The journal in the history rows").
const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stations (
  id TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  blocks INTEGER NOT NULL DEFAULT 0,
  samples INTEGER NOT NULL DEFAULT 0,
  journal_samples INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS variables (
  station_id TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  window INTEGER NOT NULL,
  kind TEXT NOT NULL,
  samples_seen INTEGER NOT NULL DEFAULT 0,
  retrains INTEGER NOT NULL DEFAULT 0,
  last_decision TEXT,
  last_drift_test TEXT,
  PRIMARY KEY (station_id, name)
);
-- Snapshots apart from the counters: SQLite rewrites a whole row on UPDATE, and the counters change
-- with every block while a snapshot (up to hundreds of kB) changes every few hundred samples.
CREATE TABLE IF NOT EXISTS variable_states (
  station_id TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  state_samples INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (station_id, name),
  FOREIGN KEY (station_id, name) REFERENCES variables(station_id, name) ON DELETE CASCADE
);
-- A variable whose stored state could not be restored (unknown version, corrupt) and re-learns;
-- its own table so that a database of an earlier release opens unchanged (no schema version bump).
CREATE TABLE IF NOT EXISTS variable_relearning (
  station_id TEXT NOT NULL,
  name TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  from_sample INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (station_id, name),
  FOREIGN KEY (station_id, name) REFERENCES variables(station_id, name) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id TEXT NOT NULL,
  samples TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_by_station ON journal(station_id, seq);
-- The station's last applied block, so that a retry answers the original result and applies
-- nothing (docs/stations.md § Retries (idempotent blocks)): its Idempotency-Key (if sent), the hash of its validated
-- samples, its answer, and each variable's last applied sample time (epoch ms, JSON object).
CREATE TABLE IF NOT EXISTS block_receipts (
  station_id TEXT PRIMARY KEY REFERENCES stations(id) ON DELETE CASCADE,
  idempotency_key TEXT,
  block_hash TEXT NOT NULL,
  answer TEXT NOT NULL,
  clocks TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outliers (
  id INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  variable TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  score REAL NOT NULL,
  recorded_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outliers_by_station ON outliers(station_id, time_ms);
CREATE INDEX IF NOT EXISTS outliers_by_recorded ON outliers(recorded_ms);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id TEXT NOT NULL,
  path TEXT NOT NULL,
  body TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_by_station ON outbox(station_id, id);
-- Each station's oldest entry (its head: only heads are delivered, so results arrive in order per
-- station) and when it is due, indexed by due time: the sender finds the next due entries in
-- O(log n) instead of grouping the whole outbox. Kept in step with outbox by the methods below, in
-- the same transactions; rebuilt from outbox at open (a database written before this table existed).
CREATE TABLE IF NOT EXISTS outbox_heads (
  station_id TEXT PRIMARY KEY,
  entry_id INTEGER NOT NULL UNIQUE,
  next_attempt_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_heads_due ON outbox_heads(next_attempt_ms, entry_id);
`;

export class StationStore {
  readonly db: SqliteDatabase;
  /** History, events and maintenance windows (./station-records.ts), in the same file. */
  readonly records: StationRecords;
  /** The last write's disk fault, if any (src/runtime/storage-health.ts). */
  readonly health: StorageHealth;
  private readonly st;
  /** better-sqlite3's transaction wrapper, made once around whatever function it is given: making
   * one per call (four wrapped functions and their properties) cost ~8 µs and ~1.7 kB of garbage
   * a block, its savepoint and its share of the commit. Nested, it takes a savepoint. */
  private readonly wrapped;

  constructor(file: string, opts: { synchronous?: Synchronous } = {}) {
    this.db = openStore(file, { what: "station database", schema: SCHEMA, version: SCHEMA_VERSION, upgradesFrom: [1], synchronous: opts.synchronous });
    this.health = new StorageHealth("the station store", file);
    const db = this.db;
    this.wrapped = db.transaction((fn: () => unknown) => fn());
    this.records = new StationRecords(db);
    this.st = {
      station: db.prepare("SELECT * FROM stations WHERE id = ?"),
      stations: db.prepare("SELECT * FROM stations ORDER BY id"),
      stationCount: db.prepare("SELECT COUNT(*) FROM stations").pluck(),
      insertStation: db.prepare("INSERT INTO stations (id, created_ms, updated_ms) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET updated_ms = excluded.updated_ms"),
      countBlock: db.prepare("UPDATE stations SET blocks = blocks + 1, samples = samples + ?, journal_samples = journal_samples + ?, updated_ms = ? WHERE id = ?"),
      deleteStation: db.prepare("DELETE FROM stations WHERE id = ?"),
      appendJournal: db.prepare("INSERT INTO journal (station_id, samples) VALUES (?, ?)"),
      journal: db.prepare("SELECT seq, samples FROM journal WHERE station_id = ? ORDER BY seq"),
      clearJournal: db.prepare("DELETE FROM journal WHERE station_id = ?"),
      journalEmptied: db.prepare("UPDATE stations SET journal_samples = 0 WHERE id = ?"),
      deleteStationOutliers: db.prepare("DELETE FROM outliers WHERE station_id = ?"),
      variables: db.prepare(`SELECT v.*, s.state, s.state_samples FROM variables v JOIN variable_states s USING (station_id, name)
        WHERE v.station_id = ? ORDER BY v.name`),
      variableMeta: db.prepare(`SELECT v.station_id, v.name, v.window, v.kind, v.samples_seen, v.retrains, v.last_decision, v.last_drift_test, s.state_samples,
        r.since_ms AS relearning_since_ms, r.from_sample AS relearning_from_sample, r.reason AS relearning_reason
        FROM variables v JOIN variable_states s USING (station_id, name) LEFT JOIN variable_relearning r USING (station_id, name)
        WHERE v.station_id = ? ORDER BY v.name`),
      putRelearning: db.prepare("INSERT OR REPLACE INTO variable_relearning (station_id, name, since_ms, from_sample, reason) VALUES (?, ?, ?, ?, ?)"),
      clearRelearning: db.prepare("DELETE FROM variable_relearning WHERE station_id = ? AND name = ?"),
      putVariable: db.prepare(`INSERT OR REPLACE INTO variables (station_id, name, window, kind, samples_seen, retrains, last_decision, last_drift_test)
        VALUES (@station_id, @name, @window, @kind, @samples_seen, @retrains, @last_decision, @last_drift_test)`),
      putState: db.prepare("INSERT OR REPLACE INTO variable_states (station_id, name, state, state_samples) VALUES (@station_id, @name, @state, @state_samples)"),
      setKind: db.prepare("UPDATE variables SET kind = ? WHERE station_id = ? AND name = ?"),
      saveCounters: db.prepare("UPDATE variables SET samples_seen = ?, retrains = ?, last_decision = ?, last_drift_test = ? WHERE station_id = ? AND name = ?"),
      saveState: db.prepare(`UPDATE variable_states SET state = ?,
        state_samples = (SELECT samples_seen FROM variables v WHERE v.station_id = variable_states.station_id AND v.name = variable_states.name)
        WHERE station_id = ? AND name = ?`),
      receipt: db.prepare("SELECT * FROM block_receipts WHERE station_id = ?"),
      // an upsert updates the station's row in place; INSERT OR REPLACE deleted it and appended it
      // under a new rowid, dirtying ~1.6 table and 1 index pages per block on 50 stations (dbstat)
      putReceipt: db.prepare(`INSERT INTO block_receipts (station_id, idempotency_key, block_hash, answer, clocks)
        VALUES (@station_id, @idempotency_key, @block_hash, @answer, @clocks)
        ON CONFLICT (station_id) DO UPDATE SET idempotency_key = excluded.idempotency_key,
          block_hash = excluded.block_hash, answer = excluded.answer, clocks = excluded.clocks`),
      deleteReceipt: db.prepare("DELETE FROM block_receipts WHERE station_id = ?"),
      deleteVariable: db.prepare("DELETE FROM variables WHERE station_id = ? AND name = ?"),
      insertOutlier: db.prepare("INSERT INTO outliers (station_id, variable, timestamp, time_ms, score, recorded_ms) VALUES (?, ?, ?, ?, ?, ?)"),
      outliersSince: db.prepare("SELECT variable, timestamp, time_ms, score, recorded_ms FROM outliers WHERE station_id = ? AND time_ms >= ? ORDER BY time_ms, id LIMIT ?"),
      pruneOutliers: db.prepare("DELETE FROM outliers WHERE recorded_ms < ?"),
      enqueue: db.prepare("INSERT INTO outbox (station_id, path, body, idempotency_key, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?)"),
      // a new entry is its station's head only when the station has none (its older entries come first)
      enqueueHead: db.prepare("INSERT OR IGNORE INTO outbox_heads (station_id, entry_id, next_attempt_ms) VALUES (?, ?, ?)"),
      dueHeads: db.prepare(`SELECT o.* FROM outbox_heads h JOIN outbox o ON o.id = h.entry_id
        WHERE h.next_attempt_ms <= ? ORDER BY h.next_attempt_ms, h.entry_id LIMIT ?`),
      nextDue: db.prepare("SELECT MIN(next_attempt_ms) FROM outbox_heads").pluck(),
      entriesAfter: db.prepare("SELECT * FROM outbox WHERE station_id = ? AND id > ? ORDER BY id LIMIT ?"),
      delivered: db.prepare("DELETE FROM outbox WHERE id = ? RETURNING station_id").pluck(),
      dropHead: db.prepare("DELETE FROM outbox_heads WHERE station_id = ?"),
      nextHead: db.prepare(`INSERT INTO outbox_heads (station_id, entry_id, next_attempt_ms)
        SELECT station_id, id, next_attempt_ms FROM outbox WHERE station_id = ? ORDER BY id LIMIT 1`),
      failed: db.prepare("UPDATE outbox SET attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id = ?"),
      failedHead: db.prepare("UPDATE outbox_heads SET next_attempt_ms = ? WHERE entry_id = ?"),
      rebuildHeads: db.prepare(`INSERT INTO outbox_heads (station_id, entry_id, next_attempt_ms)
        SELECT o.station_id, o.id, o.next_attempt_ms FROM outbox o JOIN (SELECT MIN(id) AS id FROM outbox GROUP BY station_id) h ON o.id = h.id`),
      clearHeads: db.prepare("DELETE FROM outbox_heads"),
      outboxDepth: db.prepare("SELECT COUNT(*) FROM outbox").pluck(),
      outboxOldest: db.prepare("SELECT created_ms FROM outbox ORDER BY id LIMIT 1").pluck(),
      // only heads are attempted, so only a head can hold an error
      outboxLastError: db.prepare(`SELECT o.last_error FROM outbox_heads h JOIN outbox o ON o.id = h.entry_id
        WHERE o.last_error IS NOT NULL ORDER BY h.entry_id LIMIT 1`).pluck(),
    };
    // One scan at open; afterwards every change keeps the heads in step.
    this.transaction(() => { this.st.clearHeads.run(); this.st.rebuildHeads.run(); });
  }

  /** Runs fn in one transaction (BEGIN IMMEDIATE); any throw rolls everything back. A full or
   * failing disk is thrown as a StorageError naming the file (src/runtime/storage-health.ts). */
  transaction<T>(fn: () => T): T {
    return this.health.guard(() => this.wrapped.immediate(fn) as T);
  }

  /** Inside a transaction: fn in a savepoint; a throw undoes fn's writes alone and is rethrown
   * (./group-commit.ts). */
  savepoint<T>(fn: () => T): T {
    return this.wrapped(fn) as T;
  }

  /** fn as part of the caller's transaction, or in its own when none is open. */
  private atomically(fn: () => void): void {
    if (this.db.inTransaction) fn();
    else this.transaction(fn);
  }

  station(id: string): StationRow | undefined { return this.st.station.get(id) as StationRow | undefined; }
  stations(): StationRow[] { return this.st.stations.all() as StationRow[]; }
  stationCount(): number { return this.st.stationCount.get() as number; }
  /** Creates the station, or touches its updated time. */
  putStation(id: string, now: number): void { this.st.insertStation.run(id, now, now); }
  /** Counts a block and its samples as journaled since the snapshots; `journal`: its journal row
   * (JSON, see JournalRow), null when its history row holds its samples instead
   * (./station-registry.ts). */
  appendBlock(id: string, samples: number, journal: string | null, now: number): void {
    if (journal !== null) this.st.appendJournal.run(id, journal);
    this.st.countBlock.run(samples, samples, now, id);
  }
  journal(id: string): JournalRow[] { return this.st.journal.all(id) as JournalRow[]; }
  /** After every variable's snapshot was saved: the journal is no longer needed. */
  clearJournal(id: string): void {
    this.st.clearJournal.run(id);
    this.st.journalEmptied.run(id);
  }
  /** Deletes the station, its variables, journal, outliers and records; its undelivered outbox
   * entries stay. */
  deleteStation(id: string): boolean {
    this.st.deleteStationOutliers.run(id);
    this.records.deleteStation(id);
    this.st.clearJournal.run(id);
    return this.st.deleteStation.run(id).changes > 0;
  }

  variables(stationId: string): VariableRow[] { return this.st.variables.all(stationId) as VariableRow[]; }
  /** Variables without their state blobs (read side). */
  variableMeta(stationId: string): VariableMeta[] {
    return this.st.variableMeta.all(stationId) as VariableMeta[];
  }
  /** A new variable (or a changed one, which starts fresh: no longer re-learning). */
  putVariable(row: VariableRow): void {
    const { state, state_samples, ...meta } = row;
    this.st.clearRelearning.run(row.station_id, row.name);
    this.st.putVariable.run(meta);
    this.st.putState.run({ station_id: row.station_id, name: row.name, state, state_samples });
  }
  saveCounters(stationId: string, name: string, v: { samples_seen: number; retrains: number; last_decision: string | null; last_drift_test: string | null }): void {
    this.st.saveCounters.run(v.samples_seen, v.retrains, v.last_decision, v.last_drift_test, stationId, name);
  }
  /** A new snapshot, taken at the variable's current samples_seen (save the counters first). */
  saveState(stationId: string, name: string, state: string): void {
    this.st.saveState.run(state, stationId, name);
  }
  /** The variable's pipeline name, changed when its stored one is unknown to this release (it re-learns under another). */
  setVariableKind(stationId: string, name: string, kind: string): void {
    this.st.setKind.run(kind, stationId, name);
  }
  /** Records that the variable's stored state could not be restored and it learns from fromSample. */
  markRelearning(stationId: string, name: string, sinceMs: number, fromSample: number, reason: string): void {
    this.st.putRelearning.run(stationId, name, sinceMs, fromSample, reason);
  }
  /** The station's last applied block (see BlockReceiptRow), if any. */
  receipt(stationId: string): BlockReceiptRow | undefined { return this.st.receipt.get(stationId) as BlockReceiptRow | undefined; }
  putReceipt(row: BlockReceiptRow): void { this.st.putReceipt.run(row); }
  deleteReceipt(stationId: string): void { this.st.deleteReceipt.run(stationId); }
  deleteVariable(stationId: string, name: string): void { this.st.deleteVariable.run(stationId, name); }

  insertOutlier(o: OutlierRow): void {
    this.st.insertOutlier.run(o.station_id, o.variable, o.timestamp, o.time_ms, o.score, o.recorded_ms);
  }
  outliersSince(stationId: string, sinceMs: number, limit: number): Omit<OutlierRow, "station_id">[] {
    return this.st.outliersSince.all(stationId, sinceMs, limit) as Omit<OutlierRow, "station_id">[];
  }
  pruneOutliers(recordedBeforeMs: number): number { return this.st.pruneOutliers.run(recordedBeforeMs).changes; }

  enqueue(e: { station_id: string; path: string; body: string; idempotency_key: string; created_ms: number }): void {
    this.atomically(() => {
      const id = this.st.enqueue.run(e.station_id, e.path, e.body, e.idempotency_key, e.created_ms, e.created_ms).lastInsertRowid;
      this.st.enqueueHead.run(e.station_id, id, e.created_ms);
    });
  }
  /** Up to `limit` station heads (each station's oldest entry) that are due, the earliest due
   * first: delivery is in order per station. O(log n + limit) through outbox_heads_due. */
  dueHeads(now: number, limit: number): OutboxRow[] { return this.st.dueHeads.all(now, limit) as OutboxRow[]; }
  /** When the earliest station head is due, or undefined with an empty outbox. */
  nextDue(): number | undefined { return (this.st.nextDue.get() as number | null) ?? undefined; }
  /** Up to `limit` entries of the station after entry `afterId`, oldest first (the entries that
   * follow a delivered one: ./outbox-sender.ts sends them without waiting for its deletion).
   * O(log n + limit) through outbox_by_station. */
  entriesAfter(stationId: string, afterId: number, limit: number): OutboxRow[] {
    return this.st.entriesAfter.all(stationId, afterId, limit) as OutboxRow[];
  }
  /** Deletes delivered entries (each station's oldest ones), all in one transaction (one commit
   * however many); each of their stations' next entry, if any, becomes its head. */
  markDelivered(ids: readonly number[]): void {
    this.atomically(() => {
      const stations = new Set<string>();
      for (const id of ids) {
        const station = this.st.delivered.get(id) as string | undefined;
        if (station !== undefined) stations.add(station);
      }
      for (const station of stations) {
        this.st.dropHead.run(station);
        this.st.nextHead.run(station);
      }
    });
  }
  markFailed(id: number, attempts: number, nextAttemptMs: number, error: string): void {
    this.atomically(() => {
      this.st.failed.run(attempts, nextAttemptMs, error, id);
      this.st.failedHead.run(nextAttemptMs, id);
    });
  }
  /** Depth (a count of the outbox, the one O(n) read: for /health and /metrics, not per delivery),
   * the oldest entry's creation time and the first head's last error. */
  outboxStats(): { depth: number; oldest_ms: number | null; last_error: string | null } {
    return {
      depth: this.st.outboxDepth.get() as number,
      oldest_ms: (this.st.outboxOldest.get() as number | undefined) ?? null,
      last_error: (this.st.outboxLastError.get() as string | undefined) ?? null,
    };
  }

  close(): void { if (this.db.open) this.db.close(); }
}
