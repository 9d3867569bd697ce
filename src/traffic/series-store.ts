// SeriesStore: the traffic API's series memory in one SQLite file (issue 18 part 4): per series
// key, the text of its history (src/detect/series-history-json.ts). Bounded in count and bytes:
// after each write the least recently used series go first. Synchronous (better-sqlite3) and
// written before the answer leaves, so an answered request survives kill -9 (WAL, synchronous =
// NORMAL: a commit is durable against a process crash as soon as it returns, as the station store).
// A write on a full, read-only or failing disk is a StorageError naming the file, remembered in
// `health` until a write succeeds (the traffic API answers 507/503 and /health says degraded).
import { openStore, type SqliteDatabase } from "../runtime/sqlite";
import { StorageHealth } from "../runtime/storage-health";

export interface SeriesStoreLimits {
  /** Most series kept. */
  maxSeries: number;
  /** Most bytes of history text kept, over all series. */
  maxBytes: number;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS series (
  key TEXT PRIMARY KEY,
  history TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS series_by_use ON series(used);
`;

export class SeriesStore {
  readonly db: SqliteDatabase;
  /** The last write's disk fault, if any. */
  readonly health: StorageHealth;
  private readonly st;

  constructor(file: string, private readonly limits: SeriesStoreLimits) {
    this.db = openStore(file, { what: "traffic series database", schema: SCHEMA, version: SCHEMA_VERSION });
    this.health = new StorageHealth("the traffic series memory", file);
    const db = this.db;
    this.st = {
      get: db.prepare("SELECT history FROM series WHERE key = ?").pluck(),
      has: db.prepare("SELECT 1 FROM series WHERE key = ?").pluck(),
      put: db.prepare(`INSERT INTO series (key, history, bytes, used) VALUES (?, ?, ?, (SELECT COALESCE(MAX(used), 0) + 1 FROM series))
        ON CONFLICT(key) DO UPDATE SET history = excluded.history, bytes = excluded.bytes, used = excluded.used`),
      totals: db.prepare("SELECT COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS bytes FROM series"),
      oldest: db.prepare("SELECT key, bytes FROM series ORDER BY used LIMIT 1"),
      delete: db.prepare("DELETE FROM series WHERE key = ?"),
      touch: db.prepare("UPDATE series SET used = (SELECT MAX(used) + 1 FROM series) WHERE key = ?"),
    };
  }

  get(key: string): string | undefined {
    return this.st.get.get(key) as string | undefined;
  }

  /** Whether a history is stored for the key (without reading it). */
  has(key: string): boolean {
    return this.st.has.get(key) !== undefined;
  }

  /** Stores the history text as the most recently used, then evicts the least recently used
   * until both limits hold (a text larger than maxBytes alone is not kept). */
  put(key: string, history: string): void {
    const bytes = Buffer.byteLength(history);
    this.health.guard(() => this.db.transaction(() => {
      if (bytes > this.limits.maxBytes) { this.st.delete.run(key); return; }
      this.st.put.run(key, history, bytes);
      this.evict();
    }).immediate());
  }

  private evict(): void {
    let { count, bytes } = this.st.totals.get() as { count: number; bytes: number };
    while (count > this.limits.maxSeries || bytes > this.limits.maxBytes) {
      const oldest = this.st.oldest.get() as { key: string; bytes: number };
      this.st.delete.run(oldest.key);
      count--; bytes -= oldest.bytes;
    }
  }

  delete(key: string): void { this.health.guard(() => this.st.delete.run(key)); }

  /** Makes the series the most recently used without rewriting its history. */
  touch(key: string): void { this.health.guard(() => this.st.touch.run(key)); }

  /** Series kept and their bytes. */
  totals(): { count: number; bytes: number } { return this.st.totals.get() as { count: number; bytes: number }; }

  close(): void { this.db.close(); }
}
