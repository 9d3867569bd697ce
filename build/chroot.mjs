// Installs the RPM into a scratch root and makes from it a chroot holding only the installed
// files plus /dev/null, /dev/random, /dev/urandom and /tmp: the "empty root" of docs/design.md §
// Single executable and RPM.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cacheDir, root } from "./settings.mjs";

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], ...opts });

/** build/enosys310/enosys310.c compiled: EL7's kernel system calls (>= 314 fail with ENOSYS). */
export function ensureEnosys310() {
  const src = join(root, "build/enosys310/enosys310.c");
  const out = join(cacheDir, "enosys310");
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) run("cc", ["-O2", "-o", out, src]);
  return out;
}

/** Copies a host binary and the libraries ldd lists for it into `dir`, at the same paths. */
function copyWithLibs(dir, bin) {
  const files = [bin];
  for (const m of run("ldd", [bin]).matchAll(/(\/\S+) \(0x/g)) files.push(m[1]);
  for (const f of files) {
    mkdirSync(join(dir, dirname(f)), { recursive: true });
    copyFileSync(f, join(dir, f));
    chmodSync(join(dir, f), 0o755);
  }
}

/** A root rpm can install into: /bin/sh and what %pre/%preun run (getent, groupadd, useradd, rm), an rpm db. */
export function prepareScratchRoot(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "etc"), { recursive: true });
  for (const b of ["/bin/sh", "/usr/bin/getent", "/usr/sbin/groupadd", "/usr/sbin/useradd", "/bin/rm"]) copyWithLibs(dir, b);
  writeFileSync(join(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  writeFileSync(join(dir, "etc/group"), "root:x:0:\n");
  writeFileSync(join(dir, "etc/shadow"), "root:*:19000:0:99999:7:::\n", { mode: 0o600 });
  writeFileSync(join(dir, "etc/gshadow"), "root:*::\n", { mode: 0o600 });
  if (existsSync("/etc/login.defs")) copyFileSync("/etc/login.defs", join(dir, "etc/login.defs"));
  mkdirSync(join(dir, "dev"));
  run("mknod", ["-m", "666", join(dir, "dev/null"), "c", "1", "3"]);
  rpm(dir, ["--initdb"]);
}

/** rpm on the scratch root; its stderr (Debian's "use Alien" notice) is shown only when it fails. */
export function rpm(scratch, args) {
  try {
    return run("rpm", ["--root", scratch, "--dbpath", "/var/lib/rpm", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    process.stderr.write(e.stderr ?? "");
    throw e;
  }
}

/** uid:gid of the service user the RPM's %pre made in the scratch root. */
export function serviceUser(scratch) {
  const line = readFileSync(join(scratch, "etc/passwd"), "utf8").split("\n").find((l) => l.startsWith("rb-aioutliers:"));
  if (!line) throw new Error("%pre did not create the rb-aioutliers user");
  const [, , uid, gid] = line.split(":");
  return `${uid}:${gid}`;
}

/** The chroot: every path the package installed (as installed: modes, owners, symlinks) and four device files. */
export function makeChroot(scratch, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const paths = rpm(scratch, ["-ql", "rb-aioutliers"]).trim().split("\n");
  // cp -a --parents keeps owner, mode and symlinks; directories listed by the package come with their contents.
  run("cp", ["-a", "--parents", ...paths.map((p) => `.${p}`), dir], { cwd: scratch });
  makeDevices(dir);
  mkdirSync(join(dir, "tmp"));
  chmodSync(join(dir, "tmp"), 0o1777);
  return paths;
}

/** /dev/null, /dev/random and /dev/urandom in `root`: all of /dev the service needs. */
export function makeDevices(root) {
  mkdirSync(join(root, "dev"));
  for (const [name, minor] of [["null", 3], ["random", 8], ["urandom", 9]]) {
    run("mknod", ["-m", "666", join(root, "dev", name), "c", "1", String(minor)]);
  }
}

/** RB_AIOUTLIERS_CMD that runs the chroot's executable as the service user under the kernel simulation. */
export function chrootCommand(chrootDir, user, enosys) {
  return [join(root, "build/run-in-chroot.sh"), chrootDir, user, enosys];
}
