// Shared helpers of the benchmarks (npm run bench): timing with a warm-up and the median of
// several runs, a seeded normal generator, and the table every bench prints:
//   | name | ours | original | ratio |
// where ratio is how many times faster we are than the original Python (> 1 = faster).
// Times are CPU time of this process by default: the build machines are shared (load averages
// of 5-12 on 2 cores are common), and wall time there measures the neighbours. BENCH_CLOCK=wall
// switches to wall-clock time (use it on an idle machine).
import { loadavg } from "node:os";
import { Rng } from "../../src/detect/rng";

export const clock: "cpu" | "wall" = process.env.BENCH_CLOCK === "wall" ? "wall" : "cpu";

/** Milliseconds on the chosen clock. */
function now(): number {
  if (clock === "wall") return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface Timing {
  /** Median time of one operation, in milliseconds (on `clock`). */
  medianMs: number;
  /** Time per operation of each run (ms), sorted. */
  runsMs: number[];
  /** Operations per run. */
  iterations: number;
}

export interface MeasureOptions {
  /** Timed runs (>= 5). */
  runs?: number;
  /** Untimed runs first, so the JIT has compiled the hot paths. */
  warmupRuns?: number;
  /** Repeat a fast operation until one run takes at least this long (ms). */
  minRunMs?: number;
}

/** Times `op`: warm-up, then `runs` runs of enough iterations each; returns per-op medians. */
export function measure(op: () => void, opts: MeasureOptions = {}): Timing {
  const runs = Math.max(5, opts.runs ?? 7);
  const minRunMs = opts.minRunMs ?? 50;
  // Calibrate: how many iterations make a run last minRunMs (this also warms up).
  let iterations = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < iterations; i++) op();
    const ms = performance.now() - t;
    if (ms >= minRunMs || iterations >= 1 << 24) break;
    iterations = Math.min(1 << 24, Math.max(iterations * 2, Math.ceil((iterations * minRunMs) / Math.max(ms, 0.01))));
  }
  for (let w = 0; w < (opts.warmupRuns ?? 1); w++) for (let i = 0; i < iterations; i++) op();
  const runsMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = now();
    for (let i = 0; i < iterations; i++) op();
    runsMs.push((now() - t) / iterations);
  }
  runsMs.sort((a, b) => a - b);
  return { medianMs: runsMs[Math.floor(runs / 2)], runsMs, iterations };
}

/** Seeded N(mean, sd) values (Box-Muller on our xoshiro128**). */
export function seededNormals(n: number, seed: number, mean = 0, sd = 1): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng.nextFloat(); // (0, 1]
    const v = rng.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = mean + sd * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = mean + sd * r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export interface BenchRow {
  name: string;
  ours: string;
  original: string;
  /** ours vs original, > 1 = we are faster; undefined when the original has no figure. */
  ratio: number | undefined;
}

function fmt(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString("en");
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** A row for an operation's time: ratio = original / ours. */
export function timeRow(name: string, oursMs: number, originalMs: number | undefined): BenchRow {
  return {
    name,
    ours: `${fmt(oursMs)} ms`,
    original: originalMs === undefined ? "—" : `${fmt(originalMs)} ms`,
    ratio: originalMs === undefined ? undefined : originalMs / oursMs,
  };
}

/** A row for a throughput: ratio = ours / original. */
export function rateRow(name: string, ours: number, original: number | undefined, unit: string): BenchRow {
  return {
    name,
    ours: `${fmt(ours)} ${unit}`,
    original: original === undefined ? "—" : `${fmt(original)} ${unit}`,
    ratio: original === undefined ? undefined : ours / original,
  };
}

/** Prints a markdown table `name | ours | original | ratio`; with a target ratio, rows below it
 * are marked. Returns the rows that missed the target. `clockNote` replaces the default note on
 * what was timed, for tables whose rows say so themselves (HTTP wall clock, service CPU). */
export function printTable(title: string, rows: BenchRow[], targetRatio?: number, clockNote?: string): BenchRow[] {
  const load = loadavg().map((l) => l.toFixed(1)).join(", ");
  console.log(`\n## ${title}`);
  const timed = clockNote ?? `${clock === "cpu" ? "CPU time of this process" : "wall-clock time"}; medians of >= 5 runs after a warm-up`;
  console.log(`(${timed}; load average ${load})`);
  console.log("| name | ours | original | ratio |");
  console.log("|---|---:|---:|---:|");
  const missed: BenchRow[] = [];
  for (const r of rows) {
    let ratio = r.ratio === undefined ? "—" : `${fmt(r.ratio)}×`;
    if (targetRatio !== undefined && r.ratio !== undefined && r.ratio < targetRatio) {
      ratio += ` (below ${targetRatio}×)`;
      missed.push(r);
    }
    console.log(`| ${r.name} | ${r.ours} | ${r.original} | ${ratio} |`);
  }
  return missed;
}
