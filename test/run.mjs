// Runs every uvu test file of the project: unit tests beside their sources (src/**/*.test.ts)
// and integration tests under test/ (test/**/*.test.ts). Each file runs in its own Node process
// (via tsx) so a crashing or hanging file cannot take the others with it; files run two at a time
// (the machines have 2 cores), but a file whose text says `test/run: alone` (a test that bounds a
// latency of the service) runs after them with no other file beside it: beside another file it
// measures that file's load on the 2 cores. Usage: node test/run.mjs [substring filter...]
//
// Nothing can hang: uvu prints a mark as each test ends, so a file that prints nothing for
// TEST_TIMEOUT_MS (default 180 s) is stuck in one test and is killed, naming the test's position;
// a file that printed its summary but does not exit within EXIT_GRACE_MS (a server, child process
// or timer left open) is killed and failed; TEST_FILE_TIMEOUT_MS (default 15 min) bounds a file.
// Prints `[k/n] file ok|FAIL secs` per file (all its output when it failed; else only its lines
// from "NOTE: " or "SKIP " on: what a test says it ran against, or why it skipped) and ends with
// the line `N passed, N failed`.
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);
const parallel = Number(process.env.TEST_JOBS ?? 2);
const fileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 15 * 60 * 1000);
const testTimeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 180 * 1000);
const exitGraceMs = Number(process.env.EXIT_GRACE_MS ?? 10 * 1000);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name === "fixtures" || name.startsWith(".")) continue;
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

let passed = 0, failed = 0, skipped = 0, done = 0;
const failures = [];

/** Tests finished so far in uvu's output: one mark per test (• pass, ✘ fail). */
const marks = (out) => (out.match(/[•✘]/g) ?? []).length;

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: root, env: { ...process.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let killedFor = "";
    const kill = (why) => { if (!killedFor) { killedFor = why; out += `\n[test/run] ${why}\n`; child.kill("SIGKILL"); } };
    const fileTimer = setTimeout(() => kill(`file timed out after ${fileTimeoutMs} ms`), fileTimeoutMs);
    let idleTimer, graceTimer;
    const progress = () => {
      clearTimeout(idleTimer);
      if (/Total:\s+\d+/.test(out)) {
        graceTimer ??= setTimeout(() => kill(`tests finished but the process did not exit within ${exitGraceMs} ms (a server, child process or timer left open)`), exitGraceMs);
        return;
      }
      idleTimer = setTimeout(() => kill(`test #${marks(out) + 1} of this file made no progress for ${testTimeoutMs} ms (TEST_TIMEOUT_MS): killed`), testTimeoutMs);
    };
    progress();
    const onData = (b) => { out += b; progress(); };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => {
      clearTimeout(fileTimer); clearTimeout(idleTimer); clearTimeout(graceTimer);
      const total = /Total:\s+(\d+)/.exec(out), ok = /Passed:\s+(\d+)/.exec(out), sk = /Skipped:\s+(\d+)/.exec(out);
      const t = total ? Number(total[1]) : 0, p = ok ? Number(ok[1]) : 0;
      const s = sk ? Number(sk[1]) : 0;
      const fileFailed = code !== 0 || killedFor !== "" || (t === 0 && s === 0) || p + s < t; // uvu counts no skipped test in Total
      passed += p; skipped += s; failed += Math.max(t - p - s, fileFailed ? 1 : 0);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      done++;
      console.log(`[${done}/${files.length}] ${file} ${fileFailed ? "FAIL" : "ok"} ${secs} s (${p}/${t})`);
      if (fileFailed) { failures.push(file); console.log(out.split("\n").map((l) => "    " + l).join("\n")); }
      else for (const m of out.matchAll(/(?:^|[^\w])((?:NOTE:|SKIP) [^\n]*)/g)) console.log(`    ${m[1]}`);
      resolve();
    });
  });
}

const alone = files.filter((f) => readFileSync(join(root, f), "utf8").includes("test/run: alone"));
const queue = files.filter((f) => !alone.includes(f));
await Promise.all(Array.from({ length: Math.max(1, parallel) }, async () => {
  while (queue.length) await runFile(queue.shift());
}));
for (const f of alone) await runFile(f);

if (failures.length) console.log(`\nfailed files:\n  ${failures.join("\n  ")}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
