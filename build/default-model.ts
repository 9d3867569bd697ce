// Reproduces the bundled default deep model `traffic` (assets/models/traffic/): our architecture
// (src/deep/training/traffic-architecture.ts), trained from scratch by our training code on our
// deterministic synthetic traffic (./synthetic-traffic.ts), seeded throughout.
//   npm run model:traffic [-- --out DIR]      (about 3 minutes; default DIR: assets/models)
// Same seed, same tfjs backend and CPU: the same weights.
import { join } from "node:path";
import { trafficAutoencoderConfig } from "../src/deep/training/traffic-architecture";
import { syntheticTraffic } from "./synthetic-traffic";
import { trainInWorker } from "../src/deep/training/training-job";
import { writeModelDir } from "../src/deep/files/model-files";
import type { ModelMetadata } from "../src/deep/files/metadata";
import { TRAFFIC_METRICS } from "../src/druid/query-builder";

export const DEFAULT_MODEL = {
  seed: 20240601,
  /** Training data: one day-long window per day and granularity, as a daily training run fetches. */
  firstDay: Date.parse("2024-03-04T00:00:00Z"), // a Monday
  days: 7,
  granularities: [60, 300, 900],
  epochs: 15,
  batchSize: 32,
  learningRate: 0.005,
  weightDecay: 0.004,
};

export const defaultModelMetadata = (): ModelMetadata => ({
  metrics: [...TRAFFIC_METRICS, "granularity"],
  timestamp: ["minute", ...Array.from({ length: 7 }, (_, d) => `weekday_${d}`)],
  weekdayEncoding: "one-hot", windowSize: 16, numWindows: 2, avgLoss: 0, stdLoss: 0,
});

async function main() {
  const d = DEFAULT_MODEL, meta = defaultModelMetadata();
  const config = trafficAutoencoderConfig({ numMetrics: meta.metrics.length, sliceLength: meta.windowSize * meta.numWindows, units: 24, dropout: 0.15 });
  const series = [];
  for (let day = 0; day < d.days; day++)
    for (const seconds of d.granularities) {
      const start = d.firstDay + day * 86_400_000;
      series.push(syntheticTraffic(d.seed, start, start + 86_400_000, seconds));
    }
  const started = Date.now();
  const out = await trainInWorker({
    config, metadata: meta, series, epochs: d.epochs, batchSize: d.batchSize,
    learningRate: d.learningRate, weightDecay: d.weightDecay, seed: d.seed,
  }, (e) => console.log(`epoch ${e.epoch}/${e.epochs}  loss ${e.loss.toFixed(6)}  ${e.seconds.toFixed(1)} s`));
  const outAt = process.argv.indexOf("--out");
  const dir = outAt > 0 ? process.argv[outAt + 1] : new URL("../assets/models", import.meta.url).pathname;
  writeModelDir(dir, "traffic", { config, weights: out.weights, metadata: { ...meta, avgLoss: out.avgLoss, stdLoss: out.stdLoss } });
  console.log(`wrote ${join(dir, "traffic")}: ${out.slices} slices, avg_loss ${out.avgLoss}, std_loss ${out.stdLoss}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
