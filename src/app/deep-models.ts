// The deep models' part of the running service: the catalog the traffic API reads named models
// from (models dir, then the bundled ones), the training of its models on their cron schedule and,
// asked over HTTP, now (issue 15 part 5), the history of those runs, and the backups of replaced
// models listed and restored. Training runs in a worker thread (src/deep/training/training-job.ts),
// one run at a time; requests keep being served by the loaded model, which the catalog swaps for
// the new one when its files change. In cluster mode (./cluster.ts, docs/cluster.md) a box trains
// a model at a tick only while it holds that model's lease, publishes the result to S3, and the
// other boxes wait for the tick to be over (taking the lease over if its holder dies).
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { Cron } from "croner";
import type { Logger } from "pino";
import type { TimeseriesRow } from "../detect/traffic-model";
import type { DruidQuery } from "../druid/query-builder";
import { DeepModelCatalog } from "../deep/inference/catalog";
import { modelLoader } from "../deep/inference/runtime-model";
import { DEFAULT_RETRAIN_LEARNING_RATE, takeTrainingLock, trainModel, TrainingError } from "../deep/training/training-job";
import { TrainingRuns, type TrainingRun } from "../deep/training/training-runs";
import type { TrainingDefaults, TrainingSettings } from "../deep/training/training-request";
import { listBackups, restoreBackup, type Backup } from "../deep/files/backups";
import { readModelDir } from "../deep/files/model-files";
import type { Cluster } from "./cluster";

export interface DeepModelsOptions {
  /** [Paths] models_dir, and where replaced models are backed up. */
  modelsDir: string;
  backupsDir: string;
  /** Where the history of training runs is kept (in the data dir). */
  runsFile: string;
  /** [Outliers] threshold_k. */
  thresholdK: number;
  /** What a run trains by default ([Outliers] model_names, epochs, batch_size). */
  defaults: TrainingDefaults;
  druid: { query(q: DruidQuery): Promise<TimeseriesRow[]> };
  /** [Outliers] schedule_hour, a cron pattern (validated with the config); none when
   * [Outliers] training_enabled is off. */
  schedule?: string;
  log: Logger;
  cluster?: Pick<Cluster, "lease" | "store" | "sync">;
}

export interface DeepModels {
  catalog: DeepModelCatalog;
  readonly defaults: TrainingDefaults;
  /** Training runs, newest first (the one running, if any, with its progress). */
  runs(): TrainingRun[];
  /** When the schedule trains next (ISO 8601), or null when it does not. */
  nextTraining(): string | null;
  /** Starts a run of `settings` now; refused (TrainingError) while one runs. Returns at once. */
  trainNow(settings: TrainingSettings): void;
  backups(model?: string): Backup[];
  /** Restores a backup (src/deep/files/backups.ts); refused while a run trains. */
  restore(model: string, backup: string): { backup: string | undefined };
  close(): Promise<void>;
}

