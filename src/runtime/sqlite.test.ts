// openStore's schema versions: a new file gets the schema's, a file of a version it upgrades from is
// marked with its own (and then refused by a program of that earlier version), any other is refused
// with both versions named, as a DataDirError (one line at start-up, src/cli/main.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite, openStore } from "./sqlite";
import { DataDirError } from "./data-dir";

const schema = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";
const version = (file: string, v: number, upgradesFrom?: number[]) => {
  const db = openStore(file, { what: "test database", schema, version: v, ...(upgradesFrom ? { upgradesFrom } : {}) });
  const stored = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get();
  db.close();
  return stored;
};

test("a file of a version the schema upgrades from is marked with the schema's; other versions are refused", () => {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-sqlite-")), "t.sqlite");
  assert.is(version(file, 1), "1", "a new file");
  assert.is(version(file, 1), "1", "reopened");
  assert.throws(() => version(file, 2), /^data dir \/.*: t\.sqlite \(the test database\) has schema version 1; this program reads version 2 \(the file was written by another release of rb-aioutliers\); run a release that reads it, or move the file aside/);
  assert.is(version(file, 2, [1]), "2", "upgraded in place");
  assert.throws(() => version(file, 1), /has schema version 2; this program reads version 1/, "the earlier program refuses it");
  assert.throws(() => version(file, 3, [1]), /has schema version 2; this program reads version 3, 1 /);
  assert.throws(() => version(file, 1), (e: unknown) => e instanceof DataDirError, "a DataDirError");
});

test("a file of another version is refused before this program's tables are added to it", () => {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-sqlite-")), "t.sqlite");
  const other = openSqlite(file);
  other.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '9')");
  other.close();
  assert.throws(() => openStore(file, { what: "test database", schema: `${schema} CREATE TABLE IF NOT EXISTS extra (x);`, version: 2, upgradesFrom: [1] }), /has schema version 9; this program reads version 2, 1 /);
  const db = openSqlite(file);
  assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(), ["meta"]);
  db.close();
});

test.run();
