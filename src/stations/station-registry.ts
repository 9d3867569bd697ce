// The stations: their variables' live pipelines (cached, ./state-cache.ts) over the durable store.
// A /detection block is validated before this is called; here it is checked against the station,
// applied to the pipelines in memory, and persisted in ONE transaction together with its outliers
// and its outbox entries. If anything fails (a pipeline, the disk), the transaction rolls back and
// the station's live state is dropped, so the next block reloads exactly what was committed:
// memory never runs ahead of the disk.
import { randomUUID } from "node:crypto";
import { createPipeline, pipelineOptionsFor, restorePipeline, type Pipeline } from "../detect";
import { BadRequestError, NotFoundError } from "../http/errors";
import { parseTimestamp, type DetectionRequest, type InitializeRequest } from "../http/station-schemas";
import { StateCache } from "./state-cache";
import { estimateLiveBytes, joinState, splitState, streamPart } from "./state-layout";
import type { StationStore } from "./store";

export class StationNotInitializedError extends NotFoundError {
  constructor(readonly stationId: string) {
    super(`station ${JSON.stringify(stationId)} is not initialized; POST /initialize first`);
  }
}

interface LiveVariable {
  name: string;
  window: number;
  pipelineName: string;
  pipeline: Pipeline;
  samplesSeen: number;
  retrains: number;
  lastDecision: string | null;
  modelVersion: number;
}

interface LiveStation {
  id: string;
  variables: Map<string, LiveVariable>;
  bytes: number;
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
}

export interface RegistryOptions {
  /** Pipeline name of new variables when /initialize names none ([Stations] default_pipeline). */
  defaultPipeline: string;
  /** Queue deliveries to the downstream server (false: no endpoint configured). */
  deliver: boolean;
  cacheBytes: number;
  now?: () => number;
}

export class StationRegistry {
  readonly cache: StateCache<LiveStation>;
  private readonly now: () => number;

  constructor(private readonly store: StationStore, private readonly opts: RegistryOptions) {
    this.cache = new StateCache(opts.cacheBytes);
    this.now = opts.now ?? Date.now;
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
    const now = this.now();
    try {
      this.store.transaction(() => {
        this.store.putStation(id, now);
        for (const name of removed) this.store.deleteVariable(id, name);
        for (const c of created) {
          const s = splitState(c.pipeline.toJSON());
          this.store.putVariable({
            station_id: id, name: c.name, window: c.window, kind: c.pipelineName, samples_seen: 0, retrains: 0,
            last_decision: null, model_state: s.model, model_version: 0, stream_state: s.stream,
          });
        }
      });
    } finally {
      this.cache.delete(id);
    }
    return { kept, fresh, removed };
  }

  /** Applies one validated block; answers only after its commit. */
  detect(req: DetectionRequest): BlockResult {
    const id = req.id_estacio;
    const live = this.live(id);
    this.checkVariables(live, req);
    try {
      return this.apply(live, req);
    } catch (e) {
      this.cache.delete(id); // reload the committed state next time
      throw e;
    }
  }

  private checkVariables(live: LiveStation, req: DetectionRequest): void {
    for (let i = 0; i < req.mostres.length; i++) {
      for (const [name] of req.mostres[i]!.values) {
        if (live.variables.has(name)) continue;
        const known = [...live.variables.keys()].map((n) => JSON.stringify(n)).join(", ");
        throw new BadRequestError(`mostres[${i}]: variable ${JSON.stringify(name)} is not initialized for station ${JSON.stringify(live.id)} (its variables: ${known}); send only those, or POST /initialize again with the new variable`);
      }
    }
  }

  private apply(live: LiveStation, req: DetectionRequest): BlockResult {
    const id = live.id;
    const touched = new Map<LiveVariable, boolean>(); // -> retrained in this block
    // A decision may cover samples of earlier blocks (a batch window): each outlier keeps its own
    // sample's timestamp, which was validated as parseable when it arrived.
    const found = new Map<string, Array<{ timestamp: string; score: number }>>();
    let samples = 0, retrains = 0, outlierCount = 0;
    for (const sample of req.mostres) {
      for (const [name, value] of sample.values) {
        const v = live.variables.get(name)!;
        const d = v.pipeline.update(value, sample.timestamp);
        v.samplesSeen++;
        samples++;
        if (!touched.has(v)) touched.set(v, false);
        if (!d) continue;
        if (d.retrained) { v.retrains++; retrains++; touched.set(v, true); }
        v.lastDecision = JSON.stringify({ timestamp: sample.timestamp, retrained: d.retrained, sample: v.samplesSeen });
        for (let k = 0; k < d.labels.length; k++) {
          if (d.labels[k] !== 1) continue;
          let list = found.get(name);
          if (!list) found.set(name, (list = []));
          list.push({ timestamp: d.timestamps[k]!, score: d.scores[k]! });
          outlierCount++;
        }
      }
    }
    const outliers: BlockOutliers[] = [...found].map(([variable, list]) => ({ id_estacio: id, variable, dates: list.map((o) => o.timestamp) }));
    const now = this.now();
    this.store.transaction(() => {
      this.store.countBlock(id, req.mostres.length, now);
      for (const [v, retrained] of touched) {
        const state = v.pipeline.toJSON();
        if (retrained) {
          const s = splitState(state);
          if (s.model !== null) this.store.saveModel(id, v.name, s.model, ++v.modelVersion);
          this.saveStream(id, v, s.stream);
        } else {
          this.saveStream(id, v, streamPart(state));
        }
      }
      for (const [variable, list] of found)
        for (const o of list)
          this.store.insertOutlier({ station_id: id, variable, timestamp: o.timestamp, time_ms: parseTimestamp(o.timestamp) ?? 0, score: o.score, recorded_ms: now });
      if (this.opts.deliver) {
        this.enqueue(id, "/outliers/validate", { id_estacio: id }, now);
        if (outliers.length) this.enqueue(id, "/outliers", outliers, now);
      }
    });
    return { outliers, samples, outlierCount, retrains };
  }

  private saveStream(id: string, v: LiveVariable, stream: string): void {
    this.store.saveStream(id, v.name, { samples_seen: v.samplesSeen, retrains: v.retrains, last_decision: v.lastDecision, stream_state: stream });
  }

  private enqueue(id: string, path: string, body: unknown, now: number): void {
    this.store.enqueue({ station_id: id, path, body: JSON.stringify(body), idempotency_key: randomUUID(), created_ms: now });
  }

  /** The station's live pipelines: from the cache, or restored from SQLite. */
  private live(id: string): LiveStation {
    const cached = this.cache.get(id);
    if (cached) return cached;
    if (!this.store.station(id)) throw new StationNotInitializedError(id);
    const variables = new Map<string, LiveVariable>();
    let bytes = 0;
    for (const row of this.store.variables(id)) {
      const pipeline = restorePipeline(joinState(row.model_state, row.stream_state));
      variables.set(row.name, {
        name: row.name, window: row.window, pipelineName: row.kind, pipeline,
        samplesSeen: row.samples_seen, retrains: row.retrains, lastDecision: row.last_decision, modelVersion: row.model_version,
      });
      bytes += estimateLiveBytes(row.window, row.model_state !== null, row.stream_state.length + (row.model_state?.length ?? 0));
    }
    const live = { id, variables, bytes };
    this.cache.set(id, live);
    return live;
  }

  has(id: string): boolean { return this.store.station(id) !== undefined; }

  /** Deletes the station, its state and its outliers (undelivered results are still delivered). */
  delete(id: string): boolean {
    this.cache.delete(id);
    return this.store.transaction(() => this.store.deleteStation(id));
  }
}
