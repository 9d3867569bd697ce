// Where tfjs-backend-wasm finds its binaries. Call before the first tf.setBackend("wasm"):
//   const paths = tfjsWasmPaths(); if (paths) setWasmPaths(paths);
// From source it returns undefined and the package finds its files in node_modules itself; in the
// executable the three embedded .wasm files are extracted to the cache dir and all three are named
// (tfjs picks plain, SIMD or threaded-SIMD at run time).
import { embeddedManifest, extractEmbedded } from "./embedded-assets";

export function tfjsWasmPaths(): Record<string, string> | undefined {
  const manifest = embeddedManifest();
  if (!manifest) return undefined;
  return Object.fromEntries(Object.entries(manifest.tfjsWasm).map(([name, key]) => [name, extractEmbedded(key)]));
}
