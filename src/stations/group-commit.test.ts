// Group commit over the real station store (a SQLite file): the writes added in one turn share one
// transaction and are answered only after it committed, without savepoints unless a write throws;
// a write that throws is undone alone; a
// real storage fault (the database at its max_page_count: SQLITE_FULL) undoes the whole group and
// fails every write in it. After ALONE_AFTER groups of one write in a row, a lone write commits at
// once, until one comes in the same turn as it; never while held.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { StationStore } from "./store";
import { ALONE_AFTER, GroupCommit } from "./group-commit";
import { StorageError } from "../runtime/storage-health";

function open(held?: () => Promise<void> | undefined) {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-group-")), "stations.sqlite");
  const store = new StationStore(file);
  let transactions = 0, savepoints = 0;
  const counted = {
    transaction: (fn: () => void) => { transactions++; store.transaction(fn); },
    savepoint: <T>(fn: () => T) => { savepoints++; return store.savepoint(fn); },
  };
  // another connection, as the outbox sender has: it sees only what was committed
  const other = new Database(file, { readonly: true });
  const committed = () => (other.prepare("SELECT id FROM stations ORDER BY id").pluck().all() as string[]);
  return { store, group: new GroupCommit(counted, held), transactions: () => transactions, savepoints: () => savepoints, committed, close: () => { other.close(); store.close(); } };
}

async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try { return { value: await p }; } catch (error) { return { error }; }
}

test("writes added in the same turn commit in one transaction, each answered with its result after the commit", async () => {
  const { store, group, transactions, committed, close } = open();
  const seenInside: string[][] = [];
  const writes = ["a", "b", "c"].map((id) => group.add(() => { store.putStation(id, 1); seenInside.push(committed()); return id.toUpperCase(); }));
  assert.equal(committed(), [], "nothing before the turn ends");
  assert.equal(await Promise.all(writes), ["A", "B", "C"]);
  assert.is(transactions(), 1);
  assert.equal(seenInside, [[], [], []], "no write was visible to another connection before the commit");
  assert.equal(committed(), ["a", "b", "c"]);
  await group.add(() => store.putStation("d", 2));
  assert.is(transactions(), 2, "a write of a later turn: a transaction of its own");
  close();
});

test("a write that throws is undone alone and fails alone", async () => {
  const { store, group, committed, close } = open();
  const results = await Promise.all([
    settle(group.add(() => store.putStation("a", 1))),
    settle(group.add(() => { store.putStation("b", 1); throw new Error("pipeline broke"); })),
    settle(group.add(() => store.putStation("c", 1))),
  ]);
  assert.is(results[0]!.error, undefined);
  assert.match(String(results[1]!.error), /pipeline broke/);
  assert.is(results[2]!.error, undefined);
  assert.equal(committed(), ["a", "c"]);
  close();
});

test("a group runs its writes once and without savepoints when none throws; a throw runs the others again, each in a savepoint", async () => {
  const { store, group, transactions, savepoints, committed, close } = open();
  const runs = { a: 0, b: 0, c: 0 };
  await Promise.all(["a", "b"].map((id) => group.add(() => { runs[id as "a"]++; store.putStation(id, 1); })));
  assert.equal([transactions(), savepoints(), runs.a, runs.b], [1, 0, 1, 1]);
  const results = await Promise.all([
    settle(group.add(() => { runs.a++; store.putStation("a2", 1); })),
    settle(group.add(() => { runs.b++; store.putStation("b2", 1); throw new Error("pipeline broke"); })),
    settle(group.add(() => { runs.c++; store.putStation("c2", 1); })),
  ]);
  assert.match(String(results[1]!.error), /pipeline broke/);
  // a2 and b2 ran in the first transaction, which b2's throw rolled back; c2 not: the loop stopped
  assert.equal([transactions(), savepoints(), runs.a, runs.b, runs.c], [3, 3, 3, 3, 1]);
  assert.equal(committed(), ["a", "a2", "b", "c2"]);
  close();
});

test("a group of one write needs no savepoint: its throw fails it alone and leaves nothing", async () => {
  const { store, group, transactions, savepoints, committed, close } = open();
  const result = await settle(group.add(() => { store.putStation("a", 1); throw new Error("pipeline broke"); }));
  assert.match(String(result.error), /pipeline broke/);
  assert.equal([transactions(), savepoints()], [1, 0]);
  assert.equal(committed(), []);
  assert.is(store.db.inTransaction, false);
  await group.add(() => store.putStation("b", 1));
  assert.equal(committed(), ["b"]);
  close();
});

