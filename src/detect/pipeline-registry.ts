// Every streaming pipeline kind, keyed by `kind`. Adding a kind is one entry in
// PipelineOptionsByKind (its options type) and one in `pipelineKinds` (how to create and restore
// it); give it a name in `pipelineNames`, the one list of names the config, the station API and
// the `detect` CLI accept, and the shared contract test (pipeline-contract.test.ts) checks it.
import type { Pipeline, PipelineState } from "./pipeline-types";
import type { WindowPipelineSettings } from "./window-pipeline-options";
import { BatchPipeline } from "./batch-pipeline";
import { SlidingPipeline } from "./sliding-pipeline";
import { DefaultDetectorPipeline, type DefaultDetectorOptions } from "./default-detector/default-pipeline";

/** The options of each kind (without the `kind` field). */
export interface PipelineOptionsByKind {
  batch: WindowPipelineSettings;
  sliding: WindowPipelineSettings;
  default: DefaultDetectorOptions;
}

export type PipelineKind = keyof PipelineOptionsByKind;

/** createPipeline's argument: `{ kind, ...that kind's options }`. */
export type PipelineOptions = { [K in PipelineKind]: { kind: K } & PipelineOptionsByKind[K] }[PipelineKind];

export interface PipelineFactory<O> {
  create(options: O): Pipeline;
  restore(state: PipelineState): Pipeline;
}

const pipelineKinds: { [K in PipelineKind]: PipelineFactory<PipelineOptionsByKind[K]> } = {
  batch: { create: (o) => new BatchPipeline(o), restore: (s) => BatchPipeline.restore(s) },
  sliding: { create: (o) => new SlidingPipeline(o), restore: (s) => SlidingPipeline.restore(s) },
  default: { create: (o) => new DefaultDetectorPipeline(o), restore: (s) => DefaultDetectorPipeline.restore(s) },
};

function factory(kind: string): PipelineFactory<PipelineOptionsByKind[PipelineKind]> {
  if (!Object.hasOwn(pipelineKinds, kind)) {
    throw new RangeError(`unknown pipeline kind '${kind}' (known: ${Object.keys(pipelineKinds).join(", ")})`);
  }
  return pipelineKinds[kind as PipelineKind];
}

export function createPipeline(options: PipelineOptions): Pipeline {
  return factory(options.kind).create(options);
}

/** Restores a pipeline from its toJSON() (after any JSON round trip). */
export function restorePipeline(state: PipelineState): Pipeline {
  return factory(state?.kind).restore(state);
}

export const pipelineKindNames: readonly PipelineKind[] = Object.keys(pipelineKinds) as PipelineKind[];

/** The names stations, config and the CLI use, each mapped to its options for a window length
 * (in the order messages list them). */
export const pipelineNames = {
  default: () => ({ kind: "default" }), // sizes itself: the window is not used
  batch: (window) => ({ kind: "batch", kalman: false, window }),
  sliding: (window) => ({ kind: "sliding", kalman: false, window }),
  "kalman-batch": (window) => ({ kind: "batch", kalman: true, window }),
  "kalman-sliding": (window) => ({ kind: "sliding", kalman: true, window }),
} satisfies Record<string, (window: number) => PipelineOptions>;

export type PipelineName = keyof typeof pipelineNames;

/** The keys of pipelineNames, for enums (z.enum) and messages. */
export const pipelineNameList = Object.keys(pipelineNames) as [PipelineName, ...PipelineName[]];

/** Names whose pipeline sizes itself: they need no window (pipelineOptionsFor ignores it). */
export const selfSizingPipelines: ReadonlySet<string> = new Set(["default"]);

export function pipelineOptionsFor(name: string, window: number): PipelineOptions {
  if (!Object.hasOwn(pipelineNames, name)) {
    throw new RangeError(`unknown pipeline '${name}' (known: ${Object.keys(pipelineNames).join(", ")})`);
  }
  return pipelineNames[name as PipelineName](window);
}
