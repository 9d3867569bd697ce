// The CPU half of the stations (issue 17 part 1): each station's live pipelines, and what a
// /detection block makes of them — the variables' counters, the outliers found, the history rows,
// the drift and retrain events and, when due, fresh snapshots (the block's journal row is the
// registry's: ./block-hash.ts). No I/O: the rows
// a station is loaded from come in with its first block, and what the block produced goes back to
// the caller, which commits it in one SQLite transaction (./station-registry.ts). It runs in a
// detection thread (./detection-worker.ts), or on the calling thread when no pool is given.
//
// The caller checked the block against the station (its variables, its cost). A block either
// returns its work, or fails and the station is dropped, so the next block reloads what was
// committed.
import { createPipeline, pipelineNames, pipelineOptionsFor, restorePipeline, type Pipeline } from "../detect";
import { epochMs, isoTimeMs } from "../detect/iso-time";
import { driftTestBefore, probeDue } from "./drift-probe";
import { snapshotInterval } from "./state-layout";
import type { Sample } from "./requests";
import { packBlock, type PackedBlock } from "./history-chunks";
import type { EventRow, VariableChunk } from "./station-records";
import type { VariableRow } from "./store";

interface LiveVariable {
  name: string;
  window: number;
  pipelineName: string;
  pipeline: Pipeline;
  samplesSeen: number;
  retrains: number;
  lastDecision: string | null;
  lastDriftTest: string | null;
  /** Its history's key (./station-records.ts), once it has one. */
  historyKey: number | undefined;
}

export interface LiveStation {
  id: string;
  variables: Map<string, LiveVariable>;
  /** Samples journaled since the snapshots, and how many to journal before the next ones. */
  journalSamples: number;
  snapshotEvery: number;
  /** Its samples with history so far: the `upto` of its last history row (./station-records.ts). */
  historyUpto: number;
  /** Variables found re-learning at the load, until a block's work carries them to the store. */
  relearning: Relearning[];
}

/** What a station is loaded from: its committed rows (./store.ts). */
export interface StationLoad {
  journalSamples: number;
  variables: VariableRow[];
  /** Each journal row's samples (JSON, ./store.ts JournalRow), oldest first. */
  journal: string[];
  historyKeys: Array<[variable: string, key: number]>;
  historyUpto: number;
}

export interface BlockTask {
  id: string;
  mostres: Sample[];
  /** The station's rows, when the computer does not hold it (the caller's cache says so). */
  load?: StationLoad;
  /** Samples of history kept per station; 0: none is made. */
  historySamples: number;
  /** Snapshot every variable whatever the journal holds (/initialize keeps variables so). */
  snapshot?: boolean;
}

/** A variable whose stored state could not be restored: it learns anew from the snapshot's sample. */
export interface Relearning {
  name: string;
  fromSample: number;
  reason: string;
  /** The pipeline name it re-learns under, when the stored one is unknown to this release. */
  newKind?: string;
}

export interface FoundOutlier { timestamp: string; time_ms: number; score: number }

export type NewEvent = Omit<EventRow, "id" | "recorded_ms">;

/** A variable's history chunk, keyed by name; `key` is missing until the variable has one. */
export type NamedChunk = Omit<VariableChunk, "key"> & { variable: string; key?: number };

export interface BlockWork {
  samples: number;
  retrains: number;
  outlierCount: number;
  counters: Array<{ name: string; samples_seen: number; retrains: number; last_decision: string | null; last_drift_test: string | null }>;
  found: Array<[variable: string, outliers: FoundOutlier[]]>;
  events: NewEvent[];
  /** The block's history row, when history is kept; `trimTo`: drop the station's rows up to it.
   * Packed here when every variable has its key (a Buffer crosses the thread boundary for ~15 µs
   * where the rows as objects took ~140); the first block of a variable without one comes as
   * chunks, packed by the committer once it has taken the key. */
  history?: { upto: number; trimTo?: number; maxMs: number } & ({ packed: PackedBlock } | { timestamps: string[]; chunks: NamedChunk[] });
  /** Variables re-learning since this load; a snapshot comes with them. */
  relearning: Relearning[];
  /** Every variable's whole state, when a snapshot is due: written, then the journal emptied. */
  snapshot?: Array<[variable: string, state: string]>;
}

