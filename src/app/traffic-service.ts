// The traffic half of the service (docs/design.md § Traffic API), wired: the default model (with
// its series memory when [ShallowOutliers] memory is on), the deep models (their catalog and
// scheduled training), the Druid client, and the traffic API's routes over them.
import { join } from "node:path";
import { backupsDir, modelsDir } from "../config";
import { startDeepModels } from "./deep-models";
import { startCluster } from "./cluster";
import { rollbackModel } from "./model-rollback";
import { catalogWithDefault } from "../detect/model-catalog";
import { defaultTrafficModel } from "../detect/shallow-model";
import { DruidClient } from "../druid/client";
import { createTrafficApp } from "../http/traffic-app";
import { consoleOptions } from "./console-files";
import { RememberingModel, SeriesMemory } from "../traffic/series-memory";
import type { Service, ServiceDeps } from "./service";

export async function createTrafficService(deps: ServiceDeps): Promise<Service> {
  const { config, log, metrics } = deps;
  const shallow = defaultTrafficModel(config.ShallowOutliers);
  const memory = config.ShallowOutliers.memory
    ? SeriesMemory.open(join(config.Paths.data_dir, "traffic-series.sqlite"), { maxSeries: config.ShallowOutliers.memory_series, maxBytes: config.ShallowOutliers.memory_bytes }, log)
    : undefined;
  const druid = DruidClient.fromConfig(config.Druid);
  const outliers = config.Outliers;
  const modelNames = outliers.model_names.split(",").map((s) => s.trim()).filter(Boolean);
  const cluster = await startCluster(config, modelNames, log);
  const deep = startDeepModels({
    modelsDir: modelsDir(config), backupsDir: backupsDir(config), thresholdK: outliers.threshold_k, log, cluster,
    training: outliers.training_enabled ? {
      schedule: outliers.schedule_hour, modelNames,
      epochs: outliers.epochs, batchSize: outliers.batch_size, druid,
    } : undefined,
  });
  const catalog = catalogWithDefault({
    model: memory ? new RememberingModel(shallow, memory) : shallow,
    info: {
      name: shallow.name, kind: "shallow",
      description: "the station default detector over the series (with series memory when on) + the smoothed series as forecast (after ShallowOutliers of rb-aioutliers), no training needed",
      contamination: config.ShallowOutliers.contamination, sensitivity: config.ShallowOutliers.sensitivity,
    },
  }, deep.catalog);
  const app = createTrafficApp({
    catalog, druid, metric: outliers.metric, bodyLimit: outliers.body_limit, log, metrics, ...consoleOptions(),
    clusterHealth: () => cluster.health(),
    rollback: (name, version) => rollbackModel(cluster, name, version, log),
  });
  return { app, close: async () => { await deep.close(); await cluster.close(); memory?.close(); } };
}
