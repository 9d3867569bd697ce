// Every box's side of S3 model sharing: every [AWS] sync_interval_s it reads each model's manifest
// and, when its current version is not the one installed here, downloads it, checks every file
// against the manifest, reads the model back and only then swaps it in (writeModelDir: a rename,
// so the catalog serves the old or the new model, never a mix). Anything refused is logged with
// the object's name and the previous model keeps serving. A model with no manifest of ours is taken
// from the original's layout (<prefix>latest/<name>.keras, .ini, _filter.json) when it is there:
// docs/cluster.md § Mixed clusters: moving from the original one box at a time.
import type { Logger } from "pino";
import { writeModelDir } from "../deep/files/model-files";
import type { ModelStore } from "./model-store";

export interface ModelSyncOptions {
  store: ModelStore;
  modelsDir: string;
  backupsDir: string;
  /** The models to keep in step ([Outliers] model_names). */
  names: string[];
  intervalMs: number;
  log: Logger;
}

export interface SyncHealth {
  state: "ok" | "unreachable" | "starting";
  /** ISO time of the last poll that reached S3. */
  last_sync?: string;
  /** The version installed from S3, by model. */
  versions: Record<string, number>;
  /** Models served from the original's layout (no manifest of ours yet): the .keras SHA-256's first 12 hex digits. */
  original_layout?: Record<string, string>;
  error?: string;
}

export class ModelSync {
  private readonly installed = new Map<string, number>();
  /** The SHA-256 of the original's .keras installed, by model. */
  private readonly fromOriginal = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private lastOk?: Date;
  private lastError?: string;
  private reached = false;

  constructor(private readonly o: ModelSyncOptions) {}

  start(): void {
    const tick = () => { this.polling ??= this.pollOnce().finally(() => (this.polling = undefined)); };
    tick();
    this.timer = setInterval(tick, this.o.intervalMs);
    this.timer.unref();
  }

  /** After this box published `version` of `name` (its files are already in the models dir). */
  markInstalled(name: string, version: number): void {
    this.installed.set(name, version);
  }

  /** The model in the models dir is none of S3's versions (trained here, not published): the next
   * poll installs the current one. */
  forget(name: string): void {
    this.installed.delete(name);
    this.fromOriginal.delete(name);
  }

  /** One pass over the models; resolves when done (errors are logged, not thrown). */
  async pollOnce(): Promise<void> {
    let unreachable: string | undefined;
    for (const name of this.o.names) {
      try {
        const manifest = await this.o.store.manifest(name);
        if (!manifest) { await this.installOriginal(name); continue; }
        if (manifest.current === this.installed.get(name)) continue;
        const files = await this.o.store.fetch(name, manifest);
        writeModelDir(this.o.modelsDir, name, files, { backupsDir: this.o.backupsDir });
        const from = this.installed.get(name);
        this.installed.set(name, manifest.current);
        this.fromOriginal.delete(name);
        this.o.log.info({ model: name, version: manifest.current, from }, "model version from S3 installed");
      } catch (e) {
        const msg = (e as Error).message;
        if ((e as Error).name === "ObjectStoreError") unreachable ??= msg;
        else if ((e as Error).name === "ModelStoreError") this.o.log.error({ model: name, err: msg }, "model from S3 refused; the previous version keeps serving");
        else this.o.log.error({ model: name, err: msg }, "model from S3 could not be installed; the previous version keeps serving");
      }
    }
    if (unreachable) {
      if (this.lastError !== unreachable) this.o.log.warn({ err: unreachable }, "S3 cannot be reached; models stay as they are");
      this.lastError = unreachable;
    } else {
      if (this.lastError) this.o.log.info("S3 reached again");
      this.lastError = undefined;
      this.lastOk = new Date();
    }
    this.reached = true;
  }

  /** The original's model of `name`, installed when its .keras is not the one installed already. */
  private async installOriginal(name: string): Promise<void> {
    const got = await this.o.store.original(name, this.fromOriginal.get(name));
    if (!got || got === "unchanged") return;
    writeModelDir(this.o.modelsDir, name, got.files, { backupsDir: this.o.backupsDir });
    this.fromOriginal.set(name, got.sha256);
    this.installed.delete(name);
    this.o.log.info({ model: name, keras_sha256: got.sha256 }, "model from the original's S3 layout installed");
  }

  health(): SyncHealth {
    const original = [...this.fromOriginal].map(([name, sum]) => [name, sum.slice(0, 12)]);
    return {
      state: !this.reached ? "starting" : this.lastError ? "unreachable" : "ok",
      last_sync: this.lastOk?.toISOString(), versions: Object.fromEntries(this.installed),
      ...(original.length ? { original_layout: Object.fromEntries(original) } : {}), error: this.lastError,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }
}
