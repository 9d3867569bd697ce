// Traffic API bench (issue 4 part 7): POST /api/v1/outliers with `data` for 1,440 and 10,080
// one-minute points on the default model, p50 and p99 over real HTTP against the spawned
// service (from sending the request to the last byte of the answer, on one keep-alive
// connection, after 50 warm-up requests; a fresh service's first ones are printed apart),
// beside the original's ShallowOutliers.compute_json alone (no HTTP): 210 ms and 506 ms on this
// machine. Target: ≥ 20× faster, HTTP included. Also the model alone, in process.
// Three series per size: clean, three spikes, and bursty: 2% of the points spiked, more than the
// contamination cap of 1%. Posted `data` has no series name, so each request is judged from its
// rows alone (the default detector over the whole series: the model's most expensive path). Per
// series also the service's CPU time per request and its helper thread's jobs by who did them
// (from /metrics: a job the request's thread took back ran on one core).
// Last, the same for `query` with the rows from a stand-in Druid broker (the operators' path; the
// same query repeated, so after the first request the series memory answers every row).
// Run: npx tsx test/bench/traffic.bench.ts (or npm run bench traffic). The service runs from
// source on this Node; to measure the shipped executable (Node 24) instead, after npm run build:
//   RB_AIOUTLIERS_CMD="$PWD/dist/lib/ld-linux-x86-64.so.2 $PWD/dist/rb-aioutliers" npm run bench traffic
import { readFileSync } from "node:fs";
import { Agent } from "node:http";
import { shallowOutliers } from "../../src/detect/shallow-model";
import { processCpuMs } from "../support/process-tree";
import { startService } from "../support/service-process";
import { startStandInBroker } from "../traffic/druid-stand-in";
import { b64, minuteRows, readmeQuery } from "../traffic/http-helpers";
import { measure, printTable, timeRow, type BenchRow } from "./harness";
import { burstyRows, post, quantile } from "./traffic-client";

const ORIGINAL_MS: Record<number, number> = { 1440: 210, 10080: 506 };
// Enough requests that p99 is not just the slowest one (the 198th of 200).
const RUNS: Record<number, number> = { 1440: 200, 10080: 200 };
// The manager polls the same series for as long as the service runs: the figures are its steady
// state. A fresh service's first requests run before V8 has compiled the hot paths (tens of ms);
// they are not hidden but printed apart, for each service's first series ("warm-up" rows).
const WARMUP = 50;

let anomaliesSeen = 0;
let warmupMs: number[] = [];

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

async function timeHttp(url: string, form: string, runs: number): Promise<number[]> {
  const target = new URL(url), body = Buffer.from(form);
  const timed = async () => {
    const { ms, status, answer } = await post(target, body, agent);
    const json = JSON.parse(answer.toString("utf8")) as { status: string; anomalies: unknown[] };
    if (status !== 200 || json.status !== "success") throw new Error(`bench request failed: ${status}`);
    anomaliesSeen = json.anomalies.length;
    return ms;
  };
  warmupMs = [];
  for (let i = 0; i < WARMUP; i++) warmupMs.push(await timed());
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed());
  return times.sort((a, b) => a - b);
}

/** The p50 and p99 rows of sorted request times for n points. */
function latencyRows(label: string, sortedMs: number[], n: number): BenchRow[] {
  return [
    timeRow(`${label}: HTTP p50 of ${sortedMs.length} requests, wall clock`, quantile(sortedMs, 0.5), ORIGINAL_MS[n]),
    timeRow(`${label}: HTTP p99, wall clock`, quantile(sortedMs, 0.99), ORIGINAL_MS[n]),
  ];
}

/** A fresh service's first request and the slowest of the rest of its warm-up (its first series). */
function warmupRows(label: string): BenchRow[] {
  return [
    timeRow(`${label}: a fresh service's first request, wall clock`, warmupMs[0]!, undefined),
    timeRow(`${label}: its warm-up requests 2-${WARMUP}, the slowest`, Math.max(...warmupMs.slice(1)), undefined),
  ];
}

/** The service's helper-thread jobs by who did them, from its /metrics (zeros without the thread). */
async function helperJobs(svc: { trafficUrl: string }): Promise<Record<string, number>> {
  const text = await (await fetch(`${svc.trafficUrl}/metrics`)).text();
  const jobs: Record<string, number> = { thread: 0, taken_back: 0, redone: 0 };
  for (const m of text.matchAll(/^rb_aioutliers_traffic_helper_jobs_total\{outcome="(\w+)"\} (\d+)/gm)) jobs[m[1]!] = Number(m[2]);
  return jobs;
}

