// Runs the container image two ways. checkImage, always (it needs only root): reads
// dist/rb-aioutliers-image/ (the OCI layout `npm run image` wrote), verifies every blob against its
// sha256 digest and the layer against the config's diff_id, extracts the layer with tar into an
// empty root, and starts the image config's Entrypoint + Cmd with only its Env, as its User, in a
// chroot of that root, in new mount and network namespaces (loopback only: the image's ports are
// free there whatever the host runs), with each of its Volumes a fresh host dir seeded from the
// image (what a runtime does for a new named volume), under the EL7 kernel simulation. Then: GET
// /health on every exposed port from the host inside that network namespace, the image's health
// check command the way a runtime runs it (`exec` into the container), state and log in the
// volumes, StopSignal -> exit 0. checkWithPodman, when podman is installed: the archive loaded and
// run by podman. test:package runs both; alone: `node build/image-check.mjs` (after `npm run image`).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { ensureEnosys310, makeDevices } from "./chroot.mjs";
import { archiveFile, imageName, layoutDir } from "./image.mjs";
import { cacheDir, distDir } from "./settings.mjs";

const sha256 = (buf) => `sha256:${createHash("sha256").update(buf).digest("hex")}`;
const which = (cmd) => execFileSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).trim();

/** A blob of the layout, refused unless its bytes match the descriptor's digest and size. */
function readBlob(layout, { digest, size }) {
  const data = readFileSync(join(layout, "blobs", ...digest.split(":")));
  if (sha256(data) !== digest || data.length !== size) throw new Error(`blob ${digest}: content is ${sha256(data)}, ${data.length} bytes (descriptor: ${size})`);
  return data;
}

/** The command line that starts `args` as the container's process: its Env only, its User, in its root. */
function inContainer(config, root, enosys, args) {
  return [which("env"), "-i", ...(config.Env ?? []), which("setarch"), "x86_64", "--uname-2.6", enosys, "--",
    which("chroot"), `--userspec=${config.User}`, root, ...args];
}

function waitForListening(child, apis, timeoutMs) {
  let out = "";
  child.stdout.on("data", (b) => (out += b));
  child.stderr.on("data", (b) => (out += b));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { clearInterval(poll); reject(new Error(`no "listening" for ${apis} in ${timeoutMs / 1000} s:\n${out}`)); }, timeoutMs);
    const poll = setInterval(() => {
      const ports = Object.fromEntries([...out.matchAll(/"api":"(\w+)".*?"port":(\d+),"msg":"listening"/g)].map((m) => [m[1], Number(m[2])]));
      if (apis.every((a) => ports[a])) { clearTimeout(timer); clearInterval(poll); resolve(ports); }
      if (child.exitCode !== null) { clearTimeout(timer); clearInterval(poll); reject(new Error(`exited with ${child.exitCode}:\n${out}`)); }
    }, 20);
  });
}

/** GET /health on 127.0.0.1:port inside the network namespace of `pid`. */
function healthInNamespace(pid, port) {
  const script = `fetch("http://127.0.0.1:${port}/health").then(async (r) => console.log(r.status, await r.text()), (e) => console.log(0, String(e.cause ?? e)))`;
  const r = spawnSync("nsenter", [`--target=${pid}`, "--net", "--", process.execPath, "-e", script], { encoding: "utf8", timeout: 30_000 });
  const [status, ...body] = (r.stdout ?? "").trim().split(" ");
  return { status: Number(status), body: body.join(" ") };
}

