// Files embedded in the single executable (build/build.mjs): the better-sqlite3 addon, the tfjs
// wasm binaries, the package files the status page serves (uPlot) and everything under assets/. Native code and wasm must be real files to load, so
// they are extracted once into the cache dir under content-hashed names (written to a temp file,
// fsynced, renamed: a crash never leaves a partial file under the final name). From source nothing
// is embedded and the packages in node_modules are used as they are.
import {
  closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Sea = typeof import("node:sea");
// node:sea does not exist on every Node the sources run on; getBuiltinModule returns undefined there.
const sea = process.getBuiltinModule("node:sea") as Sea | undefined;

/** What build/build.mjs embedded, by asset key (keys of native files and wasm carry a content hash). */
export interface AssetManifest {
  sqliteAddon: string;
  /** tfjs-backend-wasm file name -> asset key. */
  tfjsWasm: Record<string, string>;
  /** Paths under assets/ -> asset key. */
  bundled: Record<string, string>;
  /** Files of npm packages served as they are ("uplot/dist/uPlot.min.css") -> asset key. */
  packageFiles: Record<string, string>;
}

let manifest: AssetManifest | undefined;
/** What the executable embeds; undefined from source. */
export function embeddedManifest(): AssetManifest | undefined {
  if (!sea?.isSea()) return undefined;
  return (manifest ??= JSON.parse(sea.getAsset("manifest.json", "utf8")) as AssetManifest);
}

let configuredCacheDir: string | undefined;
/** The config's [Paths] cache_dir; commands call this after loading the config, before opening SQLite. */
export function setAssetCacheDir(dir: string): void {
  configuredCacheDir = dir;
  // Worker threads (./worker.ts) get their own copy of this module but inherit the environment.
  process.env.RB_AIOUTLIERS_PATHS_CACHE_DIR = dir;
}

function assetCacheDir(): string {
  return configuredCacheDir ?? process.env.RB_AIOUTLIERS_PATHS_CACHE_DIR ?? join(tmpdir(), `rb-aioutliers-${process.getuid?.() ?? 0}`);
}

/** Native code is loaded from here: refuse a dir someone else could plant a library in. */
function checkPrivate(dir: string): void {
  const st = statSync(dir);
  const uid = process.getuid?.();
  if ((uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    throw new Error(`cache dir ${dir} must be owned by uid ${uid} and not writable by group or others ` +
      "(the executable loads native code from it); set [Paths] cache_dir or run as the service user");
  }
}

function writeAtomically(file: string, data: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o755);
  try {
    for (let off = 0; off < data.length;) off += writeSync(fd, data, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Drops the extractions of earlier builds: same name before the hash, other hash. */
function removeStale(dir: string, key: string): void {
  const stem = key.replace(/-[0-9a-f]{16}(\.[a-z]+)$/, "-");
  for (const name of readdirSync(dir)) {
    if (name !== key && name.startsWith(stem) && /-[0-9a-f]{16}\.[a-z]+$/.test(name)) {
      try { unlinkSync(join(dir, name)); } catch { /* another process already did */ }
    }
  }
}

/** Path of the embedded asset `key` (a manifest value) as a file in the cache dir, extracting it on first use. */
export function extractEmbedded(key: string): string {
  if (!sea?.isSea()) throw new Error("extractEmbedded: not running as the single executable");
  return materialize(assetCacheDir(), key, () => new Uint8Array(sea.getRawAsset(key) as ArrayBuffer));
}

/** `dir/name`, written from read() unless it exists; `name` must carry a content hash (-<16 hex>.ext). */
export function materialize(dir: string, name: string, read: () => Uint8Array): string {
  const file = join(dir, name);
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  checkPrivate(dir);
  if (existsSync(file)) return file; // a content-hashed name only ever holds that content
  writeAtomically(file, read());
  removeStale(dir, name);
  return file;
}

/**
 * A file under the repository's assets/ dir (e.g. "models/traffic/model.json"): embedded in the
 * executable, read from the work tree from source. Undefined when there is no such file.
 */
export function readBundledAsset(path: string): Buffer | undefined {
  const embedded = embeddedManifest();
  if (sea && embedded) {
    const key = embedded.bundled[path];
    return key === undefined ? undefined : Buffer.from(sea.getAsset(key));
  }
  const file = new URL(`../../assets/${path}`, import.meta.url);
  return existsSync(file) ? readFileSync(file) : undefined;
}

/**
 * A file of an npm package (e.g. "uplot/dist/uPlot.iife.min.js", listed in build/settings.mjs
 * embeddedPackageFiles): embedded in the executable, read from node_modules from source.
 */
export function readPackageFile(path: string): Buffer | undefined {
  const embedded = embeddedManifest();
  if (sea && embedded) {
    const key = embedded.packageFiles[path];
    return key === undefined ? undefined : Buffer.from(sea.getAsset(key));
  }
  const file = new URL(`../../node_modules/${path}`, import.meta.url);
  return existsSync(file) ? readFileSync(file) : undefined;
}
