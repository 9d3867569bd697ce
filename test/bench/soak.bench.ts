// Soak (issue 17 part 8): the service from source under a steady mixed load for SOAK_SECONDS
// (default 600), all on loopback: 50 stations sending blocks of 10 samples (3 variables) on 4
// connections at SOAK_RATE samples/s (default 1,000), a traffic request every second (a `data`
// field of one of five named series, or a `query` answered by a stand-in Druid broker, in turn),
// and a downstream data server that goes down and comes back every SOAK_FLAP_SECONDS (default 30).
// Every 5 s it samples the service's RSS (/proc/<pid>/status VmRSS) and the outbox depth
// (/health). At the end the downstream stays up until the outbox is empty (at most 180 s), then:
//  * RSS flat: the median of the last third of the samples within ±10 % of the middle third's
//    (the first third is warm-up: caches, JIT, SQLite's page cache fill);
//  * no error: every answer of both APIs a 200 (so no 5xx);
//  * 0 lost: every outlier a /detection answer acknowledged (station, variable, timestamp)
//    reached the downstream, and so did each acknowledged block's /outliers/validate (as many
//    distinct keys per station as blocks it had acknowledged);
//  * backlog bounded: the outbox's largest depth in the last third at most 1.5 × the middle
//    third's plus 1,000 entries (it does not grow from flap to flap), and empty at the end.
// Run: npm run bench -- soak (or npx tsx test/bench/soak.bench.ts); SOAK_SECONDS=180 for a short one.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { startService, type RunningService } from "../support/service-process";
import { blockBody } from "../stations/stream";
import { Downstream } from "../stations/downstream";
import { startStandInBroker } from "../traffic/druid-stand-in";
import { b64, minuteRows, readmeQuery } from "../traffic/http-helpers";
import { printTable, type BenchRow } from "./harness";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 1000);
const FLAP_SECONDS = Number(process.env.SOAK_FLAP_SECONDS ?? 30);
const SAMPLE_MS = 5000;
const DRAIN_LIMIT_MS = 180_000;
const VARS = ["v32", "v128", "v256"];
const WINDOWS = { v32: 32, v128: 128, v256: 256 };
const BLOCK = 10, CONNECTIONS = 4, STATIONS = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
const thirds = <T>(x: T[]) => [x.slice(0, Math.floor(x.length / 3)), x.slice(Math.floor(x.length / 3), Math.floor((2 * x.length) / 3)), x.slice(Math.floor((2 * x.length) / 3))] as const;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Answers by status, and the first few bodies that were not 200. */
class Tally {
  readonly byStatus = new Map<number, number>();
  readonly examples: string[] = [];
  add(status: number, body: string, what: string): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (status !== 200 && this.examples.length < 5) this.examples.push(`${what} ${status}: ${body.slice(0, 200)}`);
  }
  count(pred: (status: number) => boolean): number { return [...this.byStatus].filter(([s]) => pred(s)).reduce((a, [, n]) => a + n, 0); }
}

function post(base: string, agent: Agent | undefined, path: string, body: string, contentType: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request(base + path, { method: "POST", agent, headers: { "content-type": contentType, "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", (e) => resolve({ status: 0, text: e.message }));
    });
    req.on("error", (e) => resolve({ status: 0, text: e.message })); // counted as an error (status 0)
    req.end(body);
  });
}

/** 50 stations on 4 connections, paced to RATE samples/s, until `until()`; every outlier a
 * /detection answer names goes into `acknowledged`. */
