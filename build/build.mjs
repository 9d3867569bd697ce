// npm run build -> dist/rb-aioutliers (+ dist/lib): the single executable (docs/design.md § Single
// executable and RPM).
//  1. the pinned Node 24 binary and better-sqlite3 compiled for Node 24 (cached, ./toolchain.mjs);
//  2. src/cli/main.ts bundled with esbuild to CommonJS (SEA runs CommonJS only): the main script,
//     and the packages only deep models use (tfjs, h5wasm) as chunks loaded on first import;
//  3. a SEA blob made by that same Node: a V8 startup snapshot of the main script (run at build
//     time: every module is initialised in it, src/cli/main.ts starts from there), and as assets
//     the chunks, the addon, the tfjs wasm files, uPlot and assets/** (see src/runtime/embedded-assets.ts);
//  4. the blob injected into a copy of the Node binary with postject;
//  5. the build machine's glibc and libstdc++ copied to dist/lib, and the executable patched to use
//     them from /opt/rb-aioutliers/lib (interpreter + absolute DT_RPATH; $ORIGIN would need /proc).
//     patchelf runs after postject: postject rewrites the ELF and would undo it.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { ensureNode, ensureSqliteAddon } from "./toolchain.mjs";
import { NODE_FLAGS, NODE_VERSION, bundledLibs, cacheDir, distDir, embeddedPackageFiles, installPrefix, pkg, root, tfjsWasmFiles } from "./settings.mjs";

