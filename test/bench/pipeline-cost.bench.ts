// What one sample costs each station pipeline once its window is full, by window length: the
// weights of the /detection cost limit (src/stations/block-cost.ts, issue 17 part 1). Prints the
// CPU time per sample at windows 8, 64, 256, 1024 and 4096.
// Run: npm run bench -- pipeline-cost (about a minute of CPU).
import { createPipeline, pipelineNameList, pipelineOptionsFor } from "../../src/detect";
import { seededNormals } from "./harness";

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

const WINDOWS = [8, 64, 256, 1024, 4096] as const;

/** µs per sample of `name` at `window`, the window full: fed a window and 100 samples first, then
 * timed over a window of samples, at least 500 (a batch pipeline retrains in it), or 100 for the others;
 * the median of 3 runs, 1 at the largest window (a sliding pipeline takes ms per sample there). */
function perSampleUs(name: string, window: number): number {
  const fill = window + 100, timed = name.includes("batch") ? Math.max(window, 500) : 100;
  const noise = seededNormals(fill + timed, 7, 0, 0.1);
  const values = Array.from(noise, (e, t) => Math.sin((2 * Math.PI * t) / 500) + e);
  const stamps = values.map((_, t) => new Date(Date.UTC(2024, 0, 1) + t * 60_000).toISOString());
  const runs: number[] = [];
  for (let r = 0; r < (window === WINDOWS[WINDOWS.length - 1] ? 1 : 3); r++) {
    const p = createPipeline(pipelineOptionsFor(name, window));
    for (let i = 0; i < fill; i++) p.update(values[i]!, stamps[i]!);
    const t = cpuMs();
    for (let i = fill; i < fill + timed; i++) p.update(values[i]!, stamps[i]!);
    runs.push(cpuMs() - t);
  }
  const medianMs = runs.sort((x, y) => x - y)[Math.floor(runs.length / 2)]!;
  return (medianMs * 1000) / timed;
}

console.log(`| pipeline | ${WINDOWS.map((w) => `µs/sample at ${w}`).join(" | ")} |`);
console.log(`|---|${WINDOWS.map(() => "---").join("|")}|`);
for (const name of pipelineNameList) console.log(`| ${name} | ${WINDOWS.map((w) => perSampleUs(name, w).toFixed(1)).join(" | ")} |`);
