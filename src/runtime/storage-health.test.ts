import { test } from "uvu";
import * as assert from "uvu/assert";
import { StorageError, StorageHealth } from "./storage-health";

const sqliteError = (code: string) => Object.assign(new Error("disk trouble"), { code });

test("a storage fault becomes a StorageError of its kind naming the file, and is remembered until a write succeeds", () => {
  let now = 1000;
  const h = new StorageHealth("the station store", "/data/stations.sqlite", () => now++);
  for (const [code, kind] of [["SQLITE_FULL", "full"], ["SQLITE_READONLY_DBMOVED", "read-only"], ["SQLITE_IOERR_WRITE", "io"]] as const) {
    try {
      h.guard(() => { throw sqliteError(code); });
      assert.unreachable();
    } catch (e) {
      assert.instance(e, StorageError);
      assert.is((e as StorageError).kind, kind);
      assert.match((e as Error).message, `the station store /data/stations.sqlite `);
      assert.match((e as Error).message, code);
    }
  }
  // the latest fault, since the first
  assert.match(h.problem!.error, /SQLITE_IOERR_WRITE/);
  assert.is(h.problem!.since_ms, 1000);
  assert.is(h.guard(() => 7), 7);
  assert.is(h.problem, null);
});

test("other errors pass through unchanged and leave the health alone", () => {
  const h = new StorageHealth("the station store", "/x.sqlite");
  const boom = sqliteError("SQLITE_CONSTRAINT_UNIQUE");
  assert.throws(() => h.guard(() => { throw boom; }), (e: unknown) => e === boom);
  assert.is(h.problem, null);
});

test.run();
