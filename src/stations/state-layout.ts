// How a pipeline's toJSON() is laid out in SQLite, and what a live pipeline costs in memory.
//
// The four original pipelines keep their trained part under `model` (reference window, its Kalman
// twin, the forest's seed: src/detect/reference-model.ts). It changes only when the pipeline
// trains, which the pipeline reports (Decision.retrained), so it is written only then; the rest
// (window buffers, Kalman state, timestamps) is written with every block. Kinds without a `model`
// key (the `default` detector) are written whole with every block.
import type { PipelineState } from "../detect";

export interface SplitState {
  /** JSON of the trained part, or null for a kind that has none. */
  model: string | null;
  /** JSON of everything else. */
  stream: string;
}

function hasModel(state: PipelineState): state is PipelineState & { model: object } {
  return typeof (state as { model?: unknown }).model === "object" && (state as { model?: unknown }).model !== null;
}

export function splitState(state: PipelineState): SplitState {
  return { model: hasModel(state) ? JSON.stringify(state.model) : null, stream: streamPart(state) };
}

/** Only the stream part (the hot path, when the trained part did not change). */
export function streamPart(state: PipelineState): string {
  if (!hasModel(state)) return JSON.stringify(state);
  const { model: _model, ...stream } = state;
  return JSON.stringify(stream);
}

export function joinState(model: string | null, stream: string): PipelineState {
  const s = JSON.parse(stream) as PipelineState;
  if (model !== null) (s as PipelineState & { model: unknown }).model = JSON.parse(model);
  return s;
}

/** Estimated heap bytes of a live pipeline, for the state cache budget. Measured on Node 20
 * (docs/stations.md): a trained window pipeline holds its isolation forest (100 trees, typed
 * arrays) and scratch buffers, about 200 kB plus 500 B per window point; the default detector about
 * 4 bytes per character of its state JSON. */
export function estimateLiveBytes(window: number, hasModel: boolean, stateChars: number): number {
  return hasModel ? 200_000 + 500 * window : 4 * stateChars;
}
