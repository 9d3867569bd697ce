// Every streaming pipeline kind, keyed by `kind`. Adding a kind is one entry in
// PipelineOptionsByKind (its options type) and one in `pipelineKinds` (how to create and restore
// it); give it a name in `pipelineNames`, the one list of names the config, the station API and
// the `detect` CLI accept, and the shared contract test (pipeline-contract.test.ts) checks it.
import type { Pipeline, PipelineState } from "./pipeline-types";
import type { WindowPipelineSettings } from "./window-pipeline-options";
import { BatchPipeline } from "./batch-pipeline";
import { SlidingPipeline } from "./sliding-pipeline";
import { DefaultDetectorPipeline, type DefaultDetectorOptions } from "./default-detector/default-pipeline";
import { CadOsePipeline, type CadOseOptions } from "./cad-ose/cad-ose-pipeline";
import { ArtimePipeline, type ArtimeOptions } from "./artime/artime-pipeline";

/** The options of each kind (without the `kind` field). */
export interface PipelineOptionsByKind {
  batch: WindowPipelineSettings;
  sliding: WindowPipelineSettings;
  default: DefaultDetectorOptions;
  "cad-ose": CadOseOptions;
  artime: ArtimeOptions;
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
  "cad-ose": { create: (o) => new CadOsePipeline(o), restore: (s) => CadOsePipeline.restore(s) },
  artime: { create: (o) => new ArtimePipeline(o), restore: (s) => ArtimePipeline.restore(s) },
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
  // sizes itself; a window (> 0) is its learning period
  default: (window) => (window > 0 ? { kind: "default", learningRows: window } : { kind: "default" }),
  batch: (window) => ({ kind: "batch", kalman: false, window }),
  sliding: (window) => ({ kind: "sliding", kalman: false, window }),
  "kalman-batch": (window) => ({ kind: "batch", kalman: true, window }),
  "kalman-sliding": (window) => ({ kind: "sliding", kalman: true, window }),
  // The window, when given (> 0), is the learning period that sets the value range.
  "cad-ose": (window) => ({ kind: "cad-ose", learningRows: window > 0 ? window : undefined }),
  artime: () => ({ kind: "artime" }), // learns its range over its own learning period
} satisfies Record<string, (window: number) => PipelineOptions>;

export type PipelineName = keyof typeof pipelineNames;

/** The keys of pipelineNames, for enums (z.enum) and messages. */
export const pipelineNameList = Object.keys(pipelineNames) as [PipelineName, ...PipelineName[]];

/** Names whose pipeline sizes itself: they need no window (pipelineOptionsFor(name, 0) gives
 * their defaults; `default` and `cad-ose` take a window as their learning period). */
export const selfSizingPipelines: ReadonlySet<string> = new Set(["default", "cad-ose", "artime"]);

export function pipelineOptionsFor(name: string, window: number): PipelineOptions {
  if (!Object.hasOwn(pipelineNames, name)) {
    throw new RangeError(`unknown pipeline '${name}' (known: ${Object.keys(pipelineNames).join(", ")})`);
  }
  return pipelineNames[name as PipelineName](window);
}
