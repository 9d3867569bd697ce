// SeriesStore: the traffic API's series memory in one SQLite file (issue 18 part 4): per series
// key, the text of its history (src/detect/series-history-json.ts). Bounded in count and bytes:
// after each write the least recently used series go first. Synchronous (better-sqlite3) and
// written before the answer leaves, so an answered request survives kill -9 (WAL, synchronous =
// NORMAL: a commit is durable against a process crash as soon as it returns, as the station store).
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { openSqlite, type SqliteDatabase } from "../runtime/sqlite";

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
  private readonly db: SqliteDatabase;
  private readonly st;

  constructor(file: string, private readonly limits: SeriesStoreLimits) {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    this.db = openSqlite(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(SCHEMA);
    const version = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined;
    if (version === undefined) this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    else if (Number(version) !== SCHEMA_VERSION) throw new Error(`traffic series database ${file} has schema version ${version}; this program reads version ${SCHEMA_VERSION}`);
    const db = this.db;
    this.st = {
      get: db.prepare("SELECT history FROM series WHERE key = ?").pluck(),
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

  /** Stores the history text as the most recently used, then evicts the least recently used
   * until both limits hold (a text larger than maxBytes alone is not kept). */
  put(key: string, history: string): void {
    const bytes = Buffer.byteLength(history);
    this.db.transaction(() => {
      if (bytes > this.limits.maxBytes) { this.st.delete.run(key); return; }
      this.st.put.run(key, history, bytes);
      this.evict();
    }).immediate();
  }

  private evict(): void {
    let { count, bytes } = this.st.totals.get() as { count: number; bytes: number };
    while (count > this.limits.maxSeries || bytes > this.limits.maxBytes) {
      const oldest = this.st.oldest.get() as { key: string; bytes: number };
      this.st.delete.run(oldest.key);
      count--; bytes -= oldest.bytes;
    }
  }

  delete(key: string): void { this.st.delete.run(key); }

  /** Makes the series the most recently used without rewriting its history. */
  touch(key: string): void { this.st.touch.run(key); }

  /** Series kept and their bytes. */
  totals(): { count: number; bytes: number } { return this.st.totals.get() as { count: number; bytes: number }; }

  close(): void { this.db.close(); }
}
