// Station API bench (issue 3 part 8): end-to-end HTTP against the spawned service, blocks of 10
// samples with 3 variables (windows 32, 128, 256), 25,600 samples (2,560 blocks) per run: samples/s
// (a sample = one timestamp with its 3 values), p50/p99 latency per block, and the service's peak
// RSS (VmHWM) for 1 station on one connection and 50 stations on four; then the peak RSS with
// 1,000 stations whose pipelines have all trained. Beside the original server's figures measured
// on this kind of machine (constants: the original is not run). Medians of 5 runs after a warm-up
// run; each scenario on a fresh service. `one` and `fifty` also run the floor (./station-floor.ts:
// bare Hono + the same zod schema + one SQLite row) alternately with the service: ours / floor.
// Run: npx tsx test/bench/stations.bench.ts (or npm run bench stations).
// STATIONS_BENCH_PIPELINES=batch,default picks the pipelines (default: both);
// STATIONS_BENCH_SCENARIOS=one,fifty,full,thousand,outbox,history picks the scenarios (default: all), e.g.
// STATIONS_BENCH_PIPELINES=default STATIONS_BENCH_SCENARIOS=fifty for the 50-station one alone.
// `outbox` (issue 17 part 2): backlog under load with a healthy sink, then the drain of a backlog
// built with the sink down, STATIONS_BENCH_OUTBOX_SECONDS (default 60) each.
// `history` (issue 15 part 2): the cost of the history, paired: two services, [Stations]
// history_samples = 0 and 10080, fed alternately run by run (1 station on 1 connection, then 50
// stations on 4), so both see the same machine load; STATIONS_BENCH_HISTORY_STATIONS=50 runs the
// 50-station one alone; STATIONS_BENCH_HISTORY_PROCESSES=n spreads the runs over n pairs of
// service processes (a process keeps a bias of its own).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent } from "node:http";
import { startService, type RunningService } from "../support/service-process";
import { outboxSenders, processCpuMs } from "../support/process-tree";
import { blockBody } from "../stations/stream";
import type { Mode } from "../stations/downstream";
import { printTable, rateRow, timeRow, type BenchRow } from "./harness";
import { BLOCK, median, post, quantile, run, startFloor, VARS, WINDOWS } from "./station-client";

const RUNS = Number(process.env.STATIONS_BENCH_RUNS ?? 5);
// The original server (Flask + scikit-learn) is not run by this bench: these are its figures,
// measured with this bench's client on this kind of machine (issue 3), so "× original" compares
// with constants, not with a run of the same minutes.
const ORIGINAL = {
  one: { rate: 218, p50: 3.8, p99: 303, rssMb: 136 },
  fifty: { rate: 206, p50: 22, p99: 1549, rssMb: 214 },
};

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Ours and the floor in the same minutes: a warm-up each, then RUNS runs alternating. */
async function scenario(name: string, stations: number, connections: number, pipeline: string, original?: typeof ORIGINAL.one, configIni?: string): Promise<BenchRow[]> {
  const svc = await startService({ configIni, startTimeoutMs: 120_000 });
  const floor = configIni === undefined ? await startFloor() : undefined;
  try {
    await run(svc, "warm", stations, connections, pipeline);
    if (floor) await run(floor, "warm", stations, connections, pipeline);
    const runs = [], floorRuns = [];
    for (let r = 0; r < RUNS; r++) {
      runs.push(await run(svc, `r${r}`, stations, connections, pipeline));
      if (floor) floorRuns.push(await run(floor, `r${r}`, stations, connections, pipeline));
    }
    const rss = peakRssMb(svc.child.pid!);
    const rows = [
      rateRow(`${name}: throughput (wall clock)`, median(runs.map((r) => r.rate)), original?.rate, "samples/s"),
      rateRow(`${name}: samples per CPU-second of the service`, median(runs.map((r) => r.cpuRate)), original?.rate, "samples/s"),
      timeRow(`${name}: p50 per block`, median(runs.map((r) => r.p50)), original?.p50),
      timeRow(`${name}: p99 per block`, median(runs.map((r) => r.p99)), original?.p99),
      { name: `${name}: peak RSS`, ours: `${rss.toFixed(0)} MB`, original: original ? `${original.rssMb} MB` : "—", ratio: original ? original.rssMb / rss : undefined },
    ];
    if (floor) {
      // "original" column: the floor; ratio = floor / ours (1 = at the floor; the target is >= 0.5)
      const f = { rate: median(floorRuns.map((r) => r.rate)), cpuRate: median(floorRuns.map((r) => r.cpuRate)), p50: median(floorRuns.map((r) => r.p50)), p99: median(floorRuns.map((r) => r.p99)) };
      const ours = { rate: median(runs.map((r) => r.rate)), cpuRate: median(runs.map((r) => r.cpuRate)) };
      rows.push(
        { name: `${name}: vs the floor (bare Hono + zod + 1 SQLite row), throughput (wall)`, ours: `${Math.round(ours.rate)} samples/s`, original: `floor ${Math.round(f.rate)}`, ratio: ours.rate / f.rate },
        { name: `${name}: vs the floor, samples per CPU-second`, ours: `${Math.round(ours.cpuRate)} samples/s`, original: `floor ${Math.round(f.cpuRate)}`, ratio: ours.cpuRate / f.cpuRate },
        { name: `${name}: the floor's p50 / p99 per block`, ours: "—", original: `${f.p50.toFixed(2)} / ${f.p99.toFixed(2)} ms`, ratio: undefined },
      );
    }
    return rows;
  } finally {
    floor?.stop();
    await svc.stop();
  }
}

