// The traffic half of the service (docs/design.md § Traffic API), wired: the default shallow model,
// the deep models (their catalog and scheduled training), the Druid client, and the traffic API's
// routes over them.
import { backupsDir, modelsDir } from "../config";
import { startDeepModels } from "./deep-models";
import { catalogWithDefault } from "../detect/model-catalog";
import { ShallowModel } from "../detect/shallow-model";
import { DruidClient } from "../druid/client";
import { createTrafficApp } from "../http/traffic-app";
import type { Service, ServiceDeps } from "./service";

export async function createTrafficService(deps: ServiceDeps): Promise<Service> {
  const { config, log, metrics } = deps;
  const shallow = new ShallowModel({
    contamination: config.ShallowOutliers.contamination,
    sensitivity: config.ShallowOutliers.sensitivity,
  });
  const druid = DruidClient.fromConfig(config.Druid);
  const outliers = config.Outliers;
  const deep = startDeepModels({
    modelsDir: modelsDir(config), backupsDir: backupsDir(config), thresholdK: outliers.threshold_k, log,
    training: outliers.training_enabled ? {
      schedule: outliers.schedule_hour, modelNames: outliers.model_names.split(",").map((s) => s.trim()).filter(Boolean),
      epochs: outliers.epochs, batchSize: outliers.batch_size, druid,
    } : undefined,
  });
  const catalog = catalogWithDefault({
    model: shallow,
    info: {
      name: shallow.name, kind: "shallow",
      description: "smoothed series + isolation forest (ShallowOutliers of rb-aioutliers), no training needed",
      contamination: config.ShallowOutliers.contamination, sensitivity: config.ShallowOutliers.sensitivity,
    },
  }, deep.catalog);
  const app = createTrafficApp({ catalog, druid, metric: outliers.metric, bodyLimit: outliers.body_limit, log, metrics });
  return { app, close: () => deep.close() };
}