const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const started = Date.now();
const log = (msg) => console.log(`[build ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });

/** Runs a tool, printing its output only when it fails (postject prints harmless LIEF warnings). */
function quietly(cmd, args, opts = {}) {
  try {
    execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", ...opts });
  } catch (e) {
    process.stderr.write(`${e.stdout ?? ""}${e.stderr ?? ""}`);
    throw e;
  }
}

function hashed(name, file) {
  const h = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
  const dot = name.lastIndexOf(".");
  return `${name.slice(0, dot)}-${h}${name.slice(dot)}`;
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// Packages only the deep-model code imports, lazily: TensorFlow.js (one chunk, so tfjs and its
// wasm backend share one tfjs-core) and h5wasm. Kept out of the main script and embedded as assets
// of their own, compiled on first import: in the main script their ~9 MB would be deserialized
// from the code cache at every start (~80 ms measured) though most runs never use them.
// Likewise cluster mode's clients (docs/cluster.md), imported only when [Redis] or [AWS] names a
// host: a standalone box does not even parse them.
const lazyChunks = [
  { name: "tfjs", filter: /^@tensorflow\// },
  { name: "h5wasm", filter: /^h5wasm(\/|$)/ },
  { name: "ioredis", filter: /^ioredis$/ },
  { name: "aws4fetch", filter: /^aws4fetch$/ },
];

const common = {
  bundle: true, platform: "node", target: "node24", format: "cjs",
  minifyWhitespace: true, minifySyntax: true, legalComments: "eof", logLevel: "error", metafile: true,
  define: {
    __RB_AIOUTLIERS_VERSION__: JSON.stringify(pkg.version),
    // CommonJS has no import.meta; modules that derive paths from it (h5wasm's createRequire) get the
    // executable. A getter: the main script runs at build time (startup snapshot), the path is the run's.
    "import.meta.url": "__rbImportMeta.url",
  },
  banner: { js: 'var __rbImportMeta = { get url() { return require("node:url").pathToFileURL(process.execPath).href; } };' },
  // import() inside a SEA can only load built-ins; as require() the lazily loaded modules still
  // run only when first imported.
  supported: { "dynamic-import": false },
};

// Defined in the main script: evaluates an embedded chunk once, returns its specifier -> module map.
const chunkLoader = `var __rbChunks = {};
function __rbLoadChunk(name) {
  if (__rbChunks[name]) return __rbChunks[name];
  var source = require("node:sea").getAsset("chunks/" + name + ".cjs", "utf8");
  var module = { exports: {} };
  require("node:vm").compileFunction(source, ["exports", "require", "module", "__filename", "__dirname"],
    { filename: "rb-aioutliers/chunks/" + name + ".cjs" })(module.exports, require, module, process.execPath, require("node:path").dirname(process.execPath));
  return (__rbChunks[name] = module.exports.chunk);
}`;

/** Replaces every import of a lazy package by a stub that loads its chunk; records the specifiers. */
function lazyChunksPlugin(seen) {
  return {
    name: "lazy-chunks",
    setup(b) {
      for (const { name, filter } of lazyChunks) {
        b.onResolve({ filter }, (args) => {
          seen[name] ??= new Set();
          seen[name].add(args.path);
          return { path: args.path, namespace: "lazy-chunk", pluginData: name };
        });
      }
      b.onLoad({ filter: /.*/, namespace: "lazy-chunk" }, (args) => ({
        loader: "js",
        contents: `module.exports = __rbLoadChunk(${JSON.stringify(args.pluginData)})[${JSON.stringify(args.path)}];`,
      }));
    },
  };
}

// The main script is run at build time and its heap kept as a V8 startup snapshot. Some built-ins
// must not be loaded by then: with http, https, http2 or tls loaded Node 24 cannot make the snapshot
// (it aborts: CheckGlobalAndEternalHandles), and with crypto loaded a worker thread started from the
// executable aborts when it loads crypto (crypto_key_object_constructor_template). Every import of
// them in the main script gets a stand-in whose exports (the names Node 24's module has) require
// the real module on first use, at run time.
const lazyBuiltins = ["http", "https", "http2", "tls", "crypto"];
const lazyBuiltin = (name, keys) => `let real;
const load = () => (real ??= require("node:${name}"));
for (const k of ${JSON.stringify(keys)}) Object.defineProperty(exports, k, { get: () => load()[k], enumerable: true });`;

function lazyBuiltinsPlugin(node) {
  const keys = JSON.parse(execFileSync(node, ["-p", `JSON.stringify(Object.fromEntries(${JSON.stringify(lazyBuiltins)}.map((m) => [m, Object.keys(require(m))])))`], { encoding: "utf8" }));
  return {
    name: "lazy-builtins",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(node:)?(${lazyBuiltins.join("|")})$`) }, (args) => args.namespace === "lazy-builtin"
        ? { path: args.path, external: true } // the stand-in's own require of the real module
        : { path: args.path.replace(/^node:/, ""), namespace: "lazy-builtin" });
      b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({ loader: "js", contents: lazyBuiltin(args.path, keys[args.path]) }));
    },
  };
}

// Modules that read the process or its surroundings at load would keep the build machine's
// answer in the snapshot. They load at run time, on first call, instead:
// - V8 builds the snapshot without the globals WebAssembly, SharedArrayBuffer, Float16Array,
//   DisposableStack, AsyncDisposableStack and SuppressedError (they appear at run time):
//   atomic-sleep (pino's sonic-boom) tests for SharedArrayBuffer and would fall back to a busy
//   wait. (Our own code looks WebAssembly up when used: src/deep/inference/wasm-kernels.ts.)
// - prom-client's process_start_time_seconds takes the time at load: it would be the build's.
// Known and harmless: pino takes hostname and pid at load for its default `base`, which
// src/runtime/logger.ts replaces. Nothing may draw crypto.randomUUID() at load either: its
// entropy cache would be in the snapshot, every start would produce the same UUIDs (measured).
const loadAtRunTime = [
  {
    filter: /^atomic-sleep$/, file: "atomic-sleep",
    contents: 'module.exports = function sleep(ms) { return require("atomic-sleep")(ms); };',
  },
  {
    filter: /^\.\/metrics\/processStartTime$/, file: "prom-client/lib/metrics/processStartTime.js",
    contents: `module.exports = function processStartTime(registry, config) { return require("prom-client/lib/metrics/processStartTime.js")(registry, config); };
module.exports.metricNames = ["process_start_time_seconds"];`,
  },
];