async function stationLoad(svc: RunningService, tally: Tally, acknowledged: Set<string>, blocks: Map<string, number>, until: () => boolean): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const ids = Array.from({ length: STATIONS }, (_, i) => `soak_${i}`);
  for (const id of ids) {
    const r = await post(svc.stationUrl, agent, "/initialize", JSON.stringify({ id_estacio: id, variables: WINDOWS, pipeline: "default" }), "application/json");
    tally.add(r.status, r.text, "/initialize");
  }
  const next = ids.map(() => 0);
  const intervalMs = (CONNECTIONS * BLOCK * 1000) / RATE;
  let samples = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async (_, w) => {
    const mine = ids.map((_, i) => i).filter((i) => i % CONNECTIONS === w);
    let at = performance.now();
    for (let k = 0; until(); k++) {
      const s = mine[k % mine.length]!;
      const r = await post(svc.stationUrl, agent, "/detection", JSON.stringify(blockBody(ids[s]!, next[s]!, BLOCK, VARS)), "application/json");
      tally.add(r.status, r.text, "/detection");
      if (r.status === 200) {
        for (const o of (JSON.parse(r.text) as { outliers: { id_estacio: string; variable: string; dates: string[] }[] }).outliers)
          for (const d of o.dates) acknowledged.add(`${o.id_estacio}|${o.variable}|${d}`);
        blocks.set(ids[s]!, (blocks.get(ids[s]!) ?? 0) + 1);
        next[s]! += BLOCK;
        samples += BLOCK;
      }
      at += intervalMs;
      const wait = at - performance.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -1000) at = performance.now(); // behind by over a second: do not burst to catch up
    }
  }));
  agent.destroy();
  return samples;
}

/** A traffic request every second: `data` of one of five named series, or a `query` for the
 * stand-in broker, in turn. */
async function trafficLoad(svc: RunningService, tally: Tally, until: () => boolean): Promise<number> {
  const form = "application/x-www-form-urlencoded";
  let n = 0;
  for (let k = 0; until(); k++) {
    // each series' window moves on by a minute per request of it, as the manager polls
    const rows = minuteRows(1440, Date.UTC(2024, 4, 20) + Math.floor(k / 2) * 60_000);
    for (let j = 200; j < rows.length; j += 300) rows[j]!.result.bytes += 3_000_000;
    const body = k % 2 === 0
      ? new URLSearchParams({ data: b64(rows), series: `soak_series_${(k / 2) % 5}` }).toString()
      : new URLSearchParams({ query: b64(readmeQuery) }).toString();
    const r = await post(svc.trafficUrl, undefined, "/api/v1/outliers", body, form);
    tally.add(r.status, r.text, `/api/v1/outliers (${k % 2 === 0 ? "data" : "query"})`);
    n++;
    await sleep(1000);
  }
  return n;
}

async function outboxDepth(svc: RunningService): Promise<number> {
  return ((await (await fetch(`${svc.stationUrl}/health`)).json()) as { outbox: { depth: number } }).outbox.depth;
}

const brokerRows = minuteRows(1440);
for (let j = 100; j < brokerRows.length; j += 250) brokerRows[j]!.result.bytes += 2_500_000;
const broker = await startStandInBroker({ kind: "json", body: brokerRows });
const sink = await Downstream.start("ok");
const svc = await startService({
  env: { DATA_SERVER_ENDPOINT: sink.url },
  configIni: `[Druid]\ndruid_endpoint = ${broker.endpoint}\n`,
  startTimeoutMs: 120_000,
});
const load0 = loadavg()[0]!;
const tally = new Tally();
const acknowledged = new Set<string>();
const received = new Set<string>();
/** Blocks each station had acknowledged, and the keys of the /outliers/validate deliveries (one
 * per block) that reached the downstream: every block's delivery, not only those with outliers. */
