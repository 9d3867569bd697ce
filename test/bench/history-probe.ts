// In-process probe of the history's cost (issue 15 part 2), without HTTP: PROBE_STATIONS stations
// (default 1) fed in turn, blocks of 10 samples x 3 variables (windows 32/128/256), registries with
// history_samples 0 and 10080 on files of their own fed the same blocks alternately; CPU ms per block
// and WAL frames per block (the WAL's growth, automatic checkpoints off; a checkpoint every 32 blocks
// counted in the CPU), after 256 blocks of warm-up. Retention runs from a station's block 1008.
// Both registries share the process, so garbage one makes may be collected in the other's turn.
//   PROBE_PIPELINE=batch PROBE_BLOCKS=2560 npx tsx test/bench/history-probe.ts
//   PROBE_STATIONS=50 PROBE_PIPELINE=batch PROBE_BLOCKS=2560 npx tsx test/bench/history-probe.ts
// PROBE_GROUP=4 sends 4 stations' blocks at once, as 4 connections do: they share a commit
// (src/stations/group-commit.ts), so the frames per block show what a group saves (a divisor of 32).
// PROBE_TABLES=1 also prints, for history 10080, the frames per block of each table and index (the
// pages the WAL's frames hold, named by dbstat; counted outside the CPU).
import { closeSync, mkdtempSync, openSync, readSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StationStore } from "../../src/stations/store";
import { StationRegistry } from "../../src/stations/station-registry";
import { detectionSchema, initializeSchema, parseOrThrow } from "../../src/http/station-schemas";

const pipeline = process.env.PROBE_PIPELINE ?? "batch", STATIONS = Number(process.env.PROBE_STATIONS ?? 1), BLOCKS = Number(process.env.PROBE_BLOCKS ?? 1024), VARS = { a: 32, b: 128, c: 256 };
const GROUP = Number(process.env.PROBE_GROUP ?? 1), TABLES = process.env.PROBE_TABLES === "1";
const value = (k: number, v: number) => Math.sin(k / 9 + v) + 0.2 * ((Math.sin(k * 12.9898 + v * 78.233) * 43758.5453) % 1) + (k % 97 === 0 ? 12 : 0);
async function setup(history: number) {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-hp-")), "s.sqlite");
  const store = new StationStore(file);
  store.db.pragma("wal_autocheckpoint = 0");
  const reg = new StationRegistry(store, { defaultPipeline: pipeline, deliver: false, cacheBytes: 1 << 30, historySamples: history });
  for (let st = 0; st < STATIONS; st++) await reg.initialize(parseOrThrow(initializeSchema, { id_estacio: `s${st}`, pipeline, variables: VARS }));
  return { file, store, reg, cpu: 0, frames: 0, tables: new Map<string, number>() };
}
const sides = [await setup(0), await setup(10080)];
const pageSize = sides[0]!.store.db.pragma("page_size", { simple: true }) as number;
const request = (b: number) => {
  const mostres = Array.from({ length: 10 }, (_, i) => {
    const k = Math.floor(b / STATIONS) * 10 + i; // the station's own sample number
    return { timestamp: new Date(Date.UTC(2021, 0, 1) + k * 60_000).toISOString(), values: { a: value(k, 0), b: value(k, 1), c: value(k, 2) } };
  });
  return parseOrThrow(detectionSchema, { id_estacio: `s${b % STATIONS}`, numero_mostres: 10, mostres });
};
for (let b = 0; b < BLOCKS; b += GROUP) {
  const reqs = Array.from({ length: GROUP }, (_, g) => request(b + g));
  for (const s of (b / GROUP) % 2 ? sides : [...sides].reverse()) {
    const wal = statSync(s.file + "-wal").size, t = process.cpuUsage();
    await Promise.all(reqs.map((req) => s.reg.detect(req))); // computed on this thread (no pool), committed before they resolve
    const grown = statSync(s.file + "-wal").size - wal;
    // the service's checkpoints copy the frames into the database (./src/stations/wal-checkpointer.ts)
    if ((b + GROUP) % 32 === 0) s.store.db.pragma("wal_checkpoint(TRUNCATE)");
    const d = process.cpuUsage(t);
    if (b >= 256) s.cpu += (d.user + d.system) / 1000;
    if (b >= 256) s.frames += grown / (pageSize + 24);
    if (TABLES && b >= 256 && s === sides[1]) countTables(s, wal, wal + grown);
  }
}
/** Tallies the frames in the WAL's bytes [from, to) by the table or index of their page. */
function countTables(s: (typeof sides)[number], from: number, to: number): void {
  // pages change owners (the journal's freed pages go to other tables): read them as they are now
  const owners = new Map((s.store.db.prepare("SELECT pageno, name FROM dbstat").raw().all() as Array<[number, string]>));
  const fd = openSync(s.file + "-wal", "r"), head = Buffer.alloc(4);
  for (let at = Math.max(from, 32); at + 24 <= to; at += pageSize + 24) {
    readSync(fd, head, 0, 4, at);
    const name = owners.get(head.readUInt32BE(0)) ?? "(freelist)";
    s.tables.set(name, (s.tables.get(name) ?? 0) + 1);
  }
  closeSync(fd);
}
const n = BLOCKS - 256;
for (const [i, s] of sides.entries()) console.log(`history ${i ? 10080 : 0}: ${(s.cpu / n).toFixed(3)} ms CPU/block, ${(s.frames / n).toFixed(2)} WAL frames/block`);
console.log(`cost: ${((sides[1]!.cpu / sides[0]!.cpu - 1) * 100).toFixed(1)} % CPU`);
if (TABLES) console.log(`history 10080, WAL frames per block by table: ${[...sides[1]!.tables].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / n).toFixed(2)}`).join(", ")}`);
