// Starts the real service as a child process for HTTP, fault and packaging tests, on free ports,
// with its own data dir. By default it runs from source (tsx); set RB_AIOUTLIERS_CMD to a command
// (e.g. "dist/rb-aioutliers" or a wrapper that runs the installed executable in a chroot) to run
// the same suites against the built executable. The command gets
// `serve --traffic-port 0 --station-port 0 --data-dir DIR [--config FILE]` appended and must log
// the JSON "listening" lines (one per API, with `api` and `port`).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repoRoot = new URL("../..", import.meta.url).pathname;
/** The V8 flags the executable embeds (build/settings.mjs NODE_FLAGS), given to the service from source too. */
export const serviceNodeFlags = JSON.parse(readFileSync(join(repoRoot, "build/node-flags.json"), "utf8")) as string[];

export interface ServiceOptions {
  /** Reuse a data dir (restart tests); default: a new temporary one. */
  dataDir?: string;
  /** config.ini text; written into the data dir's parent temp dir. */
  configIni?: string;
  env?: Record<string, string>;
  /** Extra arguments after `serve`. */
  args?: string[];
  startTimeoutMs?: number;
}

export interface RunningService {
  trafficUrl: string;
  stationUrl: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves once the output matches `pattern`; rejects after `ms` with the output. The service
   * writes its log asynchronously, so a line logged before an answer may arrive just after it. */
  outputMatches(pattern: RegExp, ms?: number): Promise<void>;
  /** SIGTERM and wait for exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9) and wait for exit. */
  kill9(): Promise<void>;
}

export function serviceCommand(): string[] {
  const custom = process.env.RB_AIOUTLIERS_CMD;
  if (custom) return custom.split(" ").filter(Boolean);
  return [process.execPath, ...serviceNodeFlags, "--import", "tsx", join(repoRoot, "src/cli/main.ts")];
}

export async function startService(opts: ServiceOptions = {}): Promise<RunningService> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "rbao-data-"));
  const args = ["serve", "--traffic-port", "0", "--station-port", "0", "--data-dir", dataDir, ...(opts.args ?? [])];
  if (opts.configIni !== undefined) {
    const file = join(mkdtempSync(join(tmpdir(), "rbao-conf-")), "config.ini");
    writeFileSync(file, opts.configIni);
    args.push("--config", file);
  }
  const [cmd, ...pre] = serviceCommand();
  const child = spawn(cmd, [...pre, ...args], {
    cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const ports = await new Promise<{ traffic: number; station: number }>((resolve, reject) => {
    const found: Record<string, number> = {};
    const timer = setTimeout(() => reject(new Error(`service did not start in time:\n${out}`)), opts.startTimeoutMs ?? 30_000);
    // Only the lines not yet read are parsed, and only until both ports are known: with the access
    // log on, re-reading the whole output per chunk made the test client's cost quadratic.
    let pending = "";
    const onData = (b: Buffer) => {
      pending += b;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        try {
          const j = JSON.parse(line) as { msg?: string; api?: string; port?: number };
          if (j.msg === "listening" && j.api && j.port) found[j.api] = j.port;
        } catch { /* not a JSON log line */ }
      }
      if (found.traffic && found.station) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve({ traffic: found.traffic, station: found.station });
      }
    };
    const append = (b: Buffer) => (out += b);
    child.stdout!.on("data", append);
    child.stdout!.on("data", onData);
    child.stderr!.on("data", append);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`service exited with ${code} before listening:\n${out}`)); });
  });
  return {
    trafficUrl: `http://127.0.0.1:${ports.traffic}`,
    stationUrl: `http://127.0.0.1:${ports.station}`,
    dataDir, child,
    output: () => out,
    async outputMatches(pattern, ms = 5000) {
      for (const end = Date.now() + ms; !pattern.test(out);) {
        if (Date.now() > end) throw new Error(`the service's output did not match ${pattern} within ${ms} ms:\n${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() { if (child.exitCode === null) child.kill("SIGTERM"); return exited; },
    async kill9() { if (child.exitCode === null) child.kill("SIGKILL"); await exited; },
  };
}