function loadAtRunTimePlugin() {
  return {
    name: "load-at-run-time",
    setup(b) {
      loadAtRunTime.forEach(({ filter, file }, i) => b.onResolve({ filter }, (args) =>
        args.namespace === "load-at-run-time" || (file.includes("/") && !args.importer.includes(`/node_modules/${file.split("/")[0]}/`))
          ? undefined : { path: String(i), namespace: "load-at-run-time" }));
      b.onLoad({ filter: /.*/, namespace: "load-at-run-time" }, (args) => ({ loader: "js", contents: loadAtRunTime[Number(args.path)].contents, resolveDir: root }));
    },
  };
}

/** The main script, one script per worker and per lazy chunk, in `dir`; returns those files (asset key -> file) and the merged metafile. */
async function bundle(entry, dir, workerDir, node) {
  const seen = {};
  const main = await esbuild.build({
    ...common, entryPoints: [entry], outfile: join(dir, "app.cjs"),
    // app.cjs.map stays in the work dir (not embedded): maps a --cpu-prof of the executable to sources.
    sourcemap: "external",
    // At build time (startup snapshot) the script runs with require() alone, without `module`.
    banner: { js: `${common.banner.js}\nvar module = typeof module === "undefined" ? { exports: {} } : module;\n${chunkLoader}` }, plugins: [lazyChunksPlugin(seen), lazyBuiltinsPlugin(node), loadAtRunTimePlugin()],
  });
  const inputs = { ...main.metafile.inputs };
  const chunks = {};
  // Worker threads (src/runtime/worker.ts): each *-worker.ts is a script of its own, eval'd.
  for (const file of walk(workerDir).filter((f) => f.endsWith("-worker.ts"))) {
    const name = file.slice(file.lastIndexOf("/") + 1, -3);
    const out = join(dir, `worker-${name}.cjs`);
    const r = await esbuild.build({
      ...common, entryPoints: [file], outfile: out,
      banner: { js: `${common.banner.js}\n${chunkLoader}` }, plugins: [lazyChunksPlugin(seen)],
    });
    Object.assign(inputs, r.metafile.inputs);
    chunks[`workers/${name}.cjs`] = out;
  }
  for (const [name, specifiers] of Object.entries(seen)) {
    const file = join(dir, `chunk-${name}.cjs`);
    // Imported, not required: some packages export their Node entry under the "import" condition only.
    const list = [...specifiers];
    const contents = `${list.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};`).join("\n")}
