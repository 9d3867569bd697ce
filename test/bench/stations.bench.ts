// Station API bench (issue 3 part 8): end-to-end HTTP against the spawned service, blocks of 10
// samples with 3 variables (windows 32, 128, 256), 25,600 samples (2,560 blocks) per run: samples/s
// (a sample = one timestamp with its 3 values), p50/p99 latency per block, and the service's peak
// RSS (VmHWM) for 1 station on one connection and 50 stations on four; then the peak RSS with
// 1,000 stations whose pipelines have all trained. Beside the original server's figures measured
// on this kind of machine. Medians of 5 runs after a warm-up run; each scenario on a fresh service.
// Run: npx tsx test/bench/stations.bench.ts (or npm run bench stations).
// STATIONS_BENCH_PIPELINES=batch,default picks the pipelines (default: both);
// STATIONS_BENCH_SCENARIOS=one,fifty,full,thousand picks the scenarios (default: all), e.g.
// STATIONS_BENCH_PIPELINES=default STATIONS_BENCH_SCENARIOS=fifty for the 50-station one alone.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { startService, type RunningService } from "../support/service-process";
import { blockBody } from "../stations/stream";
import { printTable, rateRow, timeRow, type BenchRow } from "./harness";

const WINDOWS = { v32: 32, v128: 128, v256: 256 };
const VARS = Object.keys(WINDOWS);
const BLOCK = 10, BLOCKS = 2560, RUNS = 5;
const ORIGINAL = {
  one: { rate: 218, p50: 3.8, p99: 303, rssMb: 136 },
  fifty: { rate: 206, p50: 22, p99: 1549, rssMb: 214 },
};

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU time (user + system) the service process has used, ms (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

/** POST over a keep-alive agent whose socket count is the number of connections. */
function post(svc: RunningService, agent: Agent, path: string, body: unknown): Promise<void> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(svc.stationUrl + path, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode} ${text}`))));
    });
    req.on("error", reject);
    req.end(data);
  });
}

/** Sends 2,560 blocks spread over `stations` (block j to station j mod stations, in order per
 * station) on `connections` parallel connections; returns wall time and per-block latencies. */
async function run(svc: RunningService, prefix: string, stations: number, connections: number, pipeline: string) {
  const dispatcher = new Agent({ keepAlive: true, maxSockets: connections });
  const ids = Array.from({ length: stations }, (_, i) => `${prefix}_${i}`);
  for (const id of ids) await post(svc, dispatcher, "/initialize", { id_estacio: id, variables: WINDOWS, pipeline });
  const bodies = ids.map(() => [] as unknown[]);
  for (let j = 0; j < BLOCKS; j++) {
    const s = j % stations;
    bodies[s]!.push(blockBody(ids[s]!, bodies[s]!.length * BLOCK, BLOCK, VARS));
  }
  const latencies: number[] = [];
  const cpu0 = processCpuMs(svc.child.pid!);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, async (_, w) => {
    // worker w owns stations w, w + connections, ...: a station's blocks stay in order
    const mine = ids.map((_, s) => s).filter((s) => s % connections === w);
    const queues = mine.map((s) => bodies[s]!);
    for (let k = 0; queues.some((q) => k < q.length); k++) {
      for (const q of queues) {
        if (k >= q.length) continue;
        const t = performance.now();
        await post(svc, dispatcher, "/detection", q[k]);
        latencies.push(performance.now() - t);
      }
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (processCpuMs(svc.child.pid!) - cpu0) / 1000;
  dispatcher.destroy();
  latencies.sort((a, b) => a - b);
  return { rate: (BLOCKS * BLOCK) / seconds, cpuRate: (BLOCKS * BLOCK) / cpuSeconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

async function scenario(name: string, stations: number, connections: number, pipeline: string, original?: typeof ORIGINAL.one, configIni?: string): Promise<BenchRow[]> {
  const svc = await startService({ configIni });
  try {
    await run(svc, "warm", stations, connections, pipeline);
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await run(svc, `r${r}`, stations, connections, pipeline));
    const rss = peakRssMb(svc.child.pid!);
    return [
      rateRow(`${name}: throughput (wall clock)`, median(runs.map((r) => r.rate)), original?.rate, "samples/s"),
      rateRow(`${name}: samples per CPU-second of the service`, median(runs.map((r) => r.cpuRate)), original?.rate, "samples/s"),
      timeRow(`${name}: p50 per block`, median(runs.map((r) => r.p50)), original?.p50),
      timeRow(`${name}: p99 per block`, median(runs.map((r) => r.p99)), original?.p99),
      { name: `${name}: peak RSS`, ours: `${rss.toFixed(0)} MB`, original: original ? `${original.rssMb} MB` : "—", ratio: original ? original.rssMb / rss : undefined },
    ];
  } finally {
    await svc.stop();
  }
}

/** 1,000 stations, each fed until every variable's pipeline has trained (26 blocks > 256 samples). */
async function thousandStations(pipeline: string): Promise<BenchRow> {
  const svc = await startService();
  const dispatcher = new Agent({ keepAlive: true, maxSockets: 4 });
  try {
    const ids = Array.from({ length: 1000 }, (_, i) => `st_${i}`);
    for (const id of ids) await post(svc, dispatcher, "/initialize", { id_estacio: id, variables: WINDOWS, pipeline });
    const t0 = performance.now();
    for (let b = 0; b < 26; b++) {
      await Promise.all(Array.from({ length: 4 }, async (_, w) => {
        for (let s = w; s < ids.length; s += 4) await post(svc, dispatcher, "/detection", blockBody(ids[s]!, b * BLOCK, BLOCK, VARS));
      }));
    }
    const seconds = (performance.now() - t0) / 1000;
    const health = (await (await fetch(`${svc.stationUrl}/health`)).json()) as { cached_stations: number };
    const rss = peakRssMb(svc.child.pid!);
    return { name: `1,000 stations × 3 variables (${pipeline}): peak RSS (${health.cached_stations} stations cached, ${Math.round(260_000 / seconds)} samples/s)`, ours: `${rss.toFixed(0)} MB`, original: "—", ratio: undefined };
  } finally {
    dispatcher.destroy();
    await svc.stop();
  }
}

const pipelines = (process.env.STATIONS_BENCH_PIPELINES ?? "batch,default").split(",");
const scenarios = new Set((process.env.STATIONS_BENCH_SCENARIOS ?? "one,fifty,full,thousand").split(","));
const rows: BenchRow[] = [];
for (const p of pipelines) {
  if (scenarios.has("one")) rows.push(...await scenario(`1 station, 1 connection, ${p}`, 1, 1, p, ORIGINAL.one));
  if (scenarios.has("fifty")) rows.push(...await scenario(`50 stations, 4 connections, ${p}`, 50, 4, p, ORIGINAL.fifty));
}
if (scenarios.has("full")) rows.push(...(await scenario(`1 station, 1 connection, ${pipelines[0]}, synchronous=FULL`, 1, 1, pipelines[0]!, ORIGINAL.one, "[Stations]\nsqlite_synchronous = full\n")).slice(0, 4));
if (scenarios.has("thousand")) for (const p of pipelines) rows.push(await thousandStations(p));
printTable("Station API end to end (HTTP, SQLite commit per block)", rows, undefined, "wall clock over HTTP unless a row says CPU (see below)");
console.log(`Rows are wall-clock over HTTP with the client on the same machine, except "per CPU-second", which
divides by the service process's own CPU time (/proc/<pid>/stat). Targets (issue 3): >= 50x the original's
throughput, p99 <= 20 ms, < 1 GB RSS with 1,000 stations.`);