/** The history's cost (issue 15 part 2, limit 10 % of throughput): the same runs against a service
 * without history and one keeping 10,080 samples, alternated so that load changes hit both. A
 * service process keeps a bias of its own for its whole life (two processes of the same code and
 * config differed by 5-20 % in CPU per sample over nine runs in the same minutes, docs/stations.md
 * § History, events and maintenance windows), which more runs do not average out: STATIONS_BENCH_HISTORY_PROCESSES=n starts n
 * pairs of services in turn, each for its share of the runs after a warm-up of its own. */
async function historyScenario(name: string, stations: number, connections: number, pipeline: string): Promise<BenchRow[]> {
  const processes = Number(process.env.STATIONS_BENCH_HISTORY_PROCESSES ?? 1);
  const a = [], b = [];
  for (let p = 0; p < processes; p++) {
    const off = await startService({ configIni: "[Stations]\nhistory_samples = 0\n" });
    const on = await startService({ configIni: "[Stations]\nhistory_samples = 10080\n" });
    try {
      await run(off, "warm", stations, connections, pipeline);
      await run(on, "warm", stations, connections, pipeline);
      for (let r = p; r < RUNS; r += processes) {
        a.push(await run(off, `r${r}`, stations, connections, pipeline));
        b.push(await run(on, `r${r}`, stations, connections, pipeline));
      }
    } finally {
      await off.stop();
      await on.stop();
    }
  }
  const cost = (x: number[], y: number[]) => `${((1 - median(y) / median(x)) * 100).toFixed(1)} % (pairs: ${x.map((v, i) => ((1 - y[i]! / v) * 100).toFixed(0)).join(", ")})`;
  const wall = [a.map((r) => r.rate), b.map((r) => r.rate)] as const, cpu = [a.map((r) => r.cpuRate), b.map((r) => r.cpuRate)] as const;
  return [
    { name: `${name}: throughput, history 0 / 10080 (wall clock)`, ours: `${median(wall[0]).toFixed(0)} / ${median(wall[1]).toFixed(0)} samples/s`, original: "—", ratio: undefined },
    { name: `${name}: history's cost, wall clock`, ours: cost(...wall), original: "≤ 10 %", ratio: undefined },
    { name: `${name}: samples per CPU-second, history 0 / 10080`, ours: `${median(cpu[0]).toFixed(0)} / ${median(cpu[1]).toFixed(0)} samples/s`, original: "—", ratio: undefined },
    { name: `${name}: history's cost, CPU`, ours: cost(...cpu), original: "≤ 10 %", ratio: undefined },
  ];
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

/** Keeps `stations` stations sending blocks on `connections` connections until `until()` (each
 * station's blocks in order); returns the samples sent. */
async function loadWhile(svc: RunningService, ids: string[], next: number[], connections: number, until: () => boolean): Promise<number> {
  const dispatcher = new Agent({ keepAlive: true, maxSockets: connections });
  let samples = 0;
  await Promise.all(Array.from({ length: connections }, async (_, w) => {
    for (let k = 0; until(); k++) {
      const s = w + connections * (k % Math.ceil((ids.length - w) / connections));
      await post(svc, dispatcher, "/detection", blockBody(ids[s]!, next[s]!, BLOCK, VARS));
      next[s]! += BLOCK;
      samples += BLOCK;
    }
  }));
  dispatcher.destroy();
  return samples;
}

async function outboxDepth(svc: RunningService): Promise<number> {
  return ((await (await fetch(`${svc.stationUrl}/health`)).json()) as { outbox: { depth: number } }).outbox.depth;
}

/** p50 of one station's blocks sent one after another on its own connection while `until()`. */
async function probeP50(svc: RunningService, id: string, from: number, until: () => boolean, max: number): Promise<{ p50: number; blocks: number }> {
  const dispatcher = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  for (let k = 0; k < max && until(); k++) {
    const t = performance.now();
    await post(svc, dispatcher, "/detection", blockBody(id, from + k * BLOCK, BLOCK, VARS));
    latencies.push(performance.now() - t);
  }
  dispatcher.destroy();
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), blocks: latencies.length };
}