test("a storage fault in one write fails every write of the group and keeps none of them", async () => {
  const { store, group, committed, close } = open();
  const pages = store.db.pragma("page_count", { simple: true }) as number;
  store.db.pragma(`max_page_count = ${pages + 2}`);
  const big = "x".repeat(256 * 1024); // needs far more than 2 new pages
  const results = await Promise.all([
    settle(group.add(() => store.putStation("a", 1))),
    settle(group.add(() => store.enqueue({ station_id: "b", path: "/outliers", body: big, idempotency_key: "k", created_ms: 1 }))),
    settle(group.add(() => store.putStation("c", 1))),
  ]);
  for (const r of results) {
    assert.instance(r.error, StorageError);
    assert.is((r.error as StorageError).kind, "full");
  }
  assert.equal(committed(), []);
  assert.is(store.outboxStats().depth, 0);
  assert.ok(store.health.problem, "the store reports the fault");
  store.db.pragma("max_page_count = 1073741823");
  await group.add(() => store.putStation("d", 2));
  assert.equal(committed(), ["d"], "the next group commits once there is space");
  assert.is(store.health.problem, null);
  close();
});

test("flush commits what is pending at once; the scheduled turn then finds nothing", async () => {
  const { store, group, transactions, committed, close } = open();
  const write = group.add(() => store.putStation("a", 1));
  group.flush();
  assert.equal(committed(), ["a"]);
  await write;
  await new Promise((r) => setImmediate(r));
  assert.is(transactions(), 1);
  close();
});

test("while held, commits wait and the event loop goes on; writes added meanwhile join the group; flush does not wait", async () => {
  let release!: () => void, holding: Promise<void> | undefined = new Promise<void>((r) => { release = r; });
  const { store, group, transactions, committed, close } = open(() => holding);
  const first = group.add(() => store.putStation("a", 1));
  await new Promise((r) => setTimeout(r, 20)); // timers run: the event loop is not blocked
  const second = group.add(() => store.putStation("b", 1));
  await new Promise((r) => setTimeout(r, 20));
  assert.is(transactions(), 0, "nothing began while held");
  assert.equal(committed(), []);
  holding = undefined;
  release();
  await Promise.all([first, second]);
  assert.is(transactions(), 1, "both in one transaction");
  assert.equal(committed(), ["a", "b"]);
  // on close the registry flushes: held or not
  holding = new Promise<void>(() => {});
  const third = group.add(() => store.putStation("c", 1));
  group.flush();
  await third;
  assert.equal(committed(), ["a", "b", "c"]);
  close();
});

/** ALONE_AFTER groups of one write each, one turn after another. */
async function lonely(group: GroupCommit, store: StationStore, prefix: string): Promise<void> {
  for (let i = 0; i < ALONE_AFTER; i++) await group.add(() => store.putStation(`${prefix}${i}`, 1));
}

test("after groups of one write in a row, a lone write commits at once; one in the same turn after it groups again", async () => {
  const { store, group, transactions, committed, close } = open();
  for (let i = 0; i < ALONE_AFTER - 1; i++) await group.add(() => store.putStation(`w${i}`, 1));
  const notYet = group.add(() => store.putStation("x0", 1));
  assert.not.ok(committed().includes("x0"), "one group of one fewer: still at the turn's end");
  await notYet;
  const now = group.add(() => { store.putStation("x1", 1); return "X1"; });
  assert.ok(committed().includes("x1"), "committed before add returned");
  assert.is(transactions(), ALONE_AFTER + 1);
  // the same turn: these would have joined it; they are grouped again, in one transaction
  const joined = [group.add(() => store.putStation("y1", 1)), group.add(() => store.putStation("y2", 1))];
  assert.not.ok(committed().includes("y1"));
  assert.is(await now, "X1");
  await Promise.all(joined);
  assert.is(transactions(), ALONE_AFTER + 2);
  const later = group.add(() => store.putStation("z", 1));
  assert.not.ok(committed().includes("z"), "grouping until groups of one in a row again");
  await later;
  await lonely(group, store, "v");
  const failing = settle(group.add(() => { store.putStation("f", 1); throw new Error("pipeline broke"); }));
  assert.match(String((await failing).error), /pipeline broke/, "a lone write that throws fails alone");
  assert.not.ok(committed().includes("f"));
  assert.is(store.db.inTransaction, false);
  close();
});

test("while held, a lone write is not committed at once: it waits with the others", async () => {
  let release!: () => void, holding: Promise<void> | undefined;
  const { store, group, transactions, committed, close } = open(() => holding);
  await lonely(group, store, "w");
  holding = new Promise<void>((r) => { release = r; });
  const first = group.add(() => store.putStation("a", 1));
  await new Promise((r) => setTimeout(r, 20));
  const second = group.add(() => store.putStation("b", 1));
  assert.is(transactions(), ALONE_AFTER);
  assert.not.ok(committed().includes("a"));
  holding = undefined;
  release();
  await Promise.all([first, second]);
  assert.is(transactions(), ALONE_AFTER + 1, "both in one transaction");
  close();
});

test.run();
