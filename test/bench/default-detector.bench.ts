// Default detector speed (issue 7 part 3: >= 100,000 points/s on one core): one pipeline fed a
// 5-minute series point by point through the Pipeline interface (timestamp parsing included),
// median of 7 runs after a warm-up. The original pipelines have no streaming-speed figure to set
// beside it; the target is the issue's.
// Run: npx tsx test/bench/default-detector.bench.ts (or npm run bench).
import { createPipeline } from "../../src/detect/pipeline-registry";
import { Rng } from "../../src/detect/rng";

const POINTS = 200_000;
const RUNS = 7;
const TARGET = 100_000;

function series(n: number): { values: number[]; stamps: string[] } {
  const rng = new Rng(1);
  const start = Date.UTC(2024, 0, 1);
  const values: number[] = [];
  const stamps: string[] = [];
  for (let i = 0; i < n; i++) {
    const noise = rng.nextFloat() + rng.nextFloat() + rng.nextFloat() - 1.5;
    values.push(50 + 10 * Math.sin((2 * Math.PI * i) / 288) + 2 * noise + (i % 5000 === 4999 ? 40 : 0));
    stamps.push(new Date(start + 300_000 * i).toISOString().replace("T", " ").slice(0, 19));
  }
  return { values, stamps };
}

function pointsPerSecond(values: number[], stamps: string[]): number {
  const p = createPipeline({ kind: "default" });
  const t = performance.now();
  for (let i = 0; i < values.length; i++) p.update(values[i]!, stamps[i]!);
  return values.length / ((performance.now() - t) / 1000);
}

export function defaultDetectorBench(): void {
  const { values, stamps } = series(POINTS);
  pointsPerSecond(values.slice(0, 20_000), stamps.slice(0, 20_000)); // warm-up
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) rates.push(pointsPerSecond(values, stamps));
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(RUNS / 2)]!;
  console.log("\n## default detector: points/s on one core (Pipeline.update, timestamps parsed)");
  console.log("| points per run | runs | median points/s | slowest run | target |");
  console.log("|---:|---:|---:|---:|---:|");
  console.log(`| ${POINTS.toLocaleString("en")} | ${RUNS} | ${Math.round(median).toLocaleString("en")} | ${Math.round(rates[0]!).toLocaleString("en")} | ${median >= TARGET ? "met" : "NOT met"} (≥ 100,000) |`);
}

defaultDetectorBench();
