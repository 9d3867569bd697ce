// The deep models' part of the running service: the catalog the traffic API reads named models
// from (models dir, then the bundled ones) and, when given `training`, the training of each of its
// models on its cron schedule. Training runs in a worker thread (src/deep/training/training-job.ts),
// one run at a time; requests keep being served by the loaded model, which the catalog swaps for
// the new one when its files change.
import { Cron } from "croner";
import type { Logger } from "pino";
import type { TimeseriesRow } from "../detect/traffic-model";
import type { DruidQuery } from "../druid/query-builder";
import { DeepModelCatalog } from "../deep/inference/catalog";
import { modelLoader } from "../deep/inference/runtime-model";
import { trainModel } from "../deep/training/training-job";

export interface DeepModelsOptions {
  /** [Paths] models_dir, and where replaced models are backed up. */
  modelsDir: string;
  backupsDir: string;
  /** [Outliers] threshold_k. */
  thresholdK: number;
  /** Scheduled training ([Outliers] training_enabled); none when undefined. */
  training?: {
    /** A cron pattern (validated with the config). */
    schedule: string;
    modelNames: string[];
    epochs: number;
    batchSize: number;
    druid: { query(q: DruidQuery): Promise<TimeseriesRow[]> };
  };
  log: Logger;
}

export interface DeepModels {
  catalog: DeepModelCatalog;
  close(): Promise<void>;
}

export function startDeepModels(o: DeepModelsOptions): DeepModels {
  const { log, training } = o;
  const catalog = new DeepModelCatalog({
    modelsDir: o.modelsDir,
    thresholdK: o.thresholdK,
    load: modelLoader("auto"),
    onReloadError: (name, err) => log.error({ model: name, err: String(err) }, "changed model files failed to load; the previous version keeps serving"),
  });
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  const trainAll = async (t: NonNullable<DeepModelsOptions["training"]>) => {
    for (const name of t.modelNames) {
      if (abort.signal.aborted) return;
      log.info({ model: name }, "scheduled training started");
      try {
        const r = await trainModel({
          name, modelsDir: o.modelsDir, backupsDir: o.backupsDir, druid: t.druid,
          epochs: t.epochs, batchSize: t.batchSize, signal: abort.signal,
          onEpoch: (e) => log.info({ model: name, epoch: e.epoch, epochs: e.epochs, loss: e.loss }, "training epoch"),
        });
        log.info({ model: name, slices: r.slices, avg_loss: r.avgLoss, std_loss: r.stdLoss, backup: r.backup }, "scheduled training done");
      } catch (e) {
        log.error({ model: name, err: (e as Error).message }, "scheduled training failed; the previous model keeps serving");
      }
    }
  };
  // protect: a run still going when the next tick comes is not started twice.
  const cron = training && new Cron(training.schedule, { protect: true, catch: true }, () => (running = trainAll(training).finally(() => (running = undefined))));
  return {
    catalog,
    async close() {
      cron?.stop();
      abort.abort();
      await running?.catch(() => {});
      catalog.close();
    },
  };
}
