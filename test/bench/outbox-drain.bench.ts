// The outbox sender's own cost (issue 17 part 2): OutboxSender (the service's delivery loop,
// src/stations/outbox-sender.ts) draining OUTBOX_DRAIN_ENTRIES (default 10,000)
// queued entries of 50 stations from a real SQLite file to the loopback sink of ./sink-process.ts
// in another process. CPU time of this process per delivery (the sender's: it depends little on
// the machine's load), the sink process's, and the wall-clock rate; medians of OUTBOX_DRAIN_RUNS
// (default 3) runs.
// The target is >= 5,000 entries/s, i.e. <= 0.2 ms of CPU per delivery with the sink's CPU on
// another core. Run: npm run bench -- outbox-drain.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StationStore } from "../../src/stations/store";
import { OutboxSender } from "../../src/stations/outbox-sender";
import { silentLogger } from "../../src/runtime/logger";
import { printTable } from "./harness";
import { processCpuMs } from "../support/process-tree";

const ENTRIES = Number(process.env.OUTBOX_DRAIN_ENTRIES ?? 10_000);
const RUNS = Number(process.env.OUTBOX_DRAIN_RUNS ?? 3);
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

const sink = spawn(process.execPath, ["--import", "tsx", new URL("./sink-process.ts", import.meta.url).pathname], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
const { port } = await new Promise<{ port: number }>((r) => sink.once("message", r));

const cpu: number[] = [], sinkCpu: number[] = [], rate: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), "rbao-drain-"));
  const store = new StationStore(join(dir, "stations.sqlite"));
  // as in the service: the WAL checkpointer's thread checkpoints, not the sender's commits
  store.db.pragma("wal_autocheckpoint = 0");
  store.transaction(() => {
    for (let i = 0; i < ENTRIES; i++) {
      const st = `st_${i % 50}`;
      const body = i % 2 ? JSON.stringify([{ id_estacio: st, variable: "v32", dates: ["2024-05-20 12:00:00"] }]) : JSON.stringify({ id_estacio: st });
      store.enqueue({ station_id: st, path: i % 2 ? "/outliers" : "/outliers/validate", body, idempotency_key: randomUUID(), created_ms: Date.now() });
    }
  });
  const sender = new OutboxSender({ store, endpoint: `http://127.0.0.1:${port}`, timeoutMs: 10_000, maxBackoffMs: 500, log: silentLogger() });
  const c0 = process.cpuUsage(), s0 = processCpuMs(sink.pid!), t0 = performance.now();
  sender.start();
  while (store.outboxStats().depth > 0) await new Promise((r) => setTimeout(r, 20));
  const wall = (performance.now() - t0) / 1000, used = process.cpuUsage(c0), sinkUsed = processCpuMs(sink.pid!) - s0;
  await sender.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  cpu.push((used.user + used.system) / 1000 / ENTRIES);
  sinkCpu.push(sinkUsed / ENTRIES);
  rate.push(ENTRIES / wall);
}
sink.send({ close: true });
printTable(`Outbox drain in process (${ENTRIES} entries of 50 stations, sink in another process)`, [
  { name: "CPU per delivery (the sender's process; target <= 0.2 ms)", ours: `${median(cpu).toFixed(3)} ms (runs ${cpu.map((c) => c.toFixed(3)).join(" / ")})`, original: "1.87 ms (fetch, a commit per delivery)", ratio: 1.87 / median(cpu) },
  { name: "the sink's CPU per delivery (its process, /proc, 10 ms ticks)", ours: `${median(sinkCpu).toFixed(3)} ms (runs ${sinkCpu.map((c) => c.toFixed(3)).join(" / ")})`, original: "—", ratio: undefined },
  { name: "deliveries per second, wall clock (load-bound)", ours: `${Math.round(median(rate))} (runs ${rate.map(Math.round).join(" / ")})`, original: "~165 (issue 17)", ratio: median(rate) / 165 },
], undefined, `medians of ${RUNS} runs`);