/** The sink of ./sink-process.ts in a child process: `ask` sends a command and resolves to its
 * answer (the commands are answered in order). */
async function startSinkProcess(exclude: string) {
  const child = spawn(process.execPath, ["--import", "tsx", new URL("./sink-process.ts", import.meta.url).pathname, exclude], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting: ((a: { port: number; count: number }) => void)[] = [];
  child.on("message", (a: { port: number; count: number }) => waiting.shift()?.(a));
  const answer = () => new Promise<{ port: number; count: number }>((r) => waiting.push(r));
  const { port } = await answer();
  const ask = (m: { mode?: Mode; count?: true; close?: true }) => { const a = answer(); child.send(m); return a; };
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (mode: Mode) => ask({ mode }),
    /** Deliveries that did not name the excluded string, so far. */
    count: async () => (await ask({ count: true })).count,
    close: async () => { await ask({ close: true }); await new Promise((r) => child.once("exit", r)); },
  };
}

/** Issue 17 part 2: 50 stations on 4 connections for SECONDS with a healthy loopback sink (the
 * backlog must stay bounded), then as long with the sink down (a backlog builds), then the sink back
 * and no load: the drain rate, and one station's /detection p50 during the drain against idle. */
async function outboxScenario(pipeline: string): Promise<BenchRow[]> {
  const seconds = Number(process.env.STATIONS_BENCH_OUTBOX_SECONDS ?? 60);
  // the sink in its own process: the probe's timings must not wait behind the sink's work
  const sink = await startSinkProcess('"probe"');
  const svc = await startService({ env: { DATA_SERVER_ENDPOINT: sink.url }, configIni: "[Stations]\noutbox_max_backoff_ms = 500\n", startTimeoutMs: 120_000 });
  try {
    const setup = new Agent({ keepAlive: true, maxSockets: 4 });
    const ids = Array.from({ length: 50 }, (_, i) => `ob_${i}`);
    for (const id of [...ids, "probe"]) await post(svc, setup, "/initialize", { id_estacio: id, variables: WINDOWS, pipeline });
    setup.destroy();
    const next = ids.map(() => 0);
    // healthy sink: the backlog while loaded
    let end = performance.now() + seconds * 1000;
    const depths: number[] = [];
    const sampler = setInterval(() => void outboxDepth(svc).then((d) => depths.push(d)), 1000);
    const t0 = performance.now();
    const sent = await loadWhile(svc, ids, next, 4, () => performance.now() < end);
    const healthyRate = sent / ((performance.now() - t0) / 1000);
    clearInterval(sampler);
    const healthyMax = Math.max(...depths), healthyEnd = await outboxDepth(svc);
    // sink down: build a backlog under the same load
    await sink.setMode("down");
    end = performance.now() + seconds * 1000;
    await loadWhile(svc, ids, next, 4, () => performance.now() < end);
    const backlog = await outboxDepth(svc);
    // sink back, no load but one probing station: the drain (the deliveries not of the probe)
    const before = await sink.count();
    await sink.setMode("ok");
    let draining = true;
    // the service's main process (where /detection is answered) and its outbox sender process
    const senderPid = outboxSenders(svc.child.pid!)[0];
    const senderCpu = () => (senderPid === undefined ? 0 : processCpuMs(senderPid));
    const drainStart = performance.now(), drainCpu = processCpuMs(svc.child.pid!), drainSenderCpu = senderCpu();
    const during = probeP50(svc, "probe", 0, () => draining, 1e9);
    while ((await sink.count()) - before < backlog) await new Promise((r) => setTimeout(r, 20));
    const drainSeconds = (performance.now() - drainStart) / 1000;
    // the service's CPU per entry: what the drain costs, whatever the machine's load
    const mainPerEntry = (processCpuMs(svc.child.pid!) - drainCpu) / backlog;
    const senderPerEntry = (senderCpu() - drainSenderCpu) / backlog;
    const cpuPerEntry = mainPerEntry + senderPerEntry;
    draining = false;
    const duringDrain = await during;
    const idle = await probeP50(svc, "probe", (duringDrain.blocks + 1) * BLOCK, () => true, 200);
    const name = `outbox, 50 stations, 4 connections, ${pipeline}`;
    return [
      { name: `${name}: backlog over ${seconds} s, healthy sink (max / at end; ${Math.round(healthyRate)} samples/s)`, ours: `${healthyMax} / ${healthyEnd} entries`, original: "38,073 (issue 17)", ratio: undefined },
      { name: `${name}: drain of a ${backlog}-entry backlog (sink down ${seconds} s), from the sink's return`, ours: `${Math.round(backlog / drainSeconds)} entries/s`, original: "~165 entries/s (issue 17)", ratio: undefined },
      { name: `${name}: the service's CPU per drained entry (main process and sender process, all threads, the probing station's blocks included)`, ours: `${cpuPerEntry.toFixed(3)} ms (${Math.round(1000 / cpuPerEntry)} entries per CPU-second)`, original: "~6 ms (issue 17: ~165/s at ~98 % of a core)", ratio: undefined },
      { name: `${name}: of which the main process / the sender process (${senderPid === undefined ? "none: the sender runs in the main process" : `pid ${senderPid}`})`, ours: `${mainPerEntry.toFixed(3)} / ${senderPerEntry.toFixed(3)} ms`, original: "—", ratio: undefined },
      { name: `${name}: one station's /detection p50 during the drain / idle (${duringDrain.blocks} / ${idle.blocks} blocks)`, ours: `${duringDrain.p50.toFixed(2)} / ${idle.p50.toFixed(2)} ms`, original: "32.6 / 1.4 ms (issue 17)", ratio: undefined },
    ];
  } finally {
    await svc.stop();
    await sink.close();
  }
}