export function startDeepModels(o: DeepModelsOptions): DeepModels {
  const { log } = o;
  const catalog = new DeepModelCatalog({
    modelsDir: o.modelsDir,
    thresholdK: o.thresholdK,
    load: modelLoader("auto"),
    onReloadError: (name, err) => log.error({ model: name, err: String(err) }, "changed model files failed to load; the previous version keeps serving"),
  });
  const history = new TrainingRuns(o.runsFile);
  const abort = new AbortController();
  const cluster = o.cluster ?? {};
  let running: Promise<void> | undefined;
  const verb = (trigger: TrainingRun["trigger"]) => (trigger === "schedule" ? "scheduled" : "requested");
  /** Trains `name` (stopped by `signal`), recorded in the run history; with S3, publishes it (as
   * `shared.version` when the lease gave one). */
  const trainOne = async (s: TrainingSettings, name: string, trigger: TrainingRun["trigger"], signal: AbortSignal, shared?: { version: number; tick: number }) => {
    const tick = shared && { version: shared.version, tick: new Date(shared.tick).toISOString() };
    log.info({ model: name, trigger, ...tick }, `${verb(trigger)} training started`);
    const run = history.start(name, trigger, s.epochs);
    try {
      const r = await trainModel({
        name, modelsDir: o.modelsDir, backupsDir: o.backupsDir, druid: o.druid,
        epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, signal,
        onEpoch: (e) => { history.epoch(run, e); log.info({ model: name, epoch: e.epoch, epochs: e.epochs, loss: e.loss }, "training epoch"); },
      });
      history.finish(run, { result: r });
      log.info({ model: name, trigger, ...tick, slices: r.slices, avg_loss: r.avgLoss, std_loss: r.stdLoss, backup: r.backup }, `${verb(trigger)} training done`);
    } catch (e) {
      history.finish(run, { error: (e as Error).message, interrupted: signal.aborted });
      throw e;
    }
    if (!cluster.store) return;
    try {
      const published = await cluster.store.publish(name, readModelDir(join(o.modelsDir, name)), shared?.version);
      cluster.sync?.markInstalled(name, published);
      log.info({ model: name, version: published }, "model published to S3");
    } catch (e) {
      // The boxes must not disagree: this box goes back to the cluster's current version at the
      // next poll that reaches S3 (the model trained here is backed up then, as any replaced one).
      cluster.sync?.forget(name);
      log.error({ model: name, err: (e as Error).message }, "the model trained here could not be published; the cluster's version replaces it when S3 can be reached");
    }
  };
  /** One model at one tick, cluster-wide: take the lease, or wait until the tick is over. */
  const trainShared = async (s: TrainingSettings, name: string, tick: number, deadline: number) => {
    const shared = cluster.lease!;
    while (!abort.signal.aborted && Date.now() < deadline) {
      if (!shared.reachable()) {
        log.warn({ model: name }, "Redis cannot be reached: not training this tick");
        return;
      }
      const answer = await shared.lease.tryTake(name, tick);
      if (answer.kind === "done") return;
      if (answer.kind === "busy") {
        await sleep(Math.min(1000, shared.leaseMs / 3), undefined, { signal: abort.signal }).catch(() => {});
        continue;
      }
      const { lease } = answer;
      try {
        await trainOne(s, name, "schedule", AbortSignal.any([abort.signal, lease.lost]), { version: lease.fence, tick });
        await lease.finish();
      } catch (e) {
        if (lease.lost.aborted) {
          log.error({ model: name, err: String(lease.lost.reason) }, "training lease lost; another box trains this tick");
          return;
        }
        log.error({ model: name, err: (e as Error).message }, "scheduled training failed; the previous model keeps serving");
        await lease.finish(); // the tick had its one try
      } finally {
        await lease.release();
      }
      return;
    }
  };
  /** A scheduled run with its tick (the scheduled time, the same on every box) shares the work
   * through the cluster's lease; a requested run, or any run without a cluster, trains here. */
  const trainAll = async (s: TrainingSettings, trigger: TrainingRun["trigger"], tick?: { at: number; deadline: number }) => {
    for (const name of s.names) {
      if (abort.signal.aborted) return;
      try {
        if (cluster.lease && tick) await trainShared(s, name, tick.at, tick.deadline);
        else await trainOne(s, name, trigger, abort.signal);
      } catch (e) {
        log.error({ model: name, trigger, err: (e as Error).message }, `${verb(trigger)} training failed; the previous model keeps serving`);
      }
    }
  };
  /** One run at a time in this process (the lock file keeps other processes out). */
  const launch = (s: TrainingSettings, trigger: TrainingRun["trigger"], tick?: { at: number; deadline: number }) => {
    running = trainAll(s, trigger, tick).finally(() => (running = undefined));
    return running;
  };
  const scheduled: TrainingSettings = {
    names: o.defaults.modelNames.split(",").map((n) => n.trim()).filter(Boolean),
    epochs: o.defaults.epochs, batchSize: o.defaults.batchSize, learningRate: DEFAULT_RETRAIN_LEARNING_RATE,
  };
  // A tick is named by its scheduled time, the same on every box whatever its delay; a box waits
  // for it until the next.
  const tickOf = (self: Cron) => {
    const now = Date.now();
    return { at: self.previousRuns(1, new Date(now + 1))[0]?.getTime() ?? now, deadline: self.nextRun()?.getTime() ?? now + 86_400_000 };
  };
  const skip = (self: Cron) => log.warn({ tick: new Date(tickOf(self).at).toISOString() }, "scheduled training skipped: a training run (or, in a cluster, the wait for the previous tick) is still going");
  // protect: a run still going when the next tick comes is not started twice; nor is one while
  // a requested run goes on. Either way the tick is skipped, and the log says so.
  const cron = o.schedule === undefined ? undefined
    : new Cron(o.schedule, { protect: skip, catch: true }, (self: Cron) => {
      if (running) { skip(self); return running; }
      return launch(scheduled, "schedule", tickOf(self));
    });
  return {
    catalog,
    defaults: o.defaults,
    runs: () => history.list(),
    nextTraining: () => cron?.nextRun()?.toISOString() ?? null,
    trainNow(settings) {
      if (running) throw new TrainingError(`a training run is in progress (${history.running()?.model ?? "a model"}); one runs at a time, try again when it ends`);
      void launch(settings, "request");
    },
    backups: (model) => listBackups(o.backupsDir, model),
    restore(model, backup) {
      if (running) throw new TrainingError("a training run is in progress; restore when it ends (it would replace the restored model)");
      const release = takeTrainingLock(o.modelsDir);
      try {
        return { backup: restoreBackup(o.modelsDir, o.backupsDir, model, backup) };
      } finally {
        release();
      }
    },
    async close() {
      cron?.stop();
      abort.abort();
      await running?.catch(() => {});
      catalog.close();
    },
  };
}