/** Checks the image in `layout`, reporting each result through `check(ok, what)`. */
export async function checkImage({ check, log = console.log, layout = layoutDir, work = join(cacheDir, "test-image") } = {}) {
  const enosys = ensureEnosys310();
  // 1. The layout: index -> manifest -> config and layer, every blob verified.
  check(JSON.parse(readFileSync(join(layout, "oci-layout"), "utf8")).imageLayoutVersion === "1.0.0", "oci-layout: imageLayoutVersion 1.0.0");
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
  const entry = index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === imageName);
  check(entry !== undefined, `index.json names ${imageName}`);
  if (!entry) return;
  const manifest = JSON.parse(readBlob(layout, entry));
  const config = JSON.parse(readBlob(layout, manifest.config));
  const layers = manifest.layers.map((l) => gunzipSync(readBlob(layout, l)));
  check(manifest.layers.length === 1 && config.rootfs.diff_ids.every((d, i) => d === sha256(layers[i])),
    `every blob matches its digest, the layer its diff_id (${manifest.layers.map((l) => `${(l.size / 1e6).toFixed(1)} MB`)} gzipped)`);

  // 2. Its root filesystem, extracted as a runtime does (owners and modes of the layer).
  const root = join(work, "rootfs");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  execFileSync("tar", ["-x", "--numeric-owner", "--same-owner", "--same-permissions", "-C", root], { input: layers[0], maxBuffer: 1 << 30 });
  const c = config.config;
  const exe = join(root, c.Entrypoint[0]);
  check(sha256(readFileSync(exe)) === sha256(readFileSync(join(distDir, "rb-aioutliers"))), `${c.Entrypoint[0]} is byte for byte dist/rb-aioutliers`);
  check(!existsSync(join(root, "bin")) && !existsSync(join(root, "usr")), "no /bin, no /usr: no shell, no distribution in the image");
  const [uid, gid] = String(c.User).split(":").map(Number);
  check(/^\d+:\d+$/.test(c.User) && uid !== 0 && gid !== 0, `the image runs as a numeric non-root user (${c.User})`);
  const ports = Object.keys(c.ExposedPorts ?? {}).sort();
  check(JSON.stringify(ports) === JSON.stringify(["39091/tcp", "8080/tcp"]), `the image exposes 39091/tcp and 8080/tcp (${ports})`);
  const volumes = Object.keys(c.Volumes ?? {}).sort();
  check(volumes.includes("/etc/rb-aioutliers") && volumes.includes("/var/lib/rb-aioutliers"), `config and state are volumes (${volumes})`);
  check(c.Healthcheck?.Test?.[0] === "CMD", `a health check without a shell: ${JSON.stringify(c.Healthcheck?.Test)}`);

  // 3. Run it: a fresh volume per Volumes entry, seeded from the image, bind-mounted over it.
  makeDevices(root);
  const mounts = volumes.flatMap((v, i) => {
    const host = join(work, "volumes", String(i));
    mkdirSync(join(work, "volumes"), { recursive: true });
    execFileSync("cp", ["-a", join(root, v), host]);
    return [host, v];
  });
  const setup = 'set -e; r=$1; shift; ip link set lo up; while [ "$1" != -- ]; do mount --bind "$1" "$r$2"; shift 2; done; shift; exec "$@"';
  log(`image: starting ${JSON.stringify([...c.Entrypoint, ...c.Cmd])} as ${c.User} in the extracted root`);
  const child = spawn("unshare", ["--mount", "--net", "sh", "-c", setup, "sh", root, ...mounts, "--", ...inContainer(c, root, enosys, [...c.Entrypoint, ...(c.Cmd ?? [])])],
    { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
  const volume = (path) => join(work, "volumes", String(volumes.indexOf(path)));
  try {
    const listening = await waitForListening(child, ["traffic", "station"], 60_000);
    check(JSON.stringify(Object.values(listening).map((p) => `${p}/tcp`).sort()) === JSON.stringify(ports), `the service listens on the exposed ports (${JSON.stringify(listening)})`);
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    check(new RegExp(`^Uid:\\s+${uid}\\s`, "m").test(status) && new RegExp(`^Gid:\\s+${gid}\\s`, "m").test(status), `the service process runs as ${c.User}`);
    for (const port of ports.map((p) => Number.parseInt(p, 10))) {
      const h = healthInNamespace(child.pid, port);
      check(h.status === 200, `GET /health on ${port}: ${h.status} ${h.body}`);
    }
    // The health check as a runtime runs it: in the container's namespaces, root, user and Env.
    const hc = spawnSync("nsenter", [`--target=${child.pid}`, "--mount", "--net", "--", ...inContainer(c, root, enosys, c.Healthcheck.Test.slice(1))],
      { encoding: "utf8", timeout: 30_000 });
    check(hc.status === 0 && /^traffic .* 200 /m.test(hc.stdout) && /^station .* 200 /m.test(hc.stdout), `the image's health check passes (exit ${hc.status}):\n${hc.stdout}${hc.stderr}`);
    check(existsSync(join(volume("/var/lib/rb-aioutliers"), "stations.sqlite")), "the SQLite state is in the /var/lib/rb-aioutliers volume");
    if (volumes.includes("/var/log/rb-aioutliers"))
      check(/"msg":"listening"/.test(readFileSync(join(volume("/var/log/rb-aioutliers"), "rb-aioutliers.log"), "utf8")), "the log file is in the /var/log/rb-aioutliers volume");
    check(readdirSync(join(root, "var/cache/rb-aioutliers")).some((f) => /^better_sqlite3-[0-9a-f]{16}\.node$/.test(f)), "the addon is extracted to /var/cache/rb-aioutliers");
    child.kill(c.StopSignal ?? "SIGTERM");
    const end = await Promise.race([exited, new Promise((r) => setTimeout(() => r({ code: "still running after 20 s" }), 20_000))]);
    check(end.code === 0, `${c.StopSignal ?? "SIGTERM"} stops it with exit code 0 (${JSON.stringify(end)})`);
  } catch (e) {
    check(false, `the image's command runs: ${e.message}`);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
  }
  log(`image: ${(statSync(join(distDir, "rb-aioutliers")).size / 1e6).toFixed(0)} MB executable in a ${(layers[0].length / 1e6).toFixed(1)} MB root`);
}

const podman = (args, opts = {}) => spawnSync("podman", args, { encoding: "utf8", timeout: 180_000, ...opts });

/** GET /health on the host's `port` until it answers 200 or `timeoutMs` passes; the last status and body. */
async function pollHealth(port, timeoutMs) {
  const until = Date.now() + timeoutMs;
  let last = { status: 0, body: "" };
  while (Date.now() < until) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) });
      last = { status: r.status, body: await r.text() };
      if (r.status === 200) return last;
    } catch (e) { last = { status: 0, body: String(e.cause ?? e) }; }
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

