// The deep models' part of the running service: the catalog the traffic API reads named models
// from (models dir, then the bundled ones), the training of its models on their cron schedule and,
// asked over HTTP, now (issue 15 part 5), the history of those runs, and the backups of replaced
// models listed and restored. Training runs in a worker thread (src/deep/training/training-job.ts),
// one run at a time; requests keep being served by the loaded model, which the catalog swaps for
// the new one when its files change.
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
  let running: Promise<void> | undefined;
  const trainAll = async (s: TrainingSettings, trigger: TrainingRun["trigger"]) => {
    for (const name of s.names) {
      if (abort.signal.aborted) return;
      log.info({ model: name, trigger }, `${trigger === "schedule" ? "scheduled" : "requested"} training started`);
      const run = history.start(name, trigger, s.epochs);
      try {
        const r = await trainModel({
          name, modelsDir: o.modelsDir, backupsDir: o.backupsDir, druid: o.druid,
          epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, signal: abort.signal,
          onEpoch: (e) => { history.epoch(run, e); log.info({ model: name, epoch: e.epoch, epochs: e.epochs, loss: e.loss }, "training epoch"); },
        });
        history.finish(run, { result: r });
        log.info({ model: name, trigger, slices: r.slices, avg_loss: r.avgLoss, std_loss: r.stdLoss, backup: r.backup }, `${trigger === "schedule" ? "scheduled" : "requested"} training done`);
      } catch (e) {
        history.finish(run, { error: (e as Error).message, interrupted: abort.signal.aborted });
        log.error({ model: name, trigger, err: (e as Error).message }, `${trigger === "schedule" ? "scheduled" : "requested"} training failed; the previous model keeps serving`);
      }
    }
  };
  /** One run at a time in this process (the lock file keeps other processes out). */
  const launch = (s: TrainingSettings, trigger: TrainingRun["trigger"]) => {
    running = trainAll(s, trigger).finally(() => (running = undefined));
    return running;
  };
  const scheduled: TrainingSettings = {
    names: o.defaults.modelNames.split(",").map((n) => n.trim()).filter(Boolean),
    epochs: o.defaults.epochs, batchSize: o.defaults.batchSize, learningRate: DEFAULT_RETRAIN_LEARNING_RATE,
  };
  // protect: a run still going when the next tick comes is not started twice; nor is one while
  // a requested run goes on.
  const cron = o.schedule === undefined ? undefined
    : new Cron(o.schedule, { protect: true, catch: true }, () => running ?? launch(scheduled, "schedule"));
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