/** A row of the helper-thread jobs of one series: done on the thread / taken back / redone after a
 * stall (the last two ran on the request's thread: docs/traffic.md § Metrics). */
function helperRow(label: string, before: Record<string, number>, after: Record<string, number>): BenchRow {
  const d = (k: string) => after[k]! - before[k]!;
  return { name: `${label}: the helper thread's jobs, done there / taken back / redone`, ours: `${d("thread")} / ${d("taken_back")} / ${d("redone")}`, original: "—", ratio: undefined };
}

/** minuteRows(n) with spikes of +800,000 (about 40× the wiggle) at the given fractions of n. */
function spikedRows(n: number, at: number[]) {
  const rows = minuteRows(n);
  for (const f of at) rows[Math.floor(n * f)]!.result.bytes += 800_000;
  return rows;
}

const THREE = [0.3, 0.5, 0.8];

/** The model alone (smoothing, the default detector over the series), in this process, on the harness clock. */
function timeModel(n: number): number {
  const rows = burstyRows(n);
  const values = rows.map((r) => r.result.bytes), timestamps = rows.map((r) => r.timestamp);
  return measure(() => shallowOutliers(values, timestamps, { contamination: 0.01, sensitivity: 0.95 }), { runs: 7, minRunMs: 100 }).medianMs;
}

/** The operators' own path: `query` (the README's example), the rows fetched from a stand-in
 * broker on loopback that answers the bursty series' JSON text, prepared once (the broker's
 * round trip is in the figures; Druid's own query time is not). */
async function viaBroker(): Promise<BenchRow[]> {
  const broker = await startStandInBroker({ kind: "json", body: [] });
  const svc = await startService({ configIni: `[Druid]\ndruid_endpoint = ${broker.endpoint}\n` });
  const rows: BenchRow[] = [];
  try {
    for (const n of [1440, 10080]) {
      broker.reply = { kind: "text", status: 200, body: JSON.stringify(burstyRows(n)), contentType: "application/json" };
      const http = await timeHttp(`${svc.trafficUrl}/api/v1/outliers`, new URLSearchParams({ query: b64(readmeQuery) }).toString(), RUNS[n]!);
      const label = `${n.toLocaleString("en")} points, bursty, query answered by a stand-in broker (${anomaliesSeen} reported)`;
      if (n === 1440) rows.push(...warmupRows(label));
      rows.push(...latencyRows(label, http, n));
    }
  } finally {
    await svc.stop();
    await broker.close();
  }
  return rows;
}

async function trafficBench(): Promise<void> {
  const svc = await startService();
  const rows: BenchRow[] = [];
  try {
    console.log(`\nload average at start: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")} (2 cores shared)`);
    console.log(`service: ${process.env.RB_AIOUTLIERS_CMD ?? `from source (tsx on node ${process.version})`}`);
    for (const n of [1440, 10080]) {
      for (const [kind, series] of [["clean", minuteRows(n)], ["3 spikes", spikedRows(n, THREE)], ["bursty, over the cap", burstyRows(n)]] as const) {
        const body = new URLSearchParams({ data: b64(series) }).toString();
        const cpu0 = processCpuMs(svc.child.pid!), jobs0 = await helperJobs(svc);
        const http = await timeHttp(`${svc.trafficUrl}/api/v1/outliers`, body, RUNS[n]!);
        const cpuPerRequest = (processCpuMs(svc.child.pid!) - cpu0) / (RUNS[n]! + WARMUP), jobs = await helperJobs(svc);
        const label = `${n.toLocaleString("en")} points, ${kind} (${anomaliesSeen} reported)`;
        if (rows.length === 0) rows.push(...warmupRows(label));
        rows.push(...latencyRows(label, http, n));
        rows.push(timeRow(`${label}: CPU time of the service per request`, cpuPerRequest, ORIGINAL_MS[n]));
        rows.push(helperRow(label, jobs0, jobs));
      }
      rows.push(timeRow(`${n.toLocaleString("en")} points, bursty: model alone, in this process, median`, timeModel(n), ORIGINAL_MS[n]));
    }
  } finally {
    await svc.stop();
  }
  rows.push(...await viaBroker());
  printTable("traffic API: POST /api/v1/outliers with data, default model (original: compute_json alone, no HTTP)", rows, 20,
    "each row names its clock: HTTP rows are wall clock over real loopback HTTP, CPU rows the service process's CPU time per request");
}

await trafficBench();
