// How often a station's pipelines are snapshotted, and what a live pipeline costs in memory.
//
// Every block appends its samples to the station's journal (one small row; or its history row alone,
// when the history keeps every block since the snapshots: historyHoldsJournal); the pipelines' whole
// states (toJSON) are written only when the journal has grown to about the size of those states, so
// the bytes written per sample stay small whatever the pipeline (the default detector's state is
// hundreds of kB; a window pipeline's a few kB). Bounds: at least MIN_SNAPSHOT_SAMPLES (a tiny state
// is not rewritten every block) and at most MAX_SNAPSHOT_SAMPLES (a restore replays at most that).
import { defaultMaxContexts } from "../detect";

export const MIN_SNAPSHOT_SAMPLES = 256;
export const MAX_SNAPSHOT_SAMPLES = 4096;

/** Whether a station's history rows, kept for its last `historySamples` samples
 * (./station-computer.ts historyRow), hold every block since its snapshots, so those blocks need no
 * journal rows: it holds fewer than MAX_SNAPSHOT_SAMPLES unsnapshotted (a block that reaches its
 * interval snapshots). */
export function historyHoldsJournal(historySamples: number): boolean {
  return historySamples >= MAX_SNAPSHOT_SAMPLES;
}

/** Approximate journal characters per sample: timestamp plus a name and a value per variable. */
export function journalCharsPerSample(variables: number): number {
  return 30 + 24 * variables;
}

/** Samples to journal before the next snapshot, given the snapshot's size in characters. */
export function snapshotInterval(stateChars: number, variables: number): number {
  const even = Math.round(stateChars / journalCharsPerSample(variables));
  return Math.max(MIN_SNAPSHOT_SAMPLES, Math.min(MAX_SNAPSHOT_SAMPLES, even));
}

/** Estimated heap bytes of a live pipeline, for the state cache budget; measured on Node 20 by
 * holding 60 restored pipelines and reading the heap (docs/stations.md). A window pipeline holds its
 * isolation forest (100 trees in typed arrays) and scratch buffers: 73 / 205 / 365 kB for windows
 * 32 / 128 / 256, so about 200 kB plus 500 B per window point over the three. The default detector
 * preallocates its tables: 144 kB fresh, 177 kB after 12,000 points, whatever its JSON says (its
 * zeros are short): 200 kB. ARTime preallocates its network (1024 categories of 32 doubles): 280 kB
 * measured the same way. CAD OSE's context memory grows up to its bound (1,024 to 4,096
 * contexts for the window, then it is cleared): 1.38 MB at 4,000 contexts (30 restored pipelines,
 * JSON 143 kB each), so 350 B per context of the bound. */
export function estimateLiveBytes(kind: string, window: number): number {
  if (kind === "default") return 200_000;
  if (kind === "artime") return 280_000;
  if (kind === "cad-ose") return 350 * defaultMaxContexts(window);
  return 200_000 + 500 * window;
}
