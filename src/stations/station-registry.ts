// The stations: their variables' live pipelines over the durable store. A /detection block is
// validated before this is called; here it is checked against the station's last block (a retry,
// an older sample), computed by the detection host (./detection-host.ts: cheap stations on this
// thread, heavy ones in detection threads; ./station-computer.ts), and its work persisted here,
// on the main thread, in ONE transaction (shared with the other stations' blocks ready in the same
// turn: ./group-commit.ts): its samples in the station's journal, the variables' counters, its
// outliers and its outbox entries, and, every few hundred to few thousand
// samples (./state-layout.ts), fresh snapshots of the pipelines that empty the journal. Loading a
// station = its snapshots + replaying its journal (pipelines are deterministic); the rows go to
// the host with the station's first block.
// A station's requests run one at a time (blocks, /initialize, DELETE), so its blocks stay in order
// and the host computes a block only on committed state. If anything fails (a pipeline, the disk),
// the transaction rolls back and the host drops the station, so the next block reloads exactly
// what was committed: memory never runs ahead of disk.
// The same transaction writes the block's records (./station-records.ts): its history row (every
// sample with its decision, and the decisions on earlier samples), its drift-test, retrain and
// outlier events; outliers inside a maintenance window (./maintenance.ts) are recorded but neither
// answered nor delivered.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { createPipeline, pipelineOptionsFor, type Pipeline } from "../detect";
import { StationError, StationNotInitializedError } from "./station-errors";
import { isoTimeMs } from "../detect/iso-time";
import type { DetectionRequest, InitializeRequest, MaintenanceRequest } from "./requests";
import { GroupCommit } from "./group-commit";
import { StateCache } from "./state-cache";
import { estimateLiveBytes, historyHoldsJournal } from "./state-layout";
import { blockCostMs, loadCostMs, overLimitMessage, samplesByVariable, type CostedVariable } from "./block-cost";
import { inlineDetection, type DetectionHost, type DetectionStats } from "./detection-host";
import { packBlock } from "./history-chunks";
import { blockHash, journalRow, sameBlock } from "./block-hash";
import type { BlockWork, FoundOutlier, NewEvent, Relearning, StationLoad } from "./station-computer";
import { suppressingWindow, windowOfRow, windowProblem, windowView, type MaintenanceWindow } from "./maintenance";
import type { BlockReceiptRow, StationStore } from "./store";

/** What the registry remembers of a station held by the detection host: its estimated bytes, its
 * variables' pipelines and windows (a block is checked against them before it is sent), and its
 * last block's receipt as committed (null: none; read from the store once). */
interface HeldStation {
  bytes: number;
  variables: Map<string, CostedVariable>;
  receipt?: BlockReceiptRow | null;
  /** Whether its blocks since the snapshots write journal rows; if not, its history holds them
   * (./state-layout.ts historyHoldsJournal). Chosen when the journal starts again (a snapshot). */
  journaled: boolean;
  /** Its blocks since the snapshots are only in its history, which no longer keeps enough of them
   * (a smaller [Stations] history_samples since): its next block snapshots. */
  snapshotDue?: boolean;
}

/** What the registry makes of a block before its work: its journal row (./block-hash.ts), and its
 * receipt's key, hash and each variable's last sample time after it. */
interface BlockRecord { journal: string; idempotency_key: string | null; block_hash: string; clocks: Map<string, number> }

/** A variable /initialize creates: its fresh pipeline and that pipeline's stored state (JSON). */
interface CreatedVariable { name: string; window: number; pipelineName: string; pipeline: Pipeline; state: string }

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
  /** Where blocks are computed (./detection-host.ts); default: on this thread. */
  host?: DetectionHost;
  /** While it returns a promise, the blocks' commits wait for it (./group-commit.ts): the WAL
   * checkpointer's RESTART, which holds SQLite's write lock. */
  commitsHeld?: () => Promise<void> | undefined;
}

export class StationRegistry {
  /** The stations the host holds, by estimated bytes: evicting one drops it from the host. */
  readonly cache: StateCache<HeldStation>;
  private readonly now: () => number;

