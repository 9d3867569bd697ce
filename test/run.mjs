// Runs every uvu test file of the project: unit tests beside their sources (src/**/*.test.ts)
// and integration tests under test/ (test/**/*.test.ts). Each file runs in its own Node process
// (via tsx) so a crashing or hanging file cannot take the others with it; files run two at a time
// (the machines have 2 cores). Usage: node test/run.mjs [substring filter...]
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);
const parallel = Number(process.env.TEST_JOBS ?? 2);
const timeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 15 * 60 * 1000);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out;
}

const files = [...walk(join(root, "src")), ...walk(join(root, "test"))]
  .filter((f) => !f.startsWith("test/bench/") || f.startsWith("test/bench/nab/"))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

let passed = 0, failed = 0, skipped = 0;
const failures = [];

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: root, env: { ...process.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    const timer = setTimeout(() => { out += `\n[test/run] timed out after ${timeoutMs} ms\n`; child.kill("SIGKILL"); }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const total = /Total:\s+(\d+)/.exec(out), ok = /Passed:\s+(\d+)/.exec(out), sk = /Skipped:\s+(\d+)/.exec(out);
      const t = total ? Number(total[1]) : 0, p = ok ? Number(ok[1]) : 0;
      const s = sk ? Number(sk[1]) : 0;
      const fileFailed = code !== 0 || t === 0 || p + s < t;
      passed += p; skipped += s; failed += Math.max(t - p - s, fileFailed ? 1 : 0);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`${fileFailed ? "FAIL" : "ok  "} ${file} (${p}/${t}, ${secs}s)`);
      if (fileFailed) { failures.push(file); console.log(out.split("\n").map((l) => "    " + l).join("\n")); }
      resolve();
    });
  });
}

const queue = [...files];
await Promise.all(Array.from({ length: Math.max(1, parallel) }, async () => {
  while (queue.length) await runFile(queue.shift());
}));

if (failures.length) console.log(`\nfailed files:\n  ${failures.join("\n  ")}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
