// The station bench's client (./stations.bench.ts, ./stations-paired.ts): the floor server, and
// runs of 2,560 blocks of 10 samples with 3 variables over one or more keep-alive connections.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningService } from "../support/service-process";
import { processCpuMs } from "../support/process-tree";
import { blockBody } from "../stations/stream";

export const WINDOWS = { v32: 32, v128: 128, v256: 256 };
export const VARS = Object.keys(WINDOWS);
export const BLOCK = 10, BLOCKS = 2560;

export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
export const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

/** What the client talks to: the service, or the floor (./station-floor.ts). */
export type Target = Pick<RunningService, "stationUrl" | "child">;

/** The floor, a bare Hono + zod + one-SQLite-row server, spawned from source like the service. */
export async function startFloor(): Promise<Target & { stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "rbao-floor-"));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", new URL("./station-floor.ts", import.meta.url).pathname, dir], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the floor server did not start in time")), 30_000);
    child.stdout!.once("data", (b: Buffer) => { clearTimeout(timer); resolve((JSON.parse(String(b)) as { port: number }).port); });
  });
  return { stationUrl: `http://127.0.0.1:${port}`, child: child as RunningService["child"], stop: () => { child.kill(); rmSync(dir, { recursive: true, force: true }); } };
}

/** POST over a keep-alive agent whose socket count is the number of connections. */
export function post(svc: Target, agent: Agent, path: string, body: unknown): Promise<void> {
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
export async function run(svc: Target, prefix: string, stations: number, connections: number, pipeline: string) {
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
