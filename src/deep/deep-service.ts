// The deep models' part of the running service: the catalog the traffic API reads named models
// from (models dir, then the bundled ones) and, when enabled, the scheduled training.
import type { ServiceDeps } from "../http/service";
import { modelsDir } from "../config";
import { DeepModelCatalog } from "./catalog";
import { bundledModelsDir } from "./bundled-models";
import { modelLoader } from "./runtime-model";

export interface DeepModels {
  catalog: DeepModelCatalog;
  close(): Promise<void>;
}

export function startDeepModels(deps: ServiceDeps): DeepModels {
  const { config, log } = deps;
  const catalog = new DeepModelCatalog({
    modelsDir: modelsDir(config),
    bundledDir: bundledModelsDir(),
    thresholdK: config.Outliers.threshold_k,
    load: modelLoader("auto"),
    onReloadError: (name, err) => log.error({ model: name, err: String(err) }, "changed model files failed to load; the previous version keeps serving"),
  });
  return {
    catalog,
    async close() { catalog.close(); },
  };
}
