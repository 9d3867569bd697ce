// Worker thread entry of a training run: fits the model off the service's event loop and reports
// each epoch. Messages to the parent: {type: "epoch", ...EpochReport}, {type: "done", output},
// {type: "error", message}. With a seed, Math.random is replaced by a seeded generator for this
// thread (tfjs draws its shuffles, dropout masks and noise from it), so a run is reproducible.
import { parentPort, workerData } from "node:worker_threads";
import { loadTf } from "../tf-backend";
import { trainAutoencoder, type TrainingInput } from "./train-core";

/** mulberry32: a small, fast, well-mixed 32-bit PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function run(input: TrainingInput & { backend?: "wasm" | "cpu" }) {
  if (input.seed !== undefined) Math.random = mulberry32(input.seed);
  const tf = await loadTf(input.backend ?? "wasm");
  const output = await trainAutoencoder(tf, input, (r) => parentPort!.postMessage({ type: "epoch", ...r }));
  parentPort!.postMessage({ type: "done", output }, output.weights.map((w) => w.buffer as ArrayBuffer));
}

run(workerData).catch((e: unknown) => parentPort!.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) }));
