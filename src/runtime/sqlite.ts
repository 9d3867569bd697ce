// Opens a SQLite database with better-sqlite3. Inside the single executable the native addon is an
// embedded asset extracted to the cache dir (./embedded-assets.ts); from source the package's own
// build is used.
import Database from "better-sqlite3";
import { embeddedManifest, extractEmbedded } from "./embedded-assets";

export type SqliteDatabase = Database.Database;

export function openSqlite(file: string, opts: { readonly?: boolean } = {}): SqliteDatabase {
  // @types/better-sqlite3 says string, the library also takes the loaded addon module.
  const nativeBinding = embeddedSqliteAddon() as string | undefined;
  return new Database(file, { readonly: opts.readonly ?? false, nativeBinding });
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