const blocks = new Map<string, number>();
const validated = new Map<string, Set<string>>();
/** Takes what the sink received so far (it keeps every request otherwise). */
const takeReceived = () => {
  for (const r of sink.received.splice(0)) {
    if (r.path === "/outliers") for (const o of r.body as { id_estacio: string; variable: string; dates: string[] }[]) for (const d of o.dates) received.add(`${o.id_estacio}|${o.variable}|${d}`);
    else if (r.path === "/outliers/validate") {
      const id = (r.body as { id_estacio: string }).id_estacio;
      if (!validated.has(id)) validated.set(id, new Set());
      validated.get(id)!.add(r.key);
    }
  }
};
const samples: { s: number; rss: number; depth: number }[] = [];
let flaps = 0;
try {
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  const running = () => performance.now() < end;
  const sampler = (async () => {
    while (running()) {
      await sleep(SAMPLE_MS);
      takeReceived();
      samples.push({ s: (performance.now() - t0) / 1000, rss: rssMb(svc.child.pid!), depth: await outboxDepth(svc) });
    }
  })();
  const flapper = (async () => {
    for (let up = true; ; up = !up) {
      const wait = Math.min(FLAP_SECONDS * 1000, end - performance.now());
      if (wait <= 0) break;
      await sleep(wait);
      if (!running()) break;
      await sink.setMode(up ? "down" : "ok");
      flaps++;
    }
  })();
  const [stationSamples, trafficRequests] = await Promise.all([stationLoad(svc, tally, acknowledged, blocks, running), trafficLoad(svc, tally, running), sampler, flapper]);
  // the downstream up until everything queued is delivered
  await sink.setMode("ok");
  const drainStart = performance.now();
  let depth = await outboxDepth(svc);
  while (depth > 0 && performance.now() - drainStart < DRAIN_LIMIT_MS) {
    await sleep(500);
    depth = await outboxDepth(svc);
  }
  const drainSeconds = (performance.now() - drainStart) / 1000;
  takeReceived();
  const lost = [...acknowledged].filter((k) => !received.has(k));
  const blocksAcked = [...blocks.values()].reduce((a, n) => a + n, 0);
  const blocksLost = [...blocks].reduce((a, [id, n]) => a + Math.max(0, n - (validated.get(id)?.size ?? 0)), 0);
  const [, middle, last] = thirds(samples);
  const rssMiddle = median(middle.map((x) => x.rss)), rssLast = median(last.map((x) => x.rss));
  const rssChange = rssLast / rssMiddle - 1;
  const depthMiddle = Math.max(...middle.map((x) => x.depth)), depthLast = Math.max(...last.map((x) => x.depth));
  const errors = tally.count((s) => s !== 200), fiveXx = tally.count((s) => s >= 500);
  const checks = {
    rssFlat: Math.abs(rssChange) <= 0.1,
    noError: errors === 0,
    noneLost: lost.length === 0 && blocksLost === 0,
    backlogBounded: depthLast <= 1.5 * depthMiddle + 1000 && depth === 0,
  };
  const rows: BenchRow[] = [
    { name: `load: ${SECONDS} s, 50 stations at ${RATE} samples/s target (4 connections), a traffic request a second, downstream flapping every ${FLAP_SECONDS} s (${flaps} changes)`, ours: `${Math.round(stationSamples / SECONDS)} samples/s, ${trafficRequests} traffic requests`, original: "—", ratio: undefined },
    { name: "RSS: median of the middle / last third of the samples (rule: within ±10 %)", ours: `${rssMiddle.toFixed(0)} / ${rssLast.toFixed(0)} MB (${(rssChange * 100).toFixed(1)} %, max ${Math.max(...samples.map((x) => x.rss)).toFixed(0)} MB)`, original: "—", ratio: undefined },
    { name: "answers not 200 (of which 5xx)", ours: `${errors} (${fiveXx}) of ${tally.count(() => true)}`, original: "—", ratio: undefined },
    { name: "outliers acknowledged by /detection / delivered / lost", ours: `${acknowledged.size} / ${[...acknowledged].filter((k) => received.has(k)).length} / ${lost.length}`, original: "—", ratio: undefined },
    { name: "blocks acknowledged / their /outliers/validate deliveries lost (by station, distinct keys)", ours: `${blocksAcked} / ${blocksLost}`, original: "—", ratio: undefined },
    { name: "outbox depth: max in the middle / last third (rule: last ≤ 1.5 × middle + 1,000), drain at the end", ours: `${depthMiddle} / ${depthLast} entries, empty after ${drainSeconds.toFixed(1)} s (depth ${depth})`, original: "—", ratio: undefined },
  ];
  printTable(`Soak (issue 17 part 8; load average ${load0.toFixed(1)} at the start)`, rows, undefined, "wall clock over HTTP, loopback, the service from source");
  console.log(`samples (s, RSS MB, outbox depth): ${samples.map((x) => `${x.s.toFixed(0)}:${x.rss.toFixed(0)}:${x.depth}`).join(" ")}`);
  for (const e of tally.examples) console.log(`not 200: ${e}`);
  if (lost.length) console.log(`lost (first 10): ${lost.slice(0, 10).join(", ")}`);
  const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k);
  console.log(failed.length ? `SOAK FAILED: ${failed.join(", ")}` : "soak passed: RSS flat, no error, 0 lost, backlog bounded");
  if (failed.length) process.exitCode = 1;
} finally {
  await svc.stop();
  await sink.close();
  await broker.close();
}