/**
 * The archive in a real runtime, when podman is installed: `podman load`, `podman run` with the
 * image's defaults and both ports published on loopback, GET /health through the published ports,
 * `podman healthcheck run` (the image's Healthcheck, as podman took it from the archive), `podman
 * stop` -> exit code 0. runc when installed: crun refuses this machine's hybrid cgroup hierarchy.
 * --ulimit: podman's defaults are above this machine's hard limits, which it may not raise (nofile
 * at the hard limit; nproc 4096, as runc was refused even at the hard limit).
 */
export async function checkWithPodman({ check, log = console.log, archive = archiveFile }) {
  if (spawnSync("sh", ["-c", "command -v podman"]).status !== 0) { log("image: podman is not installed, its run is skipped"); return; }
  const load = podman(["load", "-i", archive]);
  check(load.status === 0 && load.stdout.includes(`Loaded image: ${imageName}`), `podman load -i ${archive}: ${load.status === 0 ? load.stdout.trim() : load.stderr.trim()}`);
  const inspected = JSON.parse(podman(["image", "inspect", imageName]).stdout || "[{}]")[0];
  check(inspected.Healthcheck?.Test?.[1]?.endsWith("/rb-aioutliers"), `podman takes the image's health check: ${JSON.stringify(inspected.Healthcheck?.Test)}`);
  const name = `rbao-image-check-${process.pid}`;
  const limits = readFileSync("/proc/self/limits", "utf8");
  const hard = (what) => new RegExp(`^${what}\\s+\\S+\\s+(\\S+)`, "m").exec(limits)[1];
  const ulimits = [["nofile", hard("Max open files")], ["nproc", 4096]].flatMap(([k, v]) => ["--ulimit", `${k}=${v}:${v}`]);
  const runtime = spawnSync("sh", ["-c", "command -v runc"]).status === 0 ? ["--runtime", "runc"] : [];
  log(`image: podman run ${imageName}${runtime.length ? " (runc)" : ""}`);
  const run = podman([...runtime, "run", "-d", "--name", name, ...ulimits, "-p", "127.0.0.1::39091", "-p", "127.0.0.1::8080", imageName]);
  try {
    check(run.status === 0, `podman run -d -p 127.0.0.1::39091 -p 127.0.0.1::8080 ${imageName} (exit ${run.status})${run.status === 0 ? "" : ` ${run.stderr.trim()}`}`);
    if (run.status !== 0) return;
    for (const port of ["39091", "8080"]) {
      const published = podman(["port", name, `${port}/tcp`]).stdout.trim().split(":").pop();
      const h = await pollHealth(published, 60_000);
      check(h.status === 200, `GET /health on ${port} published at 127.0.0.1:${published}: ${h.status} ${h.body}`);
    }
    const hc = podman(["healthcheck", "run", name]);
    check(hc.status === 0, `podman healthcheck run: exit ${hc.status} ${hc.stdout}${hc.stderr}`);
    const user = podman(["exec", name, "rb-aioutliers", "version"]);
    check(user.status === 0, `podman exec ${name} rb-aioutliers version (the image's PATH): ${user.stdout.trim()}${user.stderr.trim()}`);
    podman(["stop", "-t", "20", name]);
    const code = podman(["inspect", name, "--format", "{{.State.ExitCode}}"]).stdout.trim();
    check(code === "0", `podman stop: the service exits with code ${code}`);
  } finally {
    podman(["rm", "-f", name]);
    podman(["rmi", imageName]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const failures = [];
  const check = (ok, what) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`); if (!ok) failures.push(what); };
  await checkImage({ check });
  await checkWithPodman({ check });
  console.log(failures.length ? `${failures.length} check(s) failed` : "all image checks passed");
  process.exit(failures.length ? 1 : 0);
}