export const chunk = { ${list.map((s, i) => `${JSON.stringify(s)}: m${i}`).join(", ")} };`;
    const r = await esbuild.build({ ...common, stdin: { contents, resolveDir: root, loader: "js" }, outfile: file });
    Object.assign(inputs, r.metafile.inputs);
    chunks[`chunks/${name}.cjs`] = file;
  }
  return { chunks, metafile: { inputs } };
}

function seaAssets(addon) {
  const assets = {};
  const manifest = { sqliteAddon: hashed("better_sqlite3.node", addon), tfjsWasm: {}, bundled: {}, packageFiles: {} };
  assets[manifest.sqliteAddon] = addon;
  const wasmDir = join(root, "node_modules/@tensorflow/tfjs-backend-wasm/dist");
  for (const name of tfjsWasmFiles) {
    const key = hashed(name, join(wasmDir, name));
    manifest.tfjsWasm[name] = key;
    assets[key] = join(wasmDir, name);
  }
  for (const path of embeddedPackageFiles) {
    manifest.packageFiles[path] = `packages/${path}`;
    assets[`packages/${path}`] = join(root, "node_modules", path);
  }
  for (const file of walk(join(root, "assets"))) {
    const rel = relative(join(root, "assets"), file);
    manifest.bundled[rel] = `assets/${rel}`;
    assets[`assets/${rel}`] = file;
  }
  return { assets, manifest };
}

function copyLibs(libDir) {
  rmSync(libDir, { recursive: true, force: true });
  mkdirSync(libDir, { recursive: true });
  const from = ["/lib/x86_64-linux-gnu", "/lib64", "/usr/lib/x86_64-linux-gnu"];
  for (const name of bundledLibs) {
    const dir = from.find((d) => existsSync(join(d, name)));
    if (!dir) throw new Error(`${name} not found in ${from.join(", ")}`);
    copyFileSync(realpathSync(join(dir, name)), join(libDir, name));
    chmodSync(join(libDir, name), 0o755);
  }
}

/**
 * Builds the executable `exe` (and lib/ beside it) from the TypeScript entry point `entry`, with
 * the *-worker.ts files under `workerDir` as embedded workers. With `snapshot` (the default) the
 * entry must hand its start to v8.startupSnapshot.setDeserializeMainFunction when
 * isBuildingSnapshot(); without it the blob carries the main script's code cache.
 */
export async function buildExecutable({
  entry = join(root, "src/cli/main.ts"), exe = join(distDir, "rb-aioutliers"), work = join(cacheDir, "sea"), workerDir = join(root, "src"),
  snapshot = true,
} = {}) {
  const nodeDir = ensureNode(log);
  const addon = ensureSqliteAddon(log);
  const node = join(nodeDir, "bin", "node");
  mkdirSync(work, { recursive: true });
  log(`bundling ${relative(root, entry)}`);
  const { chunks, metafile } = await bundle(entry, work, workerDir, node);
  writeFileSync(join(work, "meta.json"), JSON.stringify(metafile));

  const { assets, manifest } = seaAssets(addon);
  Object.assign(assets, chunks);
  writeFileSync(join(work, "manifest.json"), JSON.stringify(manifest, null, 2));
  assets["manifest.json"] = join(work, "manifest.json");
  const seaConfig = {
    main: join(work, "app.cjs"), output: join(work, "sea.blob"),
    disableExperimentalSEAWarning: true, useSnapshot: snapshot, useCodeCache: !snapshot, execArgv: NODE_FLAGS, assets,
  };
  writeFileSync(join(work, "sea-config.json"), JSON.stringify(seaConfig, null, 2));
  log(`making the SEA blob with node ${NODE_VERSION} (${Object.keys(assets).length} assets)`);
  quietly(node, ["--experimental-sea-config", join(work, "sea-config.json")], { cwd: work });

  mkdirSync(dirname(exe), { recursive: true });
  const tmpExe = `${exe}.tmp`;
  copyFileSync(node, tmpExe);
  chmodSync(tmpExe, 0o755);
  log("injecting the blob (postject)");
  quietly(join(root, "node_modules/.bin/postject"), [tmpExe, "NODE_SEA_BLOB", join(work, "sea.blob"), "--sentinel-fuse", SEA_FUSE]);
  log(`patching the interpreter and rpath to ${installPrefix}/lib (patchelf)`);
  run("patchelf", ["--set-interpreter", `${installPrefix}/lib/ld-linux-x86-64.so.2`, "--force-rpath", "--set-rpath", `${installPrefix}/lib`, tmpExe]);
  renameSync(tmpExe, exe);
  copyLibs(join(dirname(exe), "lib"));
  log(`${relative(root, exe)} ${(statSync(exe).size / 1e6).toFixed(1)} MB, ${bundledLibs.length} libraries in lib/ beside it`);
  return exe;
}

// --no-snapshot: the main script with its V8 code cache instead (the earlier build, for comparison).
if (process.argv[1] === fileURLToPath(import.meta.url)) await buildExecutable({ snapshot: !process.argv.includes("--no-snapshot") });
