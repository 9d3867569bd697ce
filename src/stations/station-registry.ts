// The stations: their variables' live pipelines (cached, ./state-cache.ts) over the durable store.
// A /detection block is validated before this is called; here it is checked against the station,
// applied to the pipelines in memory, and persisted in ONE transaction: its samples in the station's
// journal, the variables' counters, its outliers and its outbox entries, and, every few hundred to
// few thousand samples (./state-layout.ts), fresh snapshots of the pipelines that empty the journal.
// Loading a station = its snapshots + replaying its journal (pipelines are deterministic). If
// anything fails (a pipeline, the disk), the transaction rolls back and the station's live state is
// dropped, so the next block reloads exactly what was committed: memory never runs ahead of disk.
// The same transaction writes the block's records (./station-records.ts): its history row (every
// sample with its decision, and the decisions on earlier samples), its drift-test, retrain and outlier events; outliers inside
// a maintenance window (./maintenance.ts) are recorded but neither answered nor delivered.
import { createHash, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { createPipeline, pipelineNames, pipelineOptionsFor, restorePipeline, type Pipeline } from "../detect";
import { StationError, StationNotInitializedError } from "./station-errors";
import { isoTimeMs } from "../detect/iso-time";
import type { DetectionRequest, InitializeRequest, MaintenanceRequest } from "./requests";
import { StateCache } from "./state-cache";
import { estimateLiveBytes, snapshotInterval } from "./state-layout";
import { blockCostMs, overLimitMessage, samplesByVariable } from "./block-cost";
import { driftTestBefore, probeDue } from "./drift-probe";
import { suppressingWindow, windowOfRow, windowProblem, windowView, type MaintenanceWindow } from "./maintenance";
import type { EventRow, VariableChunk } from "./station-records";
import type { StationStore, VariableRow } from "./store";

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

interface LiveStation {
  id: string;
  variables: Map<string, LiveVariable>;
  bytes: number;
  /** Samples journaled since the snapshots, and how many to journal before the next ones. */
  journalSamples: number;
  snapshotEvery: number;
  /** Its samples with history so far: the `upto` of its last history row (./station-records.ts). */
  historyUpto: number;
}

export interface BlockOutliers {
  id_estacio: string;
  variable: string;
  dates: string[];
}

export interface BlockResult {
  outliers: BlockOutliers[];
  samples: number;
  outlierCount: number;
  retrains: number;
  /** A retry of the station's last applied block: its original answer, nothing applied. */
  replayed: boolean;
}

export interface RegistryOptions {
  /** Pipeline name of new variables when /initialize names none ([Stations] default_pipeline). */
  defaultPipeline: string;
  /** Queue deliveries to the downstream server (false: no endpoint configured). */
  deliver: boolean;
  cacheBytes: number;
  /** Apply samples older than their variable's last applied one ([Stations] accept_older_samples). */
  acceptOlderSamples?: boolean;
  /** Samples of history kept per station ([Stations] history_samples); 0 or absent: none. */
  historySamples?: number;
  now?: () => number;
  /** The most estimated CPU ms a block may take ([Stations] max_block_cpu_ms); none when undefined. */
  maxBlockCpuMs?: number;
  /** Where a variable that must re-learn is reported (a stored state that cannot be restored). */
  log?: Logger;
}

/** A variable whose stored state could not be restored: it learns anew from the snapshot's sample. */
interface Relearning {
  name: string;
  fromSample: number;
  reason: string;
  /** The pipeline name it re-learns under, when the stored one is unknown to this release. */
  newKind?: string;
}

/** A block's history rows of one variable, and its decisions on samples of earlier blocks. */
type BlockHistory = Omit<VariableChunk, "key">;

type NewEvent = Omit<EventRow, "id" | "recorded_ms">;

/** History rows are trimmed to the bound once per this many samples of a variable, not per block. */
const TRIM_EVERY = 256;

export class StationRegistry {
  readonly cache: StateCache<LiveStation>;
  private readonly now: () => number;

  constructor(private readonly store: StationStore, private readonly opts: RegistryOptions) {
    this.cache = new StateCache(opts.cacheBytes);
    this.now = opts.now ?? Date.now;
  }

  /** Samples of history kept per variable; 0: history is off. */
  get historySamples(): number {
    return this.opts.historySamples ?? 0;
  }

  /** Creates or updates a station. Variables with the same window and pipeline keep their state;
   * a new or changed variable starts fresh; variables no longer listed are removed. */
  initialize(req: InitializeRequest): { kept: string[]; fresh: string[]; removed: string[] } {
    const id = req.id_estacio;
    const existing = new Map(this.store.variableMeta(id).map((v) => [v.name, v]));
    const kept: string[] = [], fresh: string[] = [], removed: string[] = [];
    const created: Array<{ name: string; window: number; pipelineName: string; pipeline: Pipeline }> = [];
    for (const [name, window] of Object.entries(req.variables)) {
      const old = existing.get(name);
      const pipelineName = req.pipeline ?? old?.kind ?? this.opts.defaultPipeline;
      if (old && old.window === window && old.kind === pipelineName) { kept.push(name); continue; }
      fresh.push(name);
      created.push({ name, window, pipelineName, pipeline: createPipeline(pipelineOptionsFor(pipelineName, window)) });
    }
    for (const name of existing.keys()) if (!Object.hasOwn(req.variables, name)) removed.push(name);
    // kept variables are snapshotted, so the journal (which may hold removed variables) can go
    const live = existing.size ? this.live(id) : undefined;
    const now = this.now();
    try {
      this.store.transaction(() => {
        this.store.putStation(id, now);
        for (const name of removed) this.store.deleteVariable(id, name);
        // a fresh variable's sample numbers start again, and its old scores were another pipeline's
        for (const name of [...removed, ...fresh]) this.store.records.deleteVariableHistory(id, name);
        for (const c of created) {
          this.store.putVariable({
            station_id: id, name: c.name, window: c.window, kind: c.pipelineName, samples_seen: 0, retrains: 0,
            last_decision: null, last_drift_test: null, state: JSON.stringify(c.pipeline.toJSON()), state_samples: 0,
          });
        }
        for (const name of kept) this.store.saveState(id, name, JSON.stringify(live!.variables.get(name)!.pipeline.toJSON()));
        this.store.clearJournal(id);
        // new or reset variables have no past: the station's block record starts afresh
        if (fresh.length || removed.length) this.store.deleteReceipt(id);
      });
    } finally {
      this.cache.delete(id);
    }
    return { kept, fresh, removed };
  }

  /** Applies one validated block; answers only after its commit. A retry of the station's last
   * applied block (the same Idempotency-Key, or without a key the same samples) answers that
   * block's original result and applies nothing (issue 17 part 6, the IETF Idempotency-Key draft). */
  detect(req: DetectionRequest, idempotencyKey?: string): BlockResult {
    const id = req.id_estacio;
    const live = this.live(id);
    this.checkVariables(live, req);
    this.checkCost(live, req);
    const hash = createHash("sha256").update(JSON.stringify(req.mostres)).digest("hex");
    const last = this.store.receipt(id);
    if (last && (idempotencyKey === undefined ? last.block_hash === hash : last.idempotency_key === idempotencyKey)) {
      if (last.block_hash !== hash)
        throw new StationError("key-reused", `Idempotency-Key ${JSON.stringify(idempotencyKey)} was used for a different block of station ${JSON.stringify(id)}; send a new key with a new block`);
      return { outliers: JSON.parse(last.answer) as BlockOutliers[], samples: 0, outlierCount: 0, retrains: 0, replayed: true };
    }
    const clocks = last ? new Map(Object.entries(JSON.parse(last.clocks) as Record<string, number>)) : new Map<string, number>();
    this.advanceClocks(clocks, req);
    try {
      return this.apply(live, req, { idempotency_key: idempotencyKey ?? null, block_hash: hash, clocks });
    } catch (e) {
      this.cache.delete(id); // reload the committed state next time
      throw e;
    }
  }

  /** Each variable's last sample time after the block; a sample older than its variable's last
   * applied one is refused (409) unless the setting allows it. */
  private advanceClocks(clocks: Map<string, number>, req: DetectionRequest): void {
    for (let i = 0; i < req.mostres.length; i++) {
      const sample = req.mostres[i]!;
      const t = isoTimeMs(sample.timestamp)!;
      for (const [name] of sample.values) {
        const before = clocks.get(name);
        if (before !== undefined && t < before && !this.opts.acceptOlderSamples)
          throw new StationError("older-sample", `mostres[${i}]: sample ${JSON.stringify(sample.timestamp)} of variable ${JSON.stringify(name)} is older than its last applied sample (${new Date(before).toISOString()}); send samples in time order, or set [Stations] accept_older_samples = true`);
        if (before === undefined || t > before) clocks.set(name, t);
      }
    }
  }

  /** Refuses a block whose estimated CPU time is over the limit, before anything is applied. */
  private checkCost(live: LiveStation, req: DetectionRequest): void {
    const limit = this.opts.maxBlockCpuMs;
    if (limit === undefined) return;
    const counts = samplesByVariable(req.mostres);
    const cost = blockCostMs(counts, live.variables);
    if (cost > limit) throw new StationError("too-costly", overLimitMessage(cost, req.mostres.length, counts.size, limit));
  }

  private checkVariables(live: LiveStation, req: DetectionRequest): void {
    for (let i = 0; i < req.mostres.length; i++) {
      for (const [name] of req.mostres[i]!.values) {
        if (live.variables.has(name)) continue;
        const known = [...live.variables.keys()].map((n) => JSON.stringify(n)).join(", ");
        throw new StationError("variable-unknown", `mostres[${i}]: variable ${JSON.stringify(name)} is not initialized for station ${JSON.stringify(live.id)} (its variables: ${known}); send only those, or POST /initialize again with the new variable`);
      }
    }
  }

  private apply(live: LiveStation, req: DetectionRequest, receipt: { idempotency_key: string | null; block_hash: string; clocks: Map<string, number> }): BlockResult {
    const id = live.id;
    const touched = new Set<LiveVariable>();
    // A decision may cover samples of earlier blocks (a batch window): each outlier keeps its own
    // sample's timestamp, which was validated as parseable when it arrived.
    const found = new Map<string, Array<{ timestamp: string; time_ms: number; score: number }>>();
    const history = new Map<LiveVariable, BlockHistory>();
    const events: NewEvent[] = [];
    let samples = 0, retrains = 0, outlierCount = 0;
    const journal: Array<[string, Array<[string, number]>]> = [];
    for (let i = 0; i < req.mostres.length; i++) {
      const sample = req.mostres[i]!;
      journal.push([sample.timestamp, sample.values]);
      const timeMs = isoTimeMs(sample.timestamp) ?? 0;
      for (const [name, value] of sample.values) {
        const v = live.variables.get(name)!;
        const probe = probeDue(v.window, v.samplesSeen) ? driftTestBefore(v.pipeline, value) : undefined;
        const d = v.pipeline.update(value, sample.timestamp);
        if (probe) {
          v.lastDriftTest = JSON.stringify({ timestamp: sample.timestamp, ...probe });
          events.push({ kind: "drift", variable: name, timestamp: sample.timestamp, time_ms: timeMs, detail: JSON.stringify({ sample: v.samplesSeen + 1, ...probe }) });
        }
        v.samplesSeen++;
        samples++;
        touched.add(v);
        let h = history.get(v);
        if (!h) history.set(v, (h = { rows: [], positions: [], late: [] }));
        h.rows.push({ seq: v.samplesSeen, timestamp: sample.timestamp, time_ms: timeMs, value, score: null, label: null });
        h.positions.push(i);
        if (!d) continue;
        if (d.retrained) {
          v.retrains++; retrains++;
          events.push({ kind: "retrain", variable: name, timestamp: sample.timestamp, time_ms: timeMs, detail: JSON.stringify({ sample: v.samplesSeen, retrains: v.retrains }) });
        }
        v.lastDecision = JSON.stringify({ timestamp: sample.timestamp, retrained: d.retrained, sample: v.samplesSeen });
        // A decision covers the variable's last d.labels.length samples (the Decision contract).
        const firstSeq = v.samplesSeen - d.labels.length + 1, blockSeq = h.rows[0]!.seq;
        for (let k = 0; k < d.labels.length; k++) {
          const seq = firstSeq + k, score = d.scores[k]!, label = d.labels[k]!;
          if (seq >= blockSeq) Object.assign(h.rows[seq - blockSeq]!, { score, label });
          else h.late.push({ seq, score, label });
          if (label !== 1) continue;
          let list = found.get(name);
          if (!list) found.set(name, (list = []));
          list.push({ timestamp: d.timestamps[k]!, time_ms: isoTimeMs(d.timestamps[k]!) ?? 0, score });
          outlierCount++;
        }
      }
    }
    const outliers = this.recordOutliers(id, found, events);
    const now = this.now();
    this.store.transaction(() => {
      this.store.appendBlock(id, req.mostres.length, JSON.stringify(journal), now);
      for (const v of touched) this.store.saveCounters(id, v.name, { samples_seen: v.samplesSeen, retrains: v.retrains, last_decision: v.lastDecision, last_drift_test: v.lastDriftTest });
      for (const [variable, list] of found)
        for (const o of list)
          this.store.insertOutlier({ station_id: id, variable, timestamp: o.timestamp, time_ms: o.time_ms, score: o.score, recorded_ms: now });
      this.writeRecords(live, req, history, events, now);
      if (this.opts.deliver) {
        this.enqueue(id, "/outliers/validate", { id_estacio: id }, now);
        if (outliers.length) this.enqueue(id, "/outliers", outliers, now);
      }
      this.store.putReceipt({ station_id: id, idempotency_key: receipt.idempotency_key, block_hash: receipt.block_hash, answer: JSON.stringify(outliers), clocks: JSON.stringify(Object.fromEntries(receipt.clocks)) });
      live.journalSamples += req.mostres.length;
      if (live.journalSamples >= live.snapshotEvery) this.snapshot(live);
    });
    return { outliers, samples, outlierCount, retrains, replayed: false };
  }

  /** The block's outliers as answered and delivered: those outside every maintenance window. Each
   * outlier becomes an event that says whether (and by which window) it was suppressed. */
  private recordOutliers(id: string, found: Map<string, Array<{ timestamp: string; time_ms: number; score: number }>>, events: NewEvent[]): BlockOutliers[] {
    if (found.size === 0) return [];
    const windows = this.store.records.windows(id).map(windowOfRow);
    const outliers: BlockOutliers[] = [];
    for (const [variable, list] of found) {
      const dates: string[] = [];
      for (const o of list) {
        const w = suppressingWindow(windows, variable, o.time_ms);
        if (!w) dates.push(o.timestamp);
        events.push({ kind: "outlier", variable, timestamp: o.timestamp, time_ms: o.time_ms, detail: JSON.stringify({ score: o.score, suppressed: w !== undefined, maintenance_id: w?.id ?? null }) });
      }
      if (dates.length) outliers.push({ id_estacio: id, variable, dates });
    }
    return outliers;
  }

  /** Inside the block's transaction: the block's history row (rows beyond the last historySamples
   * samples of the station are dropped every TRIM_EVERY samples) and its events. */
  private writeRecords(live: LiveStation, req: DetectionRequest, history: Map<LiveVariable, BlockHistory>, events: NewEvent[], now: number): void {
    const records = this.store.records, keep = this.opts.historySamples ?? 0, id = live.id;
    if (keep > 0) {
      const chunks: VariableChunk[] = [];
      for (const [v, h] of history) chunks.push({ key: (v.historyKey ??= records.newHistoryKey(id, v.name)), ...h });
      const before = live.historyUpto, upto = (live.historyUpto += req.mostres.length);
      records.insertHistory(id, upto, req.mostres.map((s) => s.timestamp), maxTimeMs(history), chunks);
      // so a station holds up to keep + TRIM_EVERY + (samples per block) - 2 samples
      if (upto > keep && Math.floor((upto - keep) / TRIM_EVERY) !== Math.floor((before - keep) / TRIM_EVERY)) records.trimHistory(id, upto - keep);
    }
    for (const e of events) records.insertEvent(id, { ...e, recorded_ms: now });
  }

  /** Inside the block's transaction: every variable's whole state; the journal is emptied. */
  private snapshot(live: LiveStation): void {
    let chars = 0;
    for (const v of live.variables.values()) {
      const state = JSON.stringify(v.pipeline.toJSON());
      this.store.saveState(live.id, v.name, state);
      chars += state.length;
    }
    this.store.clearJournal(live.id);
    live.journalSamples = 0;
    live.snapshotEvery = snapshotInterval(chars, live.variables.size);
  }

  private enqueue(id: string, path: string, body: unknown, now: number): void {
    this.store.enqueue({ station_id: id, path, body: JSON.stringify(body), idempotency_key: randomUUID(), created_ms: now });
  }

  /** The station's live pipelines: from the cache, or its snapshots plus its journal replayed. */
  private live(id: string): LiveStation {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const station = this.store.station(id);
    if (!station) throw new StationNotInitializedError(id);
    const variables = new Map<string, LiveVariable>();
    const replayed = new Map<string, number>();
    const relearning: Relearning[] = [];
    let bytes = 0, chars = 0;
    const historyKeys = this.store.records.historyKeys(id);
    for (const row of this.store.variables(id)) {
      const pipeline = restoreOrRelearn(row, this.opts.defaultPipeline, relearning);
      variables.set(row.name, {
        name: row.name, window: row.window, pipelineName: relearning.find((r) => r.name === row.name)?.newKind ?? row.kind, pipeline,
        samplesSeen: row.samples_seen, retrains: row.retrains, lastDecision: row.last_decision, lastDriftTest: row.last_drift_test,
        historyKey: historyKeys.get(row.name),
      });
      replayed.set(row.name, row.samples_seen - row.state_samples);
      bytes += estimateLiveBytes(row.kind, row.window);
      chars += row.state.length;
    }
    for (const j of this.store.journal(id)) {
      for (const [timestamp, values] of JSON.parse(j.samples) as Array<[string, Array<[string, number]>]>) {
        for (const [name, value] of values) {
          variables.get(name)!.pipeline.update(value, timestamp);
          replayed.set(name, replayed.get(name)! - 1);
        }
      }
    }
    for (const [name, left] of replayed)
      if (left !== 0) throw new Error(`station ${JSON.stringify(id)} variable ${JSON.stringify(name)}: journal and snapshot disagree by ${left} samples`);
    const live: LiveStation = {
      id, variables, bytes, journalSamples: station.journal_samples, snapshotEvery: snapshotInterval(chars, variables.size),
      historyUpto: this.store.records.historyUpto(id),
    };
    if (relearning.length) this.relearn(live, relearning);
    this.cache.set(id, live);
    return live;
  }

  /** Records the re-learning variables and snapshots the station, so the unreadable states are
   * replaced (the journal was replayed into the new pipelines too) and the next load restores. */
  private relearn(live: LiveStation, relearning: Relearning[]): void {
    const now = this.now();
    this.store.transaction(() => {
      for (const r of relearning) {
        if (r.newKind) this.store.setVariableKind(live.id, r.name, r.newKind);
        this.store.markRelearning(live.id, r.name, now, r.fromSample, r.reason);
      }
      this.snapshot(live);
    });
    for (const r of relearning) {
      this.opts.log?.warn({ station: live.id, variable: r.name, from_sample: r.fromSample, reason: r.reason },
        "stored state cannot be restored; the variable re-learns (GET /stations/:id shows it under relearning)");
    }
  }

  has(id: string): boolean { return this.store.station(id) !== undefined; }

  /** The station's maintenance windows, earliest first. */
  maintenanceWindows(id: string): MaintenanceWindow[] { return this.store.records.windows(id).map(windowOfRow); }

  /** Adds a maintenance window (the station exists; the request is validated) and its event. */
  addMaintenance(id: string, req: MaintenanceRequest): MaintenanceWindow {
    const w = { fromMs: isoTimeMs(req.from)!, toMs: isoTimeMs(req.to)!, reason: req.reason, ...(req.variables ? { variables: req.variables } : {}) };
    const now = this.now();
    return this.store.transaction(() => {
      const problem = windowProblem(this.maintenanceWindows(id), this.store.variableMeta(id).map((v) => v.name), w);
      if (problem) throw new StationError("window-refused", problem);
      const id_ = this.store.records.insertWindow(id, { from_ms: w.fromMs, to_ms: w.toMs, variables: w.variables ? JSON.stringify(w.variables) : null, reason: w.reason, created_ms: now });
      const created = { ...w, id: id_, createdMs: now };
      this.maintenanceEvent(id, "created", created, now);
      return created;
    });
  }

  /** Deletes a maintenance window; false when the station has none with that id. */
  deleteMaintenance(id: string, windowId: number): boolean {
    const now = this.now();
    return this.store.transaction(() => {
      const row = this.store.records.window(id, windowId);
      if (!row) return false;
      this.store.records.deleteWindow(id, windowId);
      this.maintenanceEvent(id, "deleted", windowOfRow(row), now);
      return true;
    });
  }

  private maintenanceEvent(id: string, action: "created" | "deleted", w: MaintenanceWindow, now: number): void {
    const timestamp = new Date(now).toISOString();
    this.store.records.insertEvent(id, { kind: "maintenance", variable: null, timestamp, time_ms: now, recorded_ms: now, detail: JSON.stringify({ action, window: windowView(w) }) });
  }

  /** Deletes the station, its state and its outliers (undelivered results are still delivered). */
  delete(id: string): boolean {
    this.cache.delete(id);
    return this.store.transaction(() => this.store.deleteStation(id));
  }
}

/** The latest sample time of a block's history. */
function maxTimeMs(history: Map<LiveVariable, BlockHistory>): number {
  let max = 0;
  for (const h of history.values()) for (const r of h.rows) if (r.time_ms > max) max = r.time_ms;
  return max;
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
