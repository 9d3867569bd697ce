// Worker thread of the sea-probe (./main.ts): TensorFlow.js on the wasm backend off the main thread.
import { parentPort } from "node:worker_threads";
import { tfjsWasmPaths } from "../../../src/runtime/wasm-assets";

async function run() {
  const tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const paths = tfjsWasmPaths();
  if (!paths) throw new Error("tfjsWasmPaths() is undefined in the worker");
  wasm.setWasmPaths(paths);
  if (!(await tf.setBackend("wasm"))) throw new Error("wasm backend did not start in the worker");
  return { backend: tf.getBackend(), values: Array.from(tf.tensor([1, 2]).add(tf.scalar(1)).dataSync()) };
}

run().then((r) => parentPort!.postMessage(r), (e: unknown) => parentPort!.postMessage({ error: String(e) }));
