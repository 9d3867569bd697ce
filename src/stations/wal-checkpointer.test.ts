// The WAL checkpointer against a real SQLite file: the thread starts once the WAL has grown, the
// service's connection stops checkpointing, the worker thread's checkpoints keep the WAL bounded
// while a writer never pauses for long, every committed row is there after close and reopen, and
// group commits wait for a RESTART instead of meeting its lock.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "../runtime/sqlite";
import { silentLogger } from "../runtime/logger";
import { WalCheckpointer, walPages as walFilePages } from "./wal-checkpointer";
import { GroupCommit } from "./group-commit";

const walPages = (file: string) => walFilePages(`${file}-wal`);
const thread = (cp: WalCheckpointer) => (cp as unknown as { worker?: { postMessage(m: { mode?: string }): void; terminate(): Promise<number> } }).worker;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("the writer's connection stops checkpointing; the thread's checkpoints bound the WAL; nothing is lost", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-wal-")), "s.sqlite");
  const db = openSqlite(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, x BLOB NOT NULL)");
  const cp = new WalCheckpointer(db, { intervalMs: 10, maxWalPages: 100, startWalPages: 20, log: silentLogger() });
  cp.start();
  assert.is(db.pragma("wal_autocheckpoint", { simple: true }), 1000, "SQLite's own until the thread works");
  db.prepare("INSERT INTO t (x) VALUES (?)").run(Buffer.alloc(1));
  await sleep(350); // three looks at the WAL's size
  assert.is(thread(cp), undefined, `no thread while the WAL is small (${walPages(file)} pages)`);
  db.transaction(() => { for (let k = 0; k < 25; k++) db.prepare("INSERT INTO t (x) VALUES (?)").run(Buffer.alloc(4000)); })();
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
  assert.is(again.prepare("SELECT COUNT(*) FROM t").pluck().get(), 4026);
  again.close();
});

test("without its thread (it failed) SQLite checkpoints inside commits again", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-wal-")), "s.sqlite");
  const db = openSqlite(file);
  db.pragma("journal_mode = WAL");
  const cp = new WalCheckpointer(db, { intervalMs: 10, maxWalPages: 100, startWalPages: 1, log: silentLogger() });
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE t (x)");
  cp.start();
  db.exec("INSERT INTO t VALUES (1)"); // the thread starts at the next look at the WAL
  for (const up = Date.now() + 5000; !thread(cp) && Date.now() < up;) await sleep(5);
  (cp as unknown as { worker: { emit(e: string, err: Error): void } }).worker.emit("error", new Error("boom"));
  assert.is(db.pragma("wal_autocheckpoint", { simple: true }), 1000);
  await cp.close();
  db.close();
});

test("group commits wait for a RESTART rather than meet its lock; a thread that dies lets them go", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-wal-")), "s.sqlite");
  const db = openSqlite(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, x BLOB NOT NULL)");
  const cp = new WalCheckpointer(db, { intervalMs: 10, maxWalPages: 100, startWalPages: 1, log: silentLogger() });
  cp.start();
  // a transaction begun while a RESTART is asked of the thread is what the gate is there to prevent
  let begunDuringRestart = 0, transactions = 0;
  const store = {
    transaction: (fn: () => void) => { transactions++; if (cp.restarting) begunDuringRestart++; db.transaction(fn)(); },
    savepoint: <T>(fn: () => T) => db.transaction(fn)(),
  };
  const group = new GroupCommit(store, () => cp.restarting);
  const insert = db.prepare("INSERT INTO t (x) VALUES (?)"), blob = Buffer.alloc(4000, 7);
  db.prepare("INSERT INTO t (x) VALUES (?)").run(blob);
  for (const up = Date.now() + 10_000; cp.last === undefined && Date.now() < up;) await sleep(10);
  assert.ok(cp.last !== undefined, "the thread checkpointed");
  // four writers of 10 pages at a time, never pausing longer than a turn, for 300 commits each
  const writer = async () => { for (let i = 0; i < 300; i++) await group.add(() => { for (let k = 0; k < 10; k++) insert.run(blob); }); };
  await Promise.all([writer(), writer(), writer(), writer()]);
  assert.ok(cp.runs.RESTART > 0, "the WAL went above its bound");
  assert.is(begunDuringRestart, 0, `${begunDuringRestart} of ${transactions} transactions began while a RESTART held the lock`);
  // a RESTART whose thread dies: the held commit goes on (SQLite checkpoints inside commits again)
  const inner = cp as unknown as { pending?: string; tick(mode: string): void };
  while (inner.pending) await sleep(1); // the interval's PASSIVE ends; no turn between it and the tick
  inner.tick("RESTART");
  const held = cp.restarting;
  assert.ok(held, "a RESTART is in progress");
  const write = group.add(() => insert.run(blob));
  await thread(cp)!.terminate();
  await held;
  await write;
  assert.is(cp.restarting, undefined);
  assert.is(db.pragma("wal_autocheckpoint", { simple: true }), 1000);
  await cp.close();
  assert.is(db.prepare("SELECT COUNT(*) FROM t").pluck().get(), 1 + 4 * 300 * 10 + 1);
  db.close();
});

test.run();
