// Deep model bench (issue 5 part 6): predict latency for one day of 1-minute data (1,440 rows,
// 89 slices) and for one slice, on the forward pass the service uses (src/deep/inference/fast-forward.ts
// with the WebAssembly SIMD kernels of src/deep/inference/wasm-kernels.ts), tfjs-wasm and tfjs-cpu; the
// whole request path (features, slices, forward, errors, forecasts) for a day; and training seconds per epoch on 700 slices (tfjs-wasm,
// as the training worker runs it). Model: the original's traffic.keras, imported.
// Targets (issue 5): <= 15 ms per day, <= 1 ms per slice. The original has no comparable figure
// (Keras on TensorFlow, not measured here); the prototype measured 45-80 ms per day on tfjs-wasm,
// 560-820 ms on tfjs-cpu and 3-4 s per epoch.
// Run: npm run bench deep (CPU time by default, see harness.ts; BENCH_CLOCK=wall on an idle box).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "../support/fixtures";
import { importKeras } from "../../src/deep/files/keras-io";
import { loadFastModel, loadTfModel } from "../../src/deep/inference/runtime-model";
import { detectAnomalies, type SliceBatch } from "../../src/deep/inference/detect";
import { buildFeatures } from "../../src/deep/features";
import { rescale, sliceStarts } from "../../src/deep/preprocess";
import { syntheticTraffic } from "../../build/synthetic-traffic";
import { trainAutoencoder, trainingSlices } from "../../src/deep/training/train-core";
import { loadTf } from "../../src/deep/tf-backend";
import { measure, printTable, timeRow, type BenchRow } from "./harness";

const files = await importKeras({ kerasFile: fixturePath("upstream/traffic.keras"), name: "orig", modelsDir: mkdtempSync(join(tmpdir(), "rbao-bench-")) });
const meta = files.metadata;
const day0 = Date.parse("2024-05-20T00:00:00Z");
const dayRows = syntheticTraffic(1, day0, day0 + 86_400_000, 60);
const dayMatrix = rescale(buildFeatures(dayRows, meta), meta.metrics.length);
const dayBatch: SliceBatch = { rows: dayMatrix, starts: sliceStarts(1440, meta.windowSize, meta.numWindows), length: 32 };
const sliceBatch: SliceBatch = { rows: dayMatrix, starts: [0], length: 32 };
if (dayBatch.starts.length !== 89) throw new Error("a day should be 89 slices");

const engines = [
  { name: "our kernels, wasm SIMD", model: loadFastModel(files) },
  { name: "tfjs-wasm", model: await loadTfModel(files, "wasm") },
  { name: "tfjs-cpu", model: await loadTfModel(files, "cpu") },
];
const rows: BenchRow[] = [];
for (const e of engines) {
  if (e.name === "tfjs-cpu") await loadTf("cpu"); else if (e.name === "tfjs-wasm") await loadTf("wasm");
  rows.push(timeRow(`predict 1 day, 89 slices (${e.name}; target <= 15 ms)`, measure(() => { e.model.reconstruct(dayBatch); }, { minRunMs: 200 }).medianMs, undefined));
  rows.push(timeRow(`predict 1 slice (${e.name}; target <= 1 ms)`, measure(() => { e.model.reconstruct(sliceBatch); }).medianMs, undefined));
}
const fast = engines[0].model;
let pending: Promise<unknown> = Promise.resolve();
const full = measure(() => { pending = detectAnomalies("orig", dayRows, "bytes", meta, 5, fast.reconstruct); }, { minRunMs: 200 });
await pending;
rows.push(timeRow("whole detection of 1 day (features → forecasts, our kernels)", full.medianMs, undefined));

// Training: 700 slices of synthetic 1-minute traffic (8 days), one epoch per run, tfjs-wasm.
const tf = await loadTf("wasm");
const series = Array.from({ length: 8 }, (_, d) => syntheticTraffic(1, day0 + d * 86_400_000, day0 + (d + 1) * 86_400_000, 60));
const slices = trainingSlices(series, meta).count;
const epochSeconds: number[] = [];
await trainAutoencoder(tf, {
  config: files.config, weights: files.weights, metadata: meta, series, epochs: 6, batchSize: 32, learningRate: 1e-4, weightDecay: 0.004,
}, (r) => epochSeconds.push(r.seconds));
const timed = epochSeconds.slice(1).sort((a, b) => a - b); // the first epoch warms up
rows.push(timeRow(`train 1 epoch, ${slices} slices, batch 32 (tfjs-wasm, wall)`, 1000 * timed[Math.floor(timed.length / 2)], undefined));
printTable("Deep model (LSTM autoencoder): predict and train", rows);
