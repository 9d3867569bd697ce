// The deep models the traffic API can run by name. A model lives in the models dir
// (`<modelsDir>/<name>/`) or, when absent there, among the bundled ones (assets/models: our
// default `traffic`). Each model is loaded once, on first use, and reloaded when its files change
// (checked by stat on every request, which is cheap); a model whose new files fail to load keeps
// serving its previous version.
import type { CatalogEntry, ModelCatalog, ModelInfo } from "../../detect/model-catalog";
import type { TrafficModel } from "../../detect/traffic-model";
import { detectAnomalies, type Reconstruct } from "./detect";
import type { ModelFiles } from "../files/model-files";
import type { ModelMetadata } from "../files/metadata";
import { findModel, modelNames, readModel, sourceStamp, type ModelSource } from "../files/model-source";

export interface LoadedModel {
  /** Which forward pass runs: the plain-TypeScript loops or a tfjs backend. */
  engine: "fast" | "wasm" | "cpu";
  reconstruct: Reconstruct;
  dispose(): void;
}

/** Turns model files into a runnable forward pass (see ./runtime-model.ts). */
export type ModelLoader = (files: ModelFiles) => Promise<LoadedModel>;

export interface DeepCatalogOptions {
  modelsDir: string;
  /** Also serve the models shipped with the product (default true). */
  includeBundled?: boolean;
  /** k of the threshold avg_loss + k·std_loss ([Outliers] threshold_k). */
  thresholdK: number;
  load: ModelLoader;
  onReloadError?: (name: string, error: unknown) => void;
}

interface Cached { stamp: string; where: string; entry: CatalogEntry; loaded: LoadedModel }

export class DeepModelCatalog implements ModelCatalog {
  private cache = new Map<string, Cached>();
  private pending = new Map<string, Promise<CatalogEntry | undefined>>();

  constructor(private readonly opts: DeepCatalogOptions) {}

  /** Where model `name` is read from: the models dir first, then the bundled models. */
  locate(name: string): ModelSource | undefined {
    return findModel(name, this.opts.modelsDir, this.opts.includeBundled ?? true);
  }

  get(name: string): Promise<CatalogEntry | undefined> {
    const inFlight = this.pending.get(name);
    if (inFlight) return inFlight;
    const p = this.resolve(name).finally(() => this.pending.delete(name));
    this.pending.set(name, p);
    return p;
  }

  private async resolve(name: string): Promise<CatalogEntry | undefined> {
    const source = this.locate(name);
    const cached = this.cache.get(name);
    if (!source) return cached?.entry; // mid-replacement (rename window) or removed: keep the loaded one
    const stamp = sourceStamp(source);
    const where = source.kind === "dir" ? source.dir : "bundled";
    if (cached && stamp === cached.stamp && where === cached.where) return cached.entry;
    if (stamp === undefined) return cached?.entry;
    try {
      const files = readModel(source);
      const loaded = await this.opts.load(files);
      const entry = { model: this.trafficModel(name, files.metadata, loaded), info: { ...this.info(name, files), engine: loaded.engine } };
      cached?.loaded.dispose();
      this.cache.set(name, { stamp, where, entry, loaded });
      return entry;
    } catch (e) {
      if (!cached) throw e;
      this.opts.onReloadError?.(name, e);
      return cached.entry;
    }
  }

  private trafficModel(name: string, meta: ModelMetadata, loaded: LoadedModel): TrafficModel {
    const k = this.opts.thresholdK;
    return { name, run: (rows, metric) => detectAnomalies(name, rows, metric, meta, k, loaded.reconstruct) };
  }

  list(): ModelInfo[] {
    const out: ModelInfo[] = [];
    for (const name of modelNames(this.opts.modelsDir, this.opts.includeBundled ?? true)) {
      const source = this.locate(name);
      try {
        if (source) out.push(this.info(name, readModel(source), source));
      } catch { /* a model being replaced or broken is left out of the list */ }
    }
    return out;
  }

  close(): void {
    for (const c of this.cache.values()) c.loaded.dispose();
    this.cache.clear();
  }

  private info(name: string, files: ModelFiles, source = this.locate(name)): ModelInfo {
    const m = files.metadata;
    return {
      name, kind: "deep", description: "LSTM autoencoder", metrics: m.metrics,
      window_size: m.windowSize, num_windows: m.numWindows, avg_loss: m.avgLoss, std_loss: m.stdLoss,
      threshold: m.avgLoss + this.opts.thresholdK * m.stdLoss, weekday_encoding: m.weekdayEncoding,
      source: source?.kind === "dir" ? "models dir" : "bundled",
    };
  }
}
