// What a /detection block will cost before it is applied (issue 17 part 1): the CPU time its
// samples take in their variables' pipelines, estimated from each pipeline's measured cost per
// sample once its window is full, by window length. A block over [Stations] max_block_cpu_ms is
// refused whole (413) with its estimate and how to split it, before anything is applied.
import type { PipelineName } from "../detect/pipeline-registry";
import type { Sample } from "./requests";

/** Windows of the measured points. */
const WINDOWS = [8, 64, 256, 1024, 4096] as const;

/** µs of CPU per sample at each of WINDOWS, the window full: the highest of two runs of
 * `npm run bench -- pipeline-cost` (test/bench/pipeline-cost.bench.ts, a loaded 2-core machine,
 * December 2026), rounded up. A sliding pipeline refits on its window at every sample and grows
 * with it; the batch ones retrain once a window; the others size themselves. Between two windows
 * the cost is interpolated linearly. */
const US_PER_SAMPLE: Record<PipelineName, readonly number[]> = {
  default: [65, 65, 65, 65, 65],
  batch: [50, 20, 15, 15, 25],
  sliding: [150, 400, 600, 2800, 6500],
  "kalman-batch": [30, 25, 10, 10, 10],
  "kalman-sliding": [80, 370, 850, 1700, 8200],
  "cad-ose": [300, 200, 200, 200, 200],
  artime: [160, 80, 80, 80, 80],
};

/** Estimated µs of CPU for one sample of a variable of `pipeline` with `window`. */
export function sampleCostUs(pipeline: string, window: number): number {
  const costs = US_PER_SAMPLE[pipeline as PipelineName] ?? US_PER_SAMPLE.sliding;
  if (window <= WINDOWS[0]) return costs[0]!;
  for (let i = 1; i < WINDOWS.length; i++) {
    if (window > WINDOWS[i]!) continue;
    const f = (window - WINDOWS[i - 1]!) / (WINDOWS[i]! - WINDOWS[i - 1]!);
    return costs[i - 1]! + f * (costs[i]! - costs[i - 1]!);
  }
  return costs[WINDOWS.length - 1]!;
}

/** How many samples of each variable a block holds (a block may hold 100,000 samples of 256
 * variables: the loop is a function of its own, nothing after it, for V8's OSR; docs/traffic.md). */
export function samplesByVariable(mostres: readonly Sample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sample of mostres) for (const [name] of sample.values) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

export interface CostedVariable { pipelineName: string; window: number }

/** A block's estimated CPU ms: for each variable, its samples in the block × its per-sample cost. */
export function blockCostMs(samplesByVariable: ReadonlyMap<string, number>, variables: ReadonlyMap<string, CostedVariable>): number {
  let us = 0;
  for (const [name, n] of samplesByVariable) {
    const v = variables.get(name);
    if (v) us += n * sampleCostUs(v.pipelineName, v.window);
  }
  return us / 1000;
}

/** Loading a station costs at most replaying its journal: `journalSamples` samples, each of every
 * variable at most (the restore of its snapshots is small beside it: docs/stations.md § Snapshot
 * cost (default detector state version 2)). */
export function loadCostMs(journalSamples: number, variables: ReadonlyMap<string, CostedVariable>): number {
  let us = 0;
  for (const v of variables.values()) us += sampleCostUs(v.pipelineName, v.window);
  return (journalSamples * us) / 1000;
}

/** Why a block over the limit is refused, and how to split it. */
export function overLimitMessage(costMs: number, samples: number, variables: number, limitMs: number): string {
  const est = `this block of ${samples} samples of ${variables} variables would take about ${Math.round(costMs)} ms of CPU (estimated from its variables' pipelines and windows), more than [Stations] max_block_cpu_ms = ${limitMs}`;
  const fit = Math.floor((samples * limitMs) / costMs);
  if (fit >= 1) return `${est}; send it as blocks of at most ${fit} samples`;
  return `${est} even for one sample; initialize the station with fewer variables, shorter windows or a cheaper pipeline (docs/stations.md lists their costs), or raise the limit`;
}
