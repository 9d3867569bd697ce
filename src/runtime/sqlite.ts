// Opens a SQLite database with better-sqlite3. Inside the single executable the native addon is an
// embedded asset extracted to the cache dir (./embedded-assets.ts); from source the package's own
// build is used.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { DataDirError } from "./data-dir";
import { embeddedManifest, extractEmbedded } from "./embedded-assets";

export type SqliteDatabase = Database.Database;

export function openSqlite(file: string, opts: { readonly?: boolean } = {}): SqliteDatabase {
  // @types/better-sqlite3 says string, the library also takes the loaded addon module.
  const nativeBinding = embeddedSqliteAddon() as string | undefined;
  return new Database(file, { readonly: opts.readonly ?? false, nativeBinding });
}

export type Synchronous = "full" | "normal";

export interface StoreSchema {
  /** What the file is, for the version error ("station database"). */
  what: string;
  /** CREATE ... IF NOT EXISTS statements; must create `meta (key TEXT PRIMARY KEY, value TEXT)`. */
  schema: string;
  version: number;
  /** Earlier versions this program opens and marks as its own (their tables are the schema's
   * above, which adds the rest); a program of such a version then refuses the file. */
  upgradesFrom?: readonly number[];
  /** NORMAL in WAL mode: a commit is durable against a process crash (kill -9) as soon as it
   * returns; only an OS crash or power loss can lose the last commits. FULL also fsyncs the WAL
   * on every commit (docs/stations.md has the measured cost). Default NORMAL. */
  synchronous?: Synchronous;
}

/** Opens (creating its directory and tables) one of the service's stores: WAL, the synchronous
 * level asked for, foreign keys on, and a schema version this program reads (stored at creation,
 * refused when another). */
export function openStore(file: string, s: StoreSchema): SqliteDatabase {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = openSqlite(file);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${s.synchronous === "full" ? "FULL" : "NORMAL"}`);
  db.pragma("foreign_keys = ON");
  // Test hook (test/stations/disk-full.test.ts, test/traffic/disk-full.test.ts), honoured only when
  // set: a database that cannot grow past this many pages fails its writes with SQLITE_FULL, as a
  // full disk does.
  const maxPages = Number(process.env.RB_AIOUTLIERS_TEST_MAX_PAGE_COUNT ?? 0);
  if (maxPages > 0) db.pragma(`max_page_count = ${Math.floor(maxPages)}`);
  // the version first: a file of another release is refused before this release's tables are added to it
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  const version = hasMeta ? db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined : undefined;
  const upgrade = version !== undefined && s.upgradesFrom?.includes(Number(version));
  if (version !== undefined && !upgrade && Number(version) !== s.version) {
    db.close();
    const reads = [s.version, ...(s.upgradesFrom ?? [])].join(", ");
    throw new DataDirError(`data dir ${dirname(resolve(file))}: ${basename(file)} (the ${s.what}) has schema version ${version}; this program reads version ${reads} (the file was written by another release of rb-aioutliers); run a release that reads it, or move the file aside to start without its data`);
  }
  db.exec(s.schema);
  if (version === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(s.version));
  else if (upgrade) db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(s.version));
  return db;
}

let addon: object | undefined;
/** The embedded addon, loaded with process.dlopen (the executable's require() only knows built-in modules). */
function embeddedSqliteAddon(): object | undefined {
  const manifest = embeddedManifest();
  if (!manifest) return undefined;
  if (!addon) {
    const module = { exports: {} };
    process.dlopen(module, extractEmbedded(manifest.sqliteAddon));
    addon = module.exports;
  }
  return addon;
}