/** A station's variables as /initialize just created and committed them: fresh pipelines (no
 * samples, no history key), each with the length of its stored state's JSON. */
export interface FreshStation {
  variables: Array<{ name: string; window: number; pipelineName: string; pipeline: Pipeline; stateChars: number }>;
  historyUpto: number;
}

/** Why a block failed, as it crosses the thread boundary. */
export interface BlockFailure { message: string; stack?: string }

/** History rows are trimmed to the bound once per this many samples of a variable, not per block. */
const TRIM_EVERY = 256;

export class StationComputer {
  readonly stations = new Map<string, LiveStation>();

  constructor(private readonly defaultPipeline: string) {}

  /** Applies a block to the station's pipelines (loading it first when `task.load` is given). */
  compute(task: BlockTask): BlockWork {
    if (task.load) this.load(task.id, task.load);
    const live = this.stations.get(task.id);
    if (!live) throw new Error(`station ${JSON.stringify(task.id)} is not loaded in this detection thread`);
    try {
      return this.apply(live, task);
    } catch (e) {
      this.stations.delete(task.id);
      throw e;
    }
  }

  /** Holds a station whose committed state is `fresh` (every variable new, the journal empty), as
   * loading it from those rows would: its first block then restores nothing (a restore of three
   * `default` pipelines parses and decodes ~0.5-1.5 ms of state JSON on the thread that loads). */
  adopt(id: string, fresh: FreshStation): void {
    const variables = new Map<string, LiveVariable>();
    let chars = 0;
    for (const v of fresh.variables) {
      variables.set(v.name, { name: v.name, window: v.window, pipelineName: v.pipelineName, pipeline: v.pipeline, samplesSeen: 0, retrains: 0, lastDecision: null, lastDriftTest: null, historyKey: undefined });
      chars += v.stateChars;
    }
    this.stations.set(id, { id, variables, journalSamples: 0, snapshotEvery: snapshotInterval(chars, variables.size), historyUpto: fresh.historyUpto, relearning: [] });
  }

  /** Forgets a station (evicted, re-initialized, deleted, or its commit failed). */
  drop(id: string): void { this.stations.delete(id); }

  /** History keys the committer gave variables that had none. */
  setHistoryKeys(id: string, keys: ReadonlyArray<[string, number]>): void {
    const live = this.stations.get(id);
    if (live) for (const [name, key] of keys) { const v = live.variables.get(name); if (v) v.historyKey = key; }
  }

  private apply(live: LiveStation, task: BlockTask): BlockWork {
    const relearning = live.relearning;
    live.relearning = [];
    const work: BlockWork = { samples: 0, retrains: 0, outlierCount: 0, counters: [], found: [], events: [], relearning };
    const found = new Map<string, FoundOutlier[]>();
    const history = new Map<LiveVariable, Omit<VariableChunk, "key">>();
    const touched = new Set<LiveVariable>();
    const decided: Accumulators["decided"] = new Map();
    runSamples(live, task.mostres, { work, found, history, touched, decided });
    for (const [v, last] of decided) v.lastDecision = JSON.stringify(last);
    for (const v of touched) work.counters.push({ name: v.name, samples_seen: v.samplesSeen, retrains: v.retrains, last_decision: v.lastDecision, last_drift_test: v.lastDriftTest });
    work.found = [...found];
    if (task.historySamples > 0) work.history = historyRow(live, task, history);
    live.journalSamples += task.mostres.length;
    if (task.snapshot || relearning.length || live.journalSamples >= live.snapshotEvery) work.snapshot = snapshot(live);
    return work;
  }

