// The WAL checkpointer against a real SQLite file: the service's connection stops checkpointing,
// the worker thread's checkpoints keep the WAL bounded while a writer never pauses for long, and
// every committed row is there after close and reopen.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "../runtime/sqlite";
import { silentLogger } from "../runtime/logger";
import { WalCheckpointer } from "./wal-checkpointer";

const walPages = (file: string) => { try { return statSync(`${file}-wal`).size / 4096; } catch { return 0; } };

test("the writer's connection stops checkpointing; the thread's checkpoints bound the WAL; nothing is lost", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-wal-")), "s.sqlite");
  const db = openSqlite(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, x BLOB NOT NULL)");
  const cp = new WalCheckpointer(db, { intervalMs: 10, maxWalPages: 100, log: silentLogger() });
  cp.start();
  assert.is(db.pragma("wal_autocheckpoint", { simple: true }), 1000, "SQLite's own until the thread works");
  await new Promise((r) => setTimeout(r, 100));
  assert.is((cp as unknown as { worker?: unknown }).worker, undefined, "no thread while nothing is written");
  db.prepare("INSERT INTO t (x) VALUES (?)").run(Buffer.alloc(1));
  const up = Date.now() + 10_000; // the thread loads tsx from source: ~2 s on a loaded machine
  while (cp.last === undefined && Date.now() < up) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cp.last !== undefined, "the thread checkpointed");
  assert.is(db.pragma("wal_autocheckpoint", { simple: true }), 0, "no checkpoint inside commits");
  // the checkpoints asked of the thread, in order
  const worker = (cp as unknown as { worker: { postMessage(m: { mode?: string }): void } }).worker, post = worker.postMessage.bind(worker);
  const modes: string[] = [];
  worker.postMessage = (m) => { if (m.mode) modes.push(m.mode); post(m); };
  const insert = db.prepare("INSERT INTO t (x) VALUES (?)");
  const blob = Buffer.alloc(4000, 7);
  let maxWal = 0;
  // 400 commits of 10 pages (~4,000 pages, 16 MB, written); the writer yields 1 ms between commits
  for (let i = 0; i < 400; i++) {
    db.transaction(() => { for (let k = 0; k < 10; k++) insert.run(blob); })();
    maxWal = Math.max(maxWal, walPages(file));
    await new Promise((r) => setTimeout(r, 1));
  }
  // bound 100 pages + what is written between two checkpoints (~240 measured); 2,000 leaves room
  // for a thread starved on a loaded machine and still fails if nothing bounds the WAL (~4,000)
  assert.ok(maxWal < 2000, `WAL reached ${maxWal} pages`);
  // a RESTART only after a PASSIVE pass left the WAL above its bound, never after a RESTART (whose
  // result still counts the frames the next commit restarts over): each makes the writer wait
  const restarts = modes.filter((m) => m === "RESTART").length;
  assert.ok(restarts > 0, `the WAL went above its bound: ${modes.join(" ")}`);
  assert.ok(modes.every((m, i) => m === "PASSIVE" || modes[i - 1] === "PASSIVE"), `a RESTART after a RESTART: ${modes.join(" ")}`);
  assert.is(cp.runs.RESTART, restarts);
  await cp.close();
  db.close();
  const again = openSqlite(file);
  assert.is(again.prepare("SELECT COUNT(*) FROM t").pluck().get(), 4001);
  again.close();
});

test("without its thread (it failed) SQLite checkpoints inside commits again", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-wal-")), "s.sqlite");
  const db = openSqlite(file);
  db.pragma("journal_mode = WAL");
  const cp = new WalCheckpointer(db, { intervalMs: 10, maxWalPages: 100, log: silentLogger() });
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE t (x)");
  cp.start();
  await new Promise((r) => setTimeout(r, 5));
  db.exec("INSERT INTO t VALUES (1)"); // the thread starts at the next interval after a write
  const thread = () => (cp as unknown as { worker?: unknown }).worker;
  for (const up = Date.now() + 5000; !thread() && Date.now() < up;) await new Promise((r) => setTimeout(r, 5));
  (cp as unknown as { worker: { emit(e: string, err: Error): void } }).worker.emit("error", new Error("boom"));
  assert.is(db.pragma("wal_autocheckpoint", { simple: true }), 1000);
  await cp.close();
  db.close();
});

test.run();
