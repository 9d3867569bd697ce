// Real servers for the cluster tests, on loopback: Debian's redis-server (no persistence) and
// s3rver, an S3-protocol server from npm (docs/cluster.md says why that one). Both stop with the test.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";

/** A free TCP port on 127.0.0.1 (the kernel's choice, released for the server to take). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Why the Redis tests cannot run here, or undefined when redis-server is installed. */
export function redisMissing(): string | undefined {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  return r.error ? "redis-server is not installed (Debian package redis-server, .ci/apt-packages)" : undefined;
}

export interface RedisServer {
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop). */
  start(): Promise<void>;
}

export async function startRedis(password?: string): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...(password ? ["--requirepass", password] : [])];
    const c = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    child = c;
    let out = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      c.stdout!.on("data", (b) => { out += b; if (/Ready to accept connections/.test(out)) { clearTimeout(timer); resolve(); } });
      c.once("exit", (code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code}):\n${out}`)); });
    });
  };
  await start();
  return {
    port, start,
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await exited;
    },
  };
}

export interface S3Server {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** s3rver with one bucket, files in a fresh temporary directory (kept across stop/start). */
export async function startS3(bucket = "models"): Promise<S3Server> {
  const { default: S3rver } = await import("s3rver");
  const dir = mkdtempSync(join(tmpdir(), "rbao-s3-"));
  const port = await freePort();
  let server: { close(): Promise<void>; httpServer?: Server } | undefined;
  const start = async () => {
    const s = new S3rver({ port, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: bucket, configs: [] }] });
    await s.run();
    server = s;
  };
  await start();
  return { endpoint: `http://127.0.0.1:${port}`, bucket, start, stop: async () => {
    // an outage cuts the boxes' connections too: close() alone would wait for any request in flight
    server?.httpServer?.closeAllConnections();
    await server?.close();
  } };
}
