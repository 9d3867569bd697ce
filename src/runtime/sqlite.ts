// Opens a SQLite database with better-sqlite3. Inside the single executable the native addon is
// an embedded asset extracted to the cache dir (see ./native-addon.ts when it lands); from source
// the package's own build is used.
import Database from "better-sqlite3";

export type SqliteDatabase = Database.Database;

export function openSqlite(file: string, opts: { readonly?: boolean } = {}): SqliteDatabase {
  return new Database(file, { readonly: opts.readonly ?? false, nativeBinding: nativeBindingPath() });
}

/** Set by the executable's start-up code before any database is opened. */
let bindingPath: string | undefined;
export function setSqliteNativeBinding(path: string): void { bindingPath = path; }
function nativeBindingPath(): string | undefined { return bindingPath; }
