// Default detector speed (issue 12 part 7: >= 500,000 points/s of CPU per series): a fresh pipeline
// fed a 5-minute series point by point through the Pipeline interface (timestamp parsing included),
// timed by the harness (medians of >= 5 runs after a warm-up, CPU time), and the size of its JSON
// state at the end (bounded: fixed-size tables; docs/quality.md). The original pipelines have no
// figure for this detector to set beside it; the target is the issue's.
// Run: npx tsx test/bench/default-detector.bench.ts (or npm run bench default-detector).
import { createPipeline } from "../../src/detect/pipeline-registry";
import { Rng } from "../../src/detect/rng";
import { measure, printTable, rateRow } from "./harness";

const POINTS = 200_000;
const TARGET = 500_000;

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

const { values, stamps } = series(POINTS);
let stateChars = 0;
const t = measure(() => {
  const p = createPipeline({ kind: "default" });
  for (let i = 0; i < POINTS; i++) p.update(values[i]!, stamps[i]!);
  stateChars = JSON.stringify(p.toJSON()).length;
}, { minRunMs: 0, runs: 7 });
const rate = POINTS / (t.medianMs / 1000);
printTable("default detector: points/s on one core (Pipeline.update, timestamps parsed)", [
  rateRow(`default detector, ${POINTS.toLocaleString("en")} points of 5-minute data`, rate, undefined, "points/s"),
]);
console.log(`\ntarget ≥ ${TARGET.toLocaleString("en")} points/s: ${rate >= TARGET ? "met" : "NOT met"}; state after ${POINTS.toLocaleString("en")} points: ${stateChars.toLocaleString("en")} characters of JSON`);
