// Paired, alternated service runs of two (or more) trees of this project, for a speed change to
// the traffic API on a shared machine, where one bench run after the other compares the load of
// different minutes: every tree's service (from source, on this Node) is started at once, and
// they get ROUNDS rounds of PER requests each of the same bursty series as `data` (N rows), the
// trees' order reversed every round, each on its own keep-alive connection. Per tree: HTTP
// p50/p90/p99 (to the answer's last byte), the service's CPU time per request (/proc, all its
// threads) and of it the kernel's, its minor page faults per request, its young-generation
// collections and full ones (from --trace-gc, the main thread's), and its resident memory at the
// end and at its peak. The trees' answers must be byte-identical (checked after
// the warm-up).
//
//   TREES=/work/wt/before,$PWD [N=10080] [ROUNDS=4] [PER=50] npx tsx test/bench/traffic-paired.ts
//
// Each service gets the V8 flags the executable embeds (build/node-flags.json), as the bench's
// service from source does. A tree may carry more node flags after '|', e.g. TREES="$PWD,$PWD|--max-semi-space-size=64". Each
// tree needs its node_modules (a symlink to another tree's will do). A side may also be a built
// executable, `exe:<its dist dir>` (run as its lib/ld-linux-x86-64.so.2 with the flags it embeds: its
// collections are not counted, "-"). PRELUDE=1440 first sends each service what `npm run bench --
// traffic` sends before the 10,080-row series: 250 requests of each 1,440-row series (clean, three
// spikes, bursty), a state the executable's malloc once answered differently:
// docs/traffic.md § Issue 18 part 5: malloc's thresholds raised at the start (2026-12-07, session 10).
// Not a *.bench.ts: npm run bench does not run it.
//
//   TREES="exe:/tmp/before/dist,exe:$PWD/dist" PRELUDE=1440 npx tsx test/bench/traffic-paired.ts
import { readFileSync } from "node:fs";
import { Agent } from "node:http";
import { processCpuMs, processKernelUse } from "../support/process-tree";
import { serviceNodeFlags, startService, type RunningService } from "../support/service-process";
import { b64, minuteRows } from "../traffic/http-helpers";
import { burstyRows, post, quantile } from "./traffic-client";

const env = process.env;
const trees = (env.TREES ?? "").split(",").filter(Boolean);
if (trees.length === 0) {
  console.error("set TREES to the trees to compare, comma-separated (see the header of test/bench/traffic-paired.ts)");
  process.exit(2);
}
const N = Number(env.N ?? 10080), ROUNDS = Number(env.ROUNDS ?? 4), PER = Number(env.PER ?? 50), WARMUP = 10;
const PRELUDE = env.PRELUDE === undefined ? undefined : Number(env.PRELUDE);

interface Side { label: string; svc: RunningService; url: URL; agent: Agent; ms: number[]; cpuMs: number; kernelMs: number; faults: number; gc0: GcCounts; exe: boolean }
interface GcCounts { scavenges: number; fullCollections: number }

const load = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0]!;

/** The main thread's collections so far: --trace-gc lines of its isolate (the first one seen). */
function gcCounts(svc: RunningService): GcCounts {
  const lines = svc.output().split("\n").filter((l) => / ms: (Scavenge|Mark-Compact) /.test(l));
  const main = lines[0]?.match(/^\[\d+:(0x[0-9a-f]+)\]/)?.[1];
  const mine = lines.filter((l) => main !== undefined && l.includes(`:${main}]`));
  return { scavenges: mine.filter((l) => l.includes(" Scavenge ")).length, fullCollections: mine.filter((l) => / Mark-Compact \d/.test(l)).length };
}

function residentMb(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

function peakMb(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmHWM:\s+(\d+)/)![1]) / 1024;
}

const formOf = (rows: ReturnType<typeof minuteRows>) => Buffer.from(new URLSearchParams({ data: b64(rows) }).toString());
const body = formOf(burstyRows(N));

/** The bench's 1,440-row series (test/bench/traffic.bench.ts), 250 requests each. */
async function prelude(s: Side, n: number): Promise<void> {
  const spiked = minuteRows(n);
  for (const f of [0.3, 0.5, 0.8]) spiked[Math.floor(n * f)]!.result.bytes += 800_000;
  for (const rows of [minuteRows(n), spiked, burstyRows(n)]) {
    const form = formOf(rows);
    for (let i = 0; i < 250; i++) await post(s.url, form, s.agent);
  }
}
const sides: Side[] = [];
try {
  for (const tree of trees) {
    const [dir, flags = ""] = tree.split("|");
    const exe = dir!.startsWith("exe:");
    env.RB_AIOUTLIERS_CMD = exe ? `${dir!.slice(4)}/lib/ld-linux-x86-64.so.2 ${dir!.slice(4)}/rb-aioutliers`
      : `${process.execPath} --trace-gc ${serviceNodeFlags.join(" ")} ${flags} --import tsx ${dir}/src/cli/main.ts`;
    const svc = await startService();
    sides.push({ label: tree, svc, url: new URL(`${svc.trafficUrl}/api/v1/outliers`), agent: new Agent({ keepAlive: true, maxSockets: 1 }), ms: [], cpuMs: 0, kernelMs: 0, faults: 0, gc0: { scavenges: 0, fullCollections: 0 }, exe });
  }
  if (PRELUDE !== undefined) for (const s of sides) await prelude(s, PRELUDE);
  const answers = new Set<string>();
  for (const s of sides) {
    for (let i = 0; i < WARMUP; i++) answers.add((await post(s.url, body, s.agent)).answer.toString("base64"));
    s.gc0 = gcCounts(s.svc);
  }
  if (answers.size !== 1) throw new Error(`the trees answer differently (${answers.size} distinct answers)`);
  const loads = [load()];
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of r % 2 ? [...sides].reverse() : sides) {
      const cpu0 = processCpuMs(s.svc.child.pid!), k0 = processKernelUse(s.svc.child.pid!);
      for (let i = 0; i < PER; i++) s.ms.push((await post(s.url, body, s.agent)).ms);
      const k1 = processKernelUse(s.svc.child.pid!);
      s.cpuMs += processCpuMs(s.svc.child.pid!) - cpu0;
      s.kernelMs += k1.kernelMs - k0.kernelMs;
      s.faults += k1.minorFaults - k0.minorFaults;
    }
    loads.push(load());
  }
  console.log(`${N} bursty rows, ${ROUNDS} rounds of ${PER} requests per tree, answers identical; load average (1 min) ${loads.join(" ")}`);
  for (const s of sides) {
    const sorted = [...s.ms].sort((a, b) => a - b), gc = gcCounts(s.svc), f = (x: number) => x.toFixed(2);
    console.log(`${s.label}: p50 ${f(quantile(sorted, 0.5))} p90 ${f(quantile(sorted, 0.9))} p99 ${f(quantile(sorted, 0.99))} ms; CPU ${f(s.cpuMs / s.ms.length)} ms a request`
      + ` (kernel ${f(s.kernelMs / s.ms.length)} ms, ${(s.faults / s.ms.length).toFixed(0)} page faults);`
      + (s.exe ? " - scavenges, - full collections;" : ` ${gc.scavenges - s.gc0.scavenges} scavenges, ${gc.fullCollections - s.gc0.fullCollections} full collections;`)
      + ` RSS ${residentMb(s.svc.child.pid!).toFixed(0)} MB, peak ${peakMb(s.svc.child.pid!).toFixed(0)} MB`);
  }
} finally {
  for (const s of sides) await s.svc.stop();
}
