// How the traffic API finds a model by name (docs/design.md § Traffic request). The default shallow
// model is always there; deep models (src/deep) come from a catalog of named models that the deep
// side provides. A model is only ever named by a safe name (isSafeModelName): the API checks the
// request's name before get(), and the deep models' files are only read and written under such names.
import type { TrafficModel } from "./traffic-model";

export const DEFAULT_MODEL_NAME = "default";

const MODEL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Only [A-Za-z0-9_-]{1,64} can name a model, so a name can never leave the models dir: no "..",
 * slashes, encoded slashes, NUL or absolute paths. */
export function isSafeModelName(name: string): boolean {
  return MODEL_NAME.test(name);
}

/** What GET /api/v1/models shows for a model. */
export interface ModelInfo {
  name: string;
  /** "shallow": runs on the query as sent; "deep": the query is rewritten to ask for the whole
   * traffic metric set before it goes to Druid (src/druid/query-builder.ts). */
  kind: "shallow" | "deep";
  description?: string;
  /** Metrics the model reads from each row (deep models), in its order. */
  metrics?: string[];
  /** Anything else worth showing (window_size, avg_loss, trained_at, ...). */
  [key: string]: unknown;
}

export interface CatalogEntry {
  model: TrafficModel;
  info: ModelInfo;
}

export interface ModelCatalog {
  /** The model called `name`, or undefined when there is none. */
  get(name: string): CatalogEntry | undefined | Promise<CatalogEntry | undefined>;
  list(): ModelInfo[] | Promise<ModelInfo[]>;
}

/** Input a model cannot judge (too few points, a metric it lacks): the API answers 400 with the
 * message, which must say what to send. Models throw it; any other error is a fault (500). */
export class ModelInputError extends Error {
  override name = "ModelInputError";
}

/** The catalog the API uses: `named` (deep models) plus the default model, which always wins
 * for DEFAULT_MODEL_NAME. */
export function catalogWithDefault(defaultEntry: CatalogEntry, named?: ModelCatalog): ModelCatalog {
  return {
    async get(name) {
      if (name === DEFAULT_MODEL_NAME) return defaultEntry;
      return named ? await named.get(name) : undefined;
    },
    async list() {
      const others = named ? (await named.list()).filter((m) => m.name !== DEFAULT_MODEL_NAME) : [];
      return [defaultEntry.info, ...others];
    },
  };
}
