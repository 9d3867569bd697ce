// Paired, alternated service runs of two (or more) trees of this project, for a speed change to
// the traffic API on a shared machine, where one bench run after the other compares the load of
// different minutes: every tree's service (from source, on this Node) is started at once, and
// they get ROUNDS rounds of PER requests each of the same bursty series as `data` (N rows), the
// trees' order reversed every round, each on its own keep-alive connection. Per tree: HTTP
// p50/p90/p99 (to the answer's last byte), the service's CPU time per request (/proc, all its
// threads), its young-generation collections and full ones (from --trace-gc, the main thread's),
// and its resident memory at the end. The trees' answers must be byte-identical (checked after
// the warm-up).
//
//   TREES=/work/wt/before,$PWD [N=10080] [ROUNDS=4] [PER=50] npx tsx test/bench/traffic-paired.ts
//
// Each service gets the V8 flags the executable embeds (build/node-flags.json), as the bench's
// service from source does. A tree may carry more node flags after '|', e.g. TREES="$PWD,$PWD|--max-semi-space-size=64". Each
// tree needs its node_modules (a symlink to another tree's will do). Not a *.bench.ts: npm run
// bench does not run it.
import { readFileSync } from "node:fs";
import { Agent } from "node:http";
import { processCpuMs } from "../support/process-tree";
import { serviceNodeFlags, startService, type RunningService } from "../support/service-process";
import { b64 } from "../traffic/http-helpers";
import { burstyRows, post, quantile } from "./traffic-client";

const env = process.env;
const trees = (env.TREES ?? "").split(",").filter(Boolean);
if (trees.length === 0) {
  console.error("set TREES to the trees to compare, comma-separated (see the header of test/bench/traffic-paired.ts)");
  process.exit(2);
}
const N = Number(env.N ?? 10080), ROUNDS = Number(env.ROUNDS ?? 4), PER = Number(env.PER ?? 50), WARMUP = 10;

interface Side { label: string; svc: RunningService; url: URL; agent: Agent; ms: number[]; cpuMs: number; gc0: GcCounts }
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

const body = Buffer.from(new URLSearchParams({ data: b64(burstyRows(N)) }).toString());
const sides: Side[] = [];
try {
  for (const tree of trees) {
    const [dir, flags = ""] = tree.split("|");
    env.RB_AIOUTLIERS_CMD = `${process.execPath} --trace-gc ${serviceNodeFlags.join(" ")} ${flags} --import tsx ${dir}/src/cli/main.ts`;
    const svc = await startService();
    sides.push({ label: tree, svc, url: new URL(`${svc.trafficUrl}/api/v1/outliers`), agent: new Agent({ keepAlive: true, maxSockets: 1 }), ms: [], cpuMs: 0, gc0: { scavenges: 0, fullCollections: 0 } });
  }
  const answers = new Set<string>();
  for (const s of sides) {
    for (let i = 0; i < WARMUP; i++) answers.add((await post(s.url, body, s.agent)).answer.toString("base64"));
    s.gc0 = gcCounts(s.svc);
  }
  if (answers.size !== 1) throw new Error(`the trees answer differently (${answers.size} distinct answers)`);
  const loads = [load()];
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of r % 2 ? [...sides].reverse() : sides) {
      const cpu0 = processCpuMs(s.svc.child.pid!);
      for (let i = 0; i < PER; i++) s.ms.push((await post(s.url, body, s.agent)).ms);
      s.cpuMs += processCpuMs(s.svc.child.pid!) - cpu0;
    }
    loads.push(load());
  }
  console.log(`${N} bursty rows, ${ROUNDS} rounds of ${PER} requests per tree, answers identical; load average (1 min) ${loads.join(" ")}`);
  for (const s of sides) {
    const sorted = [...s.ms].sort((a, b) => a - b), gc = gcCounts(s.svc), f = (x: number) => x.toFixed(2);
    console.log(`${s.label}: p50 ${f(quantile(sorted, 0.5))} p90 ${f(quantile(sorted, 0.9))} p99 ${f(quantile(sorted, 0.99))} ms; CPU ${f(s.cpuMs / s.ms.length)} ms a request;`
      + ` ${gc.scavenges - s.gc0.scavenges} scavenges, ${gc.fullCollections - s.gc0.fullCollections} full collections; RSS ${residentMb(s.svc.child.pid!).toFixed(0)} MB`);
  }
} finally {
  for (const s of sides) await s.svc.stop();
}
