// The deep models the traffic API can run by name. A model lives in the models dir
// (`<modelsDir>/<name>/`) or, when absent there, among the bundled ones (assets/models: our
// default `traffic`). Each model is loaded once, on first use, and reloaded when its files change
// (checked by stat on every request, which is cheap); a model whose new files fail to load keeps
// serving its previous version.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CatalogEntry, ModelCatalog, ModelInfo } from "../detect/model-catalog";
import type { TrafficModel } from "../detect/traffic-model";
import { detectAnomalies, type Reconstruct } from "./detect";
import { locateModel, modelStamp, readModelDir, type ModelFiles } from "./model-files";
import { isSafeModelName } from "../http/model-name";
import { parseMetadata, type ModelMetadata } from "./metadata";

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
  bundledDir?: string;
  /** k of the threshold avg_loss + k·std_loss ([Outliers] threshold_k). */
  thresholdK: number;
  load: ModelLoader;
  onReloadError?: (name: string, error: unknown) => void;
}

interface Cached { stamp: string; dir: string; entry: CatalogEntry; loaded: LoadedModel }

export class DeepModelCatalog implements ModelCatalog {
  private cache = new Map<string, Cached>();
  private pending = new Map<string, Promise<CatalogEntry | undefined>>();

  constructor(private readonly opts: DeepCatalogOptions) {}

  /** Where model `name` is read from: the models dir first, then the bundled models. */
  locate(name: string): string | undefined {
    return locateModel(name, [this.opts.modelsDir, this.opts.bundledDir]);
  }

  get(name: string): Promise<CatalogEntry | undefined> {
    const inFlight = this.pending.get(name);
    if (inFlight) return inFlight;
    const p = this.resolve(name).finally(() => this.pending.delete(name));
    this.pending.set(name, p);
    return p;
  }

  private async resolve(name: string): Promise<CatalogEntry | undefined> {
    const dir = this.locate(name);
    const cached = this.cache.get(name);
    if (!dir) return cached?.entry; // mid-replacement (rename window) or removed: keep the loaded one
    const stamp = modelStamp(dir);
    if (cached && stamp === cached.stamp && dir === cached.dir) return cached.entry;
    if (stamp === undefined) return cached?.entry;
    try {
      const files = readModelDir(dir);
      const loaded = await this.opts.load(files);
      const entry = { model: this.trafficModel(name, files.metadata, loaded), info: { ...this.info(name, files.metadata, dir), engine: loaded.engine } };
      cached?.loaded.dispose();
      this.cache.set(name, { stamp, dir, entry, loaded });
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
    const names = new Set<string>();
    for (const root of [this.opts.modelsDir, this.opts.bundledDir]) {
      if (!root || !existsSync(root)) continue;
      for (const n of readdirSync(root)) if (isSafeModelName(n) && existsSync(join(root, n, "model.json"))) names.add(n);
    }
    const out: ModelInfo[] = [];
    for (const name of [...names].sort()) {
      const dir = this.locate(name)!;
      try {
        out.push(this.info(name, parseMetadata(readFileSync(join(dir, "metadata.ini"), "utf8")), dir));
      } catch { /* a model being replaced or broken is left out of the list */ }
    }
    return out;
  }

  close(): void {
    for (const c of this.cache.values()) c.loaded.dispose();
    this.cache.clear();
  }

  private info(name: string, m: ModelMetadata, dir: string): ModelInfo {
    return {
      name, kind: "deep", description: "LSTM autoencoder", metrics: m.metrics,
      window_size: m.windowSize, num_windows: m.numWindows, avg_loss: m.avgLoss, std_loss: m.stdLoss,
      threshold: m.avgLoss + this.opts.thresholdK * m.stdLoss, weekday_encoding: m.weekdayEncoding,
      source: dir.startsWith(this.opts.modelsDir) ? "models dir" : "bundled",
    };
  }
}
