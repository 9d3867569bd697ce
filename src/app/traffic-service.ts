// The traffic half of the service (docs/design.md § Traffic API), wired: the default model (with
// its series memory when [ShallowOutliers] memory is on), the deep models (their catalog and
// scheduled training), the Druid client, and the traffic API's routes over them.
import { statSync } from "node:fs";
import { join } from "node:path";
import { productVersion } from "../runtime/version";
import { backupsDir, modelsDir } from "../config";
import { startDeepModels } from "./deep-models";
import { modelAdmin } from "./model-admin";
import { startCluster } from "./cluster";
import { rollbackModel } from "./model-rollback";
import { catalogWithDefault } from "../detect/model-catalog";
import { defaultTrafficModel } from "../detect/shallow-model";
import { DruidClient } from "../druid/client";
import { createTrafficApp } from "../http/traffic-app";
import { consoleOptions } from "./console-files";
import { ContextPool } from "../traffic/context-pool";
import { createHelperMetrics } from "../traffic/context-pool-metrics";
import { RememberingModel, SeriesMemory } from "../traffic/series-memory";
import { RecentRequests } from "../traffic/recent-requests";
import type { Service, ServiceDeps } from "./service";

/** The series memory's file in the data dir. */
export const SERIES_DB = "traffic-series.sqlite";

/** Each deep model's version: when its files in the models dir were written, or the build it was
 * bundled with. */
function modelVersions(models: Array<{ name: string; source?: string }>, dir: string) {
  return models.map((m) => {
    if (m.source !== "models dir") return { name: m.name, version: `bundled with ${productVersion()}` };
    try {
      return { name: m.name, version: `written ${statSync(join(dir, m.name, "model.json")).mtime.toISOString()}` };
    } catch {
      return { name: m.name, version: "being replaced" };
    }
  });
}

export async function createTrafficService(deps: ServiceDeps): Promise<Service> {
  const { config, log, metrics } = deps;
  const context = ContextPool.forMachine(log);
  if (context) createHelperMetrics(metrics, context);
  const shallow = defaultTrafficModel(config.ShallowOutliers, context);
  const memory = config.ShallowOutliers.memory
    ? SeriesMemory.open(join(config.Paths.data_dir, SERIES_DB), { maxSeries: config.ShallowOutliers.memory_series, maxBytes: config.ShallowOutliers.memory_bytes }, log)
    : undefined;
  const druid = DruidClient.fromConfig(config.Druid);
  const outliers = config.Outliers;
  const modelNames = outliers.model_names.split(",").map((s) => s.trim()).filter(Boolean);
  const cluster = await startCluster(config, modelNames, log);
  const deep = startDeepModels({
    modelsDir: modelsDir(config), backupsDir: backupsDir(config), runsFile: join(config.Paths.data_dir, "training-runs.json"),
    thresholdK: outliers.threshold_k, log, druid, cluster,
    defaults: { modelNames: outliers.model_names, epochs: outliers.epochs, batchSize: outliers.batch_size },
    ...(outliers.training_enabled ? { schedule: outliers.schedule_hour } : {}),
  });
  const catalog = catalogWithDefault({
    model: memory ? new RememberingModel(shallow, memory) : shallow,
    info: {
      name: shallow.name, kind: "shallow",
      description: "the station default detector over the series (with series memory when on) + the smoothed series as forecast (after ShallowOutliers of rb-aioutliers), no training needed",
      contamination: config.ShallowOutliers.contamination, sensitivity: config.ShallowOutliers.sensitivity,
    },
  }, deep.catalog);
  deps.statusParts.add(() => ({
    druid: { endpoint: druid.endpoint, last_contact: druid.lastContact ?? null },
    next_training: deep.nextTraining(),
    models: modelVersions(deep.catalog.list(), modelsDir(config)),
    budgets: {
      series_memory: { setting: "[ShallowOutliers] memory_bytes", bytes: config.ShallowOutliers.memory_bytes, used_bytes: memory?.totals().bytes ?? 0 },
    },
  }));
  const app = createTrafficApp({ catalog, druid, metric: outliers.metric, bodyLimit: outliers.body_limit, log, metrics, recent: new RecentRequests(),
    models: modelAdmin(deep, (name, version) => rollbackModel(cluster, name, version, log)),
    access: { token: config.Server.auth_token, reads: config.Server.auth_reads },
    allowedDataSources: config.Druid.allowed_datasources.split(",").map((s) => s.trim()).filter(Boolean),
    ...consoleOptions(config, deps.statusParts),
    ...(memory ? { storage: () => memory.storage() } : {}),
    clusterHealth: () => cluster.health(),
  });
  return { app, close: async () => { await deep.close(); await cluster.close(); memory?.close(); await context?.close(); } };
}