  private readonly host: DetectionHost;
  /** The blocks' writes, committed together with those ready in the same turn. */
  private readonly commits: GroupCommit;
  /** Each station's last request in progress (`serially`). */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly store: StationStore, private readonly opts: RegistryOptions) {
    this.host = opts.host ?? inlineDetection(opts.defaultPipeline);
    this.cache = new StateCache<HeldStation>(opts.cacheBytes, (id) => this.host.drop(id));
    this.now = opts.now ?? Date.now;
    this.commits = new GroupCommit(store, opts.commitsHeld);
  }

  /** Samples of history kept per variable; 0: history is off. */
  get historySamples(): number {
    return this.opts.historySamples ?? 0;
  }

  /** Creates or updates a station. Variables with the same window and pipeline keep their state;
   * a new or changed variable starts fresh; variables no longer listed are removed. */
  initialize(req: InitializeRequest): Promise<{ kept: string[]; fresh: string[]; removed: string[] }> {
    return this.serially(req.id_estacio, () => this.initializeNow(req));
  }

  private async initializeNow(req: InitializeRequest): Promise<{ kept: string[]; fresh: string[]; removed: string[] }> {
    const id = req.id_estacio;
    const existing = new Map(this.store.variableMeta(id).map((v) => [v.name, v]));
    const kept: string[] = [], fresh: string[] = [], removed: string[] = [];
    const created: CreatedVariable[] = [];
    for (const [name, window] of Object.entries(req.variables)) {
      const old = existing.get(name);
      const pipelineName = req.pipeline ?? old?.kind ?? this.opts.defaultPipeline;
      if (old && old.window === window && old.kind === pipelineName) { kept.push(name); continue; }
      fresh.push(name);
      const pipeline = createPipeline(pipelineOptionsFor(pipelineName, window));
      created.push({ name, window, pipelineName, pipeline, state: JSON.stringify(pipeline.toJSON()) });
    }
    for (const name of existing.keys()) if (!Object.hasOwn(req.variables, name)) removed.push(name);
    // kept variables are snapshotted, so the journal (which may hold removed variables) can go
    const held = existing.size ? this.held(id) : undefined;
    const snapshot = held ? await this.compute(id, [], held, 0, true) : undefined;
    const states = new Map(snapshot?.snapshot);
    const now = this.now();
    try {
      this.store.transaction(() => {
        this.store.putStation(id, now);
        if (snapshot) this.writeRelearning(id, snapshot.relearning, now);
        for (const name of removed) this.store.deleteVariable(id, name);
        // a fresh variable's sample numbers start again, and its old scores were another pipeline's
        for (const name of [...removed, ...fresh]) this.store.records.deleteVariableHistory(id, name);
        for (const c of created) {
          this.store.putVariable({
            station_id: id, name: c.name, window: c.window, kind: c.pipelineName, samples_seen: 0, retrains: 0,
            last_decision: null, last_drift_test: null, state: c.state, state_samples: 0,
          });
        }
        for (const name of kept) this.store.saveState(id, name, states.get(name)!);
        this.store.clearJournal(id);
        // new or reset variables have no past: the station's block record starts afresh
        if (fresh.length || removed.length) this.store.deleteReceipt(id);
      });
    } finally {
      this.forget(id);
    }
    // every variable new: the pipelines just stored are the station's whole state, held as they are
    if (kept.length === 0) this.hold(id, created);
    if (snapshot) this.logRelearning(id, snapshot.relearning);
    return { kept, fresh, removed };
  }

  /** Holds a station whose committed state is `created` alone (its journal empty, no receipt). */
  private hold(id: string, created: readonly CreatedVariable[]): void {
    this.host.adopt(id, {
      variables: created.map((c) => ({ name: c.name, window: c.window, pipelineName: c.pipelineName, pipeline: c.pipeline, stateChars: c.state.length })),
      historyUpto: this.store.records.historyUpto(id),
    });
    this.cache.set(id, {
      bytes: created.reduce((n, c) => n + estimateLiveBytes(c.pipelineName, c.window), 0),
      variables: new Map(created.map((c) => [c.name, { pipelineName: c.pipelineName, window: c.window }])),
      receipt: null, journaled: !this.historyHoldsJournal,
    });
  }

  /** Applies one validated block; answers only after its commit. A retry of the station's last
   * applied block (the same Idempotency-Key, or without a key the same samples) answers that
   * block's original result and applies nothing (issue 17 part 6, the IETF Idempotency-Key draft). */
  detect(req: DetectionRequest, idempotencyKey?: string): Promise<BlockResult> {
    return this.serially(req.id_estacio, () => this.detectNow(req, idempotencyKey));
  }

  private async detectNow(req: DetectionRequest, idempotencyKey?: string): Promise<BlockResult> {
    const id = req.id_estacio;
    const held = this.held(id), station = held.station;
    checkVariables(id, station.variables, req);
    const costMs = this.checkCost(station.variables, req);
    const journal = journalRow(req.mostres), hash = blockHash(journal);
    const last = station.receipt === undefined ? (station.receipt = this.store.receipt(id) ?? null) : station.receipt;
    const same = last !== null && sameBlock(last.block_hash, hash, req.mostres);
    if (last && (idempotencyKey === undefined ? same : last.idempotency_key === idempotencyKey)) {
      if (!same)
        throw new StationError("key-reused", `Idempotency-Key ${JSON.stringify(idempotencyKey)} was used for a different block of station ${JSON.stringify(id)}; send a new key with a new block`);
      return { outliers: JSON.parse(last.answer) as BlockOutliers[], samples: 0, outlierCount: 0, retrains: 0, replayed: true };
    }
    const clocks = last ? new Map(Object.entries(JSON.parse(last.clocks) as Record<string, number>)) : new Map<string, number>();
    this.advanceClocks(clocks, req);
    const work = await this.compute(id, req.mostres, held, costMs, station.snapshotDue);
    try {
      return await this.commit(id, req, work, station, { journal, idempotency_key: idempotencyKey ?? null, block_hash: hash, clocks });
    } catch (e) {
      this.forget(id); // reload the committed state next time
      throw e;
    }
  }

  /** Runs a station's requests one after another, in the order they came. */
  private serially<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(id) ?? Promise.resolve()).then(fn);
    const tail = run.then(() => {}, () => {});
    this.queues.set(id, tail);
    void tail.then(() => { if (this.queues.get(id) === tail) this.queues.delete(id); });
    return run;
  }

  /** The block's work from the host, sent the station's rows when the host does not hold it where
   * the block goes (not held at all, or moving to a detection thread). `blockMs`: the block's
   * estimated cost, to which loading the station adds its journal's replay. */
  private async compute(id: string, mostres: DetectionRequest["mostres"], held: { station: HeldStation; load?: StationLoad }, blockMs: number, snapshot: boolean | undefined): Promise<BlockWork> {
    const costMs = blockMs + (held.load ? loadCostMs(held.load.journalSamples, held.station.variables) : 0);
    const load = held.load ?? (this.host.needsLoad(id, costMs) ? this.rows(id) : undefined);
    if (held.load) this.cache.set(id, held.station);
    try {
      return await this.host.compute({ id, mostres, ...(load ? { load } : {}), ...(snapshot ? { snapshot } : {}), historySamples: this.historySamples }, costMs);
    } catch (e) {
      this.forget(id); // the host dropped it
      throw e;
    }
  }

  /** The station as the host holds it, or its committed rows to load it from (./station-computer.ts). */
  private held(id: string): { station: HeldStation; load?: StationLoad } {
    const held = this.cache.get(id);
    if (held) return { station: held };
    if (!this.store.station(id)) throw new StationNotInitializedError(id);
    const load = this.rows(id);
    const station: HeldStation = {
      bytes: load.variables.reduce((n, v) => n + estimateLiveBytes(v.kind, v.window), 0),
      variables: new Map(load.variables.map((v) => [v.name, { pipelineName: v.kind, window: v.window }])),
      journaled: load.journalSamples === 0 ? !this.historyHoldsJournal : !load.fromHistory,
      snapshotDue: load.fromHistory && !this.historyHoldsJournal,
    };
    return { station, load };
  }

  /** The station's committed rows, to load it from. */
  private rows(id: string): StationLoad & { fromHistory: boolean } {
    const row = this.store.station(id)!, records = this.store.records;
    const keys = records.historyKeys(id), historyUpto = records.historyUpto(id);
    const journal = this.store.journal(id).map((j) => j.samples);
    // samples since the snapshots but no journal rows: the blocks wrote none, their history rows hold them
    const fromHistory = journal.length === 0 && row.journal_samples > 0;
    return {
      journalSamples: row.journal_samples, variables: this.store.variables(id), fromHistory,
      journal: fromHistory ? records.journalAfter(id, historyUpto - row.journal_samples, keys) : journal, historyKeys: [...keys], historyUpto,
    };
  }

  /** Whether the history rows keep every block since the snapshots: retention keeps a station's
   * last historySamples samples, and a station holds fewer than MAX_SNAPSHOT_SAMPLES unsnapshotted. */
  private get historyHoldsJournal(): boolean {
    return historyHoldsJournal(this.historySamples);
  }

  /** The block's estimated CPU ms; refuses it, before anything is applied, when over the limit. */
  private checkCost(variables: ReadonlyMap<string, CostedVariable>, req: DetectionRequest): number {
    const counts = samplesByVariable(req.mostres);
    const cost = blockCostMs(counts, variables);
    const limit = this.opts.maxBlockCpuMs;
    if (limit !== undefined && cost > limit) throw new StationError("too-costly", overLimitMessage(cost, req.mostres.length, counts.size, limit));
    return cost;
  }

  /** The station is no longer held: neither here nor by the host. */
  private forget(id: string): void {
    this.cache.delete(id);
    this.host.drop(id);
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

  /** The block's work in one transaction (with the other blocks ready in this turn: ./group-commit.ts);
   * history keys new to the host are sent after it. */
  private async commit(id: string, req: DetectionRequest, work: BlockWork, station: HeldStation, receipt: BlockRecord): Promise<BlockResult> {
    const { row, outliers, newKeys } = await this.commits.add(() => this.writeBlock(id, req, work, receipt, station.journaled));
    station.receipt = row;
    if (work.snapshot) {
      // the journal starts again: its blocks write journal rows unless the history keeps them
      station.journaled = !this.historyHoldsJournal;
      station.snapshotDue = false;
    }
    if (newKeys.length) this.host.setHistoryKeys(id, newKeys);
    this.logRelearning(id, work.relearning);
    return { outliers, samples: work.samples, outlierCount: work.outlierCount, retrains: work.retrains, replayed: false };
  }

  /** Inside the commit's transaction: the block's rows; its receipt, answer and new history keys.
   * Writes only to the store: it may run twice (./group-commit.ts). */
  private writeBlock(id: string, req: DetectionRequest, work: BlockWork, receipt: BlockRecord, journaled: boolean) {
    const { outliers, events: outlierEvents } = this.recordOutliers(id, work.found);
    const now = this.now();
    const newKeys: Array<[string, number]> = [];
    const row = { station_id: id, idempotency_key: receipt.idempotency_key, block_hash: receipt.block_hash, answer: JSON.stringify(outliers), clocks: JSON.stringify(Object.fromEntries(receipt.clocks)) };
    this.store.appendBlock(id, req.mostres.length, journaled ? receipt.journal : null, now);
    for (const c of work.counters) this.store.saveCounters(id, c.name, c);
    for (const [variable, list] of work.found)
      for (const o of list)
        this.store.insertOutlier({ station_id: id, variable, timestamp: o.timestamp, time_ms: o.time_ms, score: o.score, recorded_ms: now });
    const h = work.history;
    if (h) {
      const records = this.store.records;
      const packed = "packed" in h ? h.packed : packBlock(h.timestamps, h.chunks.map(({ variable, key, ...rows }) => {
        if (key !== undefined) return { key, ...rows };
        const fresh = records.newHistoryKey(id, variable);
        newKeys.push([variable, fresh]);
        return { key: fresh, ...rows };
      }));
      records.insertHistory(id, h.upto, h.maxMs, packed);
      if (h.trimTo !== undefined) records.trimHistory(id, h.trimTo);
    }
    for (const e of work.events) this.store.records.insertEvent(id, { ...e, recorded_ms: now });
    for (const e of outlierEvents) this.store.records.insertEvent(id, { ...e, recorded_ms: now });
    if (this.opts.deliver) {
      this.enqueue(id, "/outliers/validate", { id_estacio: id }, now);
      if (outliers.length) this.enqueue(id, "/outliers", outliers, now);
    }
    this.store.putReceipt(row);
    this.writeRelearning(id, work.relearning, now);
    if (work.snapshot) {
      for (const [name, state] of work.snapshot) this.store.saveState(id, name, state);
      this.store.clearJournal(id);
    }
    return { row, outliers, newKeys };
  }

  /** The block's outliers as answered and delivered: those outside every maintenance window. Each
   * outlier becomes an event (returned beside them, not added to the block's own) that says whether
   * (and by which window) it was suppressed. */
  private recordOutliers(id: string, found: BlockWork["found"]): { outliers: BlockOutliers[]; events: NewEvent[] } {
    const outliers: BlockOutliers[] = [], events: NewEvent[] = [];
    if (found.length === 0) return { outliers, events };
    const windows = this.store.records.windows(id).map(windowOfRow);
    for (const [variable, list] of found) {
      const dates: string[] = [];
      for (const o of list as FoundOutlier[]) {
        const w = suppressingWindow(windows, variable, o.time_ms);
        if (!w) dates.push(o.timestamp);
        events.push({ kind: "outlier", variable, timestamp: o.timestamp, time_ms: o.time_ms, detail: JSON.stringify({ score: o.score, suppressed: w !== undefined, maintenance_id: w?.id ?? null }) });
      }
      if (dates.length) outliers.push({ id_estacio: id, variable, dates });
    }
    return { outliers, events };
  }

  /** Inside a transaction: the variables whose stored state could not be restored (the snapshot
   * that comes with them replaces the unreadable states, so the next load restores). */
  private writeRelearning(id: string, relearning: readonly Relearning[], now: number): void {
    for (const r of relearning) {
      if (r.newKind) this.store.setVariableKind(id, r.name, r.newKind);
      this.store.markRelearning(id, r.name, now, r.fromSample, r.reason);
    }
  }

  private logRelearning(id: string, relearning: readonly Relearning[]): void {
    for (const r of relearning) {
      this.opts.log?.warn({ station: id, variable: r.name, from_sample: r.fromSample, reason: r.reason },
        "stored state cannot be restored; the variable re-learns (GET /stations/:id shows it under relearning)");
    }
  }

  private enqueue(id: string, path: string, body: unknown, now: number): void {
    this.store.enqueue({ station_id: id, path, body: JSON.stringify(body), idempotency_key: randomUUID(), created_ms: now });
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
  delete(id: string): Promise<boolean> {
    return this.serially(id, async () => {
      this.forget(id);
      return this.store.transaction(() => this.store.deleteStation(id));
    });
  }

  /** Where blocks are computed: the detection threads, the blocks they are computing (GET /health). */
  detection(): DetectionStats { return this.host.stats(); }

  /** The detection threads keep no state the store lacks: closing drops nothing durable. */
  close(): Promise<void> {
    this.commits.flush();
    return this.host.close();
  }

  /** A detection thread ended: the stations it held reload at their next block. */
  lost(ids: ReadonlySet<string>): void {
    for (const id of ids) this.cache.delete(id);
  }
}

function checkVariables(id: string, variables: ReadonlyMap<string, CostedVariable>, req: DetectionRequest): void {
  for (let i = 0; i < req.mostres.length; i++) {
    for (const [name] of req.mostres[i]!.values) {
      if (variables.has(name)) continue;
      const known = [...variables.keys()].map((n) => JSON.stringify(n)).join(", ");
      throw new StationError("variable-unknown", `mostres[${i}]: variable ${JSON.stringify(name)} is not initialized for station ${JSON.stringify(id)} (its variables: ${known}); send only those, or POST /initialize again with the new variable`);
    }
  }
}