  /** The station from its snapshots plus its journal replayed (pipelines are deterministic). */
  private load(id: string, load: StationLoad): void {
    this.stations.delete(id);
    const variables = new Map<string, LiveVariable>();
    const replayed = new Map<string, number>();
    const relearning: Relearning[] = [];
    const keys = new Map(load.historyKeys);
    let chars = 0;
    for (const row of load.variables) {
      const pipeline = restoreOrRelearn(row, this.defaultPipeline, relearning);
      variables.set(row.name, {
        name: row.name, window: row.window, pipelineName: relearning.find((r) => r.name === row.name)?.newKind ?? row.kind, pipeline,
        samplesSeen: row.samples_seen, retrains: row.retrains, lastDecision: row.last_decision, lastDriftTest: row.last_drift_test,
        historyKey: keys.get(row.name),
      });
      replayed.set(row.name, row.samples_seen - row.state_samples);
      chars += row.state.length;
    }
    for (const samples of load.journal) replayJournalRow(variables, replayed, samples);
    for (const [name, left] of replayed)
      if (left !== 0) throw new Error(`station ${JSON.stringify(id)} variable ${JSON.stringify(name)}: journal and snapshot disagree by ${left} samples`);
    this.stations.set(id, { id, variables, journalSamples: load.journalSamples, snapshotEvery: snapshotInterval(chars, variables.size), historyUpto: load.historyUpto, relearning });
  }
}

function replayJournalRow(variables: Map<string, LiveVariable>, replayed: Map<string, number>, samples: string): void {
  for (const [timestamp, values] of JSON.parse(samples) as Array<[string, Array<[string, number]>]>) {
    for (const [name, value] of values) {
      variables.get(name)!.pipeline.update(value, timestamp);
      replayed.set(name, replayed.get(name)! - 1);
    }
  }
}

interface Accumulators {
  work: BlockWork;
  found: Map<string, FoundOutlier[]>;
  history: Map<LiveVariable, Omit<VariableChunk, "key">>;
  touched: Set<LiveVariable>;
  /** Each variable's last decision in the block, turned into text once after the loop. */
  decided: Map<LiveVariable, { timestamp: string; retrained: boolean; sample: number }>;
}

/** The block's samples through their pipelines, in order (the hot loop: nothing after it). A
 * decision's outlier carries the timestamp the pipeline gives it (the decided sample's own). */
function runSamples(live: LiveStation, mostres: readonly Sample[], acc: Accumulators): void {
  const { work, found, history, touched, decided } = acc;
  for (let i = 0; i < mostres.length; i++) {
    const sample = mostres[i]!;
    // epochMs, as the default pipeline reads it: it remembers this text, so the variables' reads are free
    const t = epochMs(sample.timestamp), timeMs = Number.isNaN(t) ? 0 : t;
    for (const [name, value] of sample.values) {
      const v = live.variables.get(name)!;
      const probe = probeDue(v.window, v.samplesSeen) ? driftTestBefore(v.pipeline, value) : undefined;
      const d = v.pipeline.update(value, sample.timestamp);
      if (probe) {
        v.lastDriftTest = JSON.stringify({ timestamp: sample.timestamp, ...probe });
        work.events.push({ kind: "drift", variable: name, timestamp: sample.timestamp, time_ms: timeMs, detail: JSON.stringify({ sample: v.samplesSeen + 1, ...probe }) });
      }
      v.samplesSeen++;
      work.samples++;
      touched.add(v);
      let h = history.get(v);
      if (!h) history.set(v, (h = { rows: [], positions: [], late: [] }));
      h.rows.push({ seq: v.samplesSeen, timestamp: sample.timestamp, time_ms: timeMs, value, score: null, label: null });
      h.positions.push(i);
      if (!d) continue;
      if (d.retrained) {
        v.retrains++; work.retrains++;
        work.events.push({ kind: "retrain", variable: name, timestamp: sample.timestamp, time_ms: timeMs, detail: JSON.stringify({ sample: v.samplesSeen, retrains: v.retrains }) });
      }
      decided.set(v, { timestamp: sample.timestamp, retrained: d.retrained, sample: v.samplesSeen });
      // A decision covers the variable's last d.labels.length samples (the Decision contract).
      const firstSeq = v.samplesSeen - d.labels.length + 1, blockSeq = h.rows[0]!.seq;
      for (let k = 0; k < d.labels.length; k++) {
        const seq = firstSeq + k, score = d.scores[k]!, label = d.labels[k]!;
        if (seq >= blockSeq) {
          const row = h.rows[seq - blockSeq]!;
          row.score = score;
          row.label = label;
        } else h.late.push({ seq, score, label });
        if (label !== 1) continue;
        let list = found.get(name);
        if (!list) found.set(name, (list = []));
        list.push({ timestamp: d.timestamps[k]!, time_ms: isoTimeMs(d.timestamps[k]!) ?? 0, score });
        work.outlierCount++;
      }
    }
  }
}

