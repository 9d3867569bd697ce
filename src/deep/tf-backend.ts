// The one place that loads TensorFlow.js and picks its backend. tfjs is imported lazily so the
// service starts fast when no deep model is asked for. The wasm backend is single-threaded SIMD
// (threads do not work under Node); its .wasm files come from node_modules when running from
// source (tfjs-backend-wasm/dist), from the executable's extracted assets otherwise.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { tfjsWasmPaths } from "../runtime/wasm-assets";

export type Tf = typeof import("@tensorflow/tfjs");
export type TfBackendName = "wasm" | "cpu";

let tfPromise: Promise<Tf> | undefined;
let wasmReady: Promise<void> | undefined;

function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
}

async function registerWasm(tf: Tf): Promise<void> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // A prefix ending in "/" makes the backend read <dir>/tfjs-backend-wasm{,-simd,-threaded-simd}.wasm.
  wasm.setWasmPaths(tfjsWasmPaths() ?? `${wasmDir()}/`);
  if (!(await tf.setBackend("wasm"))) throw new Error("the TensorFlow.js wasm backend failed to start");
}

/** TensorFlow.js with `backend` active (wasm by default). */
export async function loadTf(backend: TfBackendName = "wasm"): Promise<Tf> {
  tfPromise ??= import("@tensorflow/tfjs").then((tf) => {
    // PROD: no debug checks and no "install tfjs-node" banner on stderr.
    tf.env().set("PROD", true);
    return tf;
  });
  const tf = await tfPromise;
  if (backend === "wasm") {
    wasmReady ??= registerWasm(tf);
    await wasmReady;
  }
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`the TensorFlow.js ${backend} backend failed to start`);
  return tf;
}
