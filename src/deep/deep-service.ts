// The deep models' part of the running service: the catalog the traffic API reads named models
// from (models dir, then the bundled ones) and, when [Outliers] training_enabled, the training of
// every model of [Outliers] model_names on the [Outliers] schedule_hour cron. Training runs in a
// worker thread (src/deep/training-job.ts), one run at a time; requests keep being served by the
// loaded model, which the catalog swaps for the new one when its files change.
import { Cron } from "croner";
import type { ServiceDeps } from "../http/service";
import { backupsDir, modelsDir } from "../config";
import { DruidClient } from "../druid/client";
import { DeepModelCatalog } from "./catalog";
import { modelLoader } from "./runtime-model";
import { trainModel } from "./training-job";

export interface DeepModels {
  catalog: DeepModelCatalog;
  close(): Promise<void>;
}

export function startDeepModels(deps: ServiceDeps): DeepModels {
  const { config, log } = deps;
  const catalog = new DeepModelCatalog({
    modelsDir: modelsDir(config),
    thresholdK: config.Outliers.threshold_k,
    load: modelLoader("auto"),
    onReloadError: (name, err) => log.error({ model: name, err: String(err) }, "changed model files failed to load; the previous version keeps serving"),
  });
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  const trainAll = async () => {
    const druid = DruidClient.fromConfig(config.Druid);
    for (const name of config.Outliers.model_names.split(",").map((s) => s.trim()).filter(Boolean)) {
      if (abort.signal.aborted) return;
      log.info({ model: name }, "scheduled training started");
      try {
        const r = await trainModel({
          name, modelsDir: modelsDir(config), backupsDir: backupsDir(config), druid,
          epochs: config.Outliers.epochs, batchSize: config.Outliers.batch_size, signal: abort.signal,
          onEpoch: (e) => log.info({ model: name, epoch: e.epoch, epochs: e.epochs, loss: e.loss }, "training epoch"),
        });
        log.info({ model: name, slices: r.slices, avg_loss: r.avgLoss, std_loss: r.stdLoss, backup: r.backup }, "scheduled training done");
      } catch (e) {
        log.error({ model: name, err: (e as Error).message }, "scheduled training failed; the previous model keeps serving");
      }
    }
  };
  let cron: Cron | undefined;
  if (config.Outliers.training_enabled) {
    // protect: a run still going when the next tick comes is not started twice. The pattern was
    // validated with the config.
    cron = new Cron(config.Outliers.schedule_hour, { protect: true, catch: true }, () => (running = trainAll().finally(() => (running = undefined))));
  }
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