/** The block's history row: rows beyond the last historySamples samples of the station are
 * dropped every TRIM_EVERY samples, so a station holds up to keep + TRIM_EVERY + (samples per
 * block) - 2 samples. */
function historyRow(live: LiveStation, task: BlockTask, history: Map<LiveVariable, Omit<VariableChunk, "key">>): NonNullable<BlockWork["history"]> {
  const keep = task.historySamples;
  const chunks: NamedChunk[] = [];
  let maxMs = 0, keyed = true;
  for (const [v, h] of history) {
    chunks.push({ variable: v.name, ...(v.historyKey === undefined ? {} : { key: v.historyKey }), ...h });
    keyed &&= v.historyKey !== undefined;
    for (const r of h.rows) if (r.time_ms > maxMs) maxMs = r.time_ms;
  }
  const before = live.historyUpto, upto = (live.historyUpto += task.mostres.length);
  const trim = upto > keep && Math.floor((upto - keep) / TRIM_EVERY) !== Math.floor((before - keep) / TRIM_EVERY);
  const timestamps = task.mostres.map((s) => s.timestamp);
  const row = keyed ? { packed: packBlock(timestamps, chunks as VariableChunk[]) } : { timestamps, chunks };
  return { upto, maxMs, ...row, ...(trim ? { trimTo: upto - keep } : {}) };
}

/** Every variable's whole state; the journal starts again. */
function snapshot(live: LiveStation): Array<[string, string]> {
  const states: Array<[string, string]> = [];
  let chars = 0;
  for (const v of live.variables.values()) {
    const state = JSON.stringify(v.pipeline.toJSON());
    states.push([v.name, state]);
    chars += state.length;
  }
  live.journalSamples = 0;
  live.snapshotEvery = snapshotInterval(chars, live.variables.size);
  return states;
}

/** The variable's stored pipeline, or, if its state cannot be restored (a version or pipeline kind
 * this release does not read, corrupt JSON), a new pipeline of the same kind and window, noted in
 * `relearning`; a pipeline name this release does not know re-learns as `defaultPipeline`. */
function restoreOrRelearn(row: VariableRow, defaultPipeline: string, relearning: Relearning[]): Pipeline {
  try {
    return restorePipeline(JSON.parse(row.state));
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (Object.hasOwn(pipelineNames, row.kind)) {
      relearning.push({ name: row.name, fromSample: row.state_samples, reason });
      return createPipeline(pipelineOptionsFor(row.kind, row.window));
    }
    const why = `pipeline ${JSON.stringify(row.kind)} is unknown to this release, so it re-learns as ${JSON.stringify(defaultPipeline)}`;
    relearning.push({ name: row.name, fromSample: row.state_samples, reason: `${why} (${reason})`, newKind: defaultPipeline });
    return createPipeline(pipelineOptionsFor(defaultPipeline, row.window));
  }
}

/** A thrown error as it crosses the thread boundary. */
export function blockFailure(e: unknown): BlockFailure {
  const err = e instanceof Error ? e : new Error(String(e));
  return { message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
}