const pipelines = (process.env.STATIONS_BENCH_PIPELINES ?? "batch,default").split(",");
const scenarios = new Set((process.env.STATIONS_BENCH_SCENARIOS ?? "one,fifty,full,thousand,outbox,history").split(","));
const historyStations = (process.env.STATIONS_BENCH_HISTORY_STATIONS ?? "1,50").split(",");
const rows: BenchRow[] = [];
for (const p of pipelines) {
  if (scenarios.has("one")) rows.push(...await scenario(`1 station, 1 connection, ${p}`, 1, 1, p, ORIGINAL.one));
  if (scenarios.has("fifty")) rows.push(...await scenario(`50 stations, 4 connections, ${p}`, 50, 4, p, ORIGINAL.fifty));
}
if (scenarios.has("history")) {
  for (const p of pipelines) {
    if (historyStations.includes("1")) rows.push(...await historyScenario(`history, 1 station, 1 connection, ${p}`, 1, 1, p));
    if (historyStations.includes("50")) rows.push(...await historyScenario(`history, 50 stations, 4 connections, ${p}`, 50, 4, p));
  }
}
if (scenarios.has("full")) rows.push(...(await scenario(`1 station, 1 connection, ${pipelines[0]}, synchronous=FULL`, 1, 1, pipelines[0]!, ORIGINAL.one, "[Stations]\nsqlite_synchronous = full\n")).slice(0, 4));
if (scenarios.has("thousand")) for (const p of pipelines) rows.push(await thousandStations(p));
if (scenarios.has("outbox")) rows.push(...await outboxScenario(pipelines[0]!));
printTable("Station API end to end (HTTP, SQLite commit per block)", rows, undefined, "wall clock over HTTP unless a row says CPU (see below)");
console.log(`Rows are wall-clock over HTTP with the client on the same machine, except "per CPU-second", which
divides by the service process's own CPU time (/proc/<pid>/stat). Targets (issue 3): >= 50x the original's
throughput, p99 <= 20 ms, < 1 GB RSS with 1,000 stations.`);
