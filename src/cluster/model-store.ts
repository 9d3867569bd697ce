// Deep models in S3 (docs/cluster.md § Models shared through S3):
//   <prefix>models/<name>/v<version>/model.json, weights.bin, metadata.ini, filter.json,
//                                    <name>.keras (the same model for Keras)
//   <prefix>models/<name>/manifest.json   written last (./manifest.ts)
// A version's objects are never rewritten; going back is writing the manifest with an older
// `current`. With [AWS] write_original_layout, a publish also writes the original's layout
// (./original-layout.ts) after the manifest.
import { writeKerasArchive } from "../deep/files/keras-archive";
import { modelFileBytes, readModelFiles, type ModelFiles } from "../deep/files/model-files";
import { readOriginal, writeOriginal, type OriginalModel } from "./original-layout";
import { checkFiles, describeVersion, parseManifest, withVersion, type Manifest } from "./manifest";
import type { ObjectStore } from "./object-store";

export class ModelStoreError extends Error {
  override name = "ModelStoreError";
}

export interface ModelStoreOptions {
  /** [AWS] key_prefix. */
  prefix: string;
  /** [AWS] versions_kept. */
  kept: number;
  /** This box's name in the manifest. */
  box: string;
  /** [AWS] write_original_layout. */
  writeOriginalLayout?: boolean;
}

export class ModelStore {
  constructor(private readonly store: ObjectStore, private readonly o: ModelStoreOptions) {}

  manifestKey = (name: string) => `${this.o.prefix}models/${name}/manifest.json`;
  private fileKey = (name: string, version: number, file: string) => `${this.o.prefix}models/${name}/v${version}/${file}`;

  /** The model's manifest; undefined when S3 has none. A manifest that is not one is an error naming its key. */
  async manifest(name: string): Promise<Manifest | undefined> {
    const bytes = await this.store.get(this.manifestKey(name));
    if (!bytes) return undefined;
    const m = parseManifest(bytes, name);
    if (m instanceof Error) throw new ModelStoreError(`${this.store.describe(this.manifestKey(name))} refused: ${m.message}`);
    return m;
  }

  /**
   * Uploads `files` as version `version` (the lease's fence, or one past the newest without Redis)
   * and makes it current; refuses a version not above every one in the manifest (a box whose lease
   * ran out while another box published after it).
   */
  async publish(name: string, files: ModelFiles, version?: number, now = new Date()): Promise<number> {
    const prior = await this.manifest(name);
    const newest = Math.max(0, ...(prior?.versions ?? []).map((v) => v.version));
    const v = version ?? newest + 1;
    if (v <= newest) throw new ModelStoreError(`version ${v} of '${name}' is not newer than ${newest} in ${this.store.describe(this.manifestKey(name))}; not published`);
    const bytes = modelFileBytes(files);
    const keras = await writeKerasArchive(files.config, files.weights, now);
    bytes.set(`${name}.keras`, keras);
    for (const [file, b] of bytes) await this.store.put(this.fileKey(name, v, file), b);
    const { manifest, dropped } = withVersion(prior, name, describeVersion(v, this.o.box, bytes, now), this.o.kept);
    await this.writeManifest(manifest);
    for (const old of dropped) for (const file of Object.keys(old.files)) await this.store.delete(this.fileKey(name, old.version, file));
    if (this.o.writeOriginalLayout) await writeOriginal(this.store, this.o.prefix, name, files, keras);
    return v;
  }

  /**
   * The model the original service left under `<prefix>latest/` (read only for a model without a
   * manifest of ours); "unchanged" when its .keras has SHA-256 `known`. Refusals are ModelStoreErrors.
   */
  async original(name: string, known?: string): Promise<OriginalModel | "unchanged" | undefined> {
    try {
      return await readOriginal(this.store, this.o.prefix, name, known);
    } catch (e) {
      if ((e as Error).name === "ObjectStoreError") throw e;
      throw new ModelStoreError((e as Error).message);
    }
  }

  /** Version `version` of the model, every file checked against the manifest and the model read back. */
  async fetch(name: string, manifest: Manifest, version = manifest.current): Promise<ModelFiles> {
    const entry = manifest.versions.find((v) => v.version === version);
    if (!entry) throw new ModelStoreError(`no version ${version} of '${name}' in ${this.store.describe(this.manifestKey(name))}`);
    const got = new Map<string, Uint8Array | undefined>();
    for (const file of Object.keys(entry.files)) got.set(file, await this.store.get(this.fileKey(name, version, file)));
    const checked = checkFiles(entry, got);
    const where = this.store.describe(this.fileKey(name, version, ""));
    if (checked instanceof Error) throw new ModelStoreError(`${where}${checked.message}; refused`);
    try {
      return readModelFiles((f) => checked.get(f), where.replace(/\/$/, ""));
    } catch (e) {
      throw new ModelStoreError(`${where} refused: ${(e as Error).message}`);
    }
  }

  /** Makes `version` (default: the one before the current) current for every box; returns [from, to]. */
  async rollback(name: string, version?: number): Promise<{ from: number; to: number }> {
    const m = await this.manifest(name);
    if (!m) throw new ModelStoreError(`no model '${name}' in S3 (${this.store.describe(this.manifestKey(name))})`);
    const kept = m.versions.map((v) => v.version);
    const to = version ?? kept.filter((v) => v < m.current).sort((a, b) => b - a)[0];
    if (to === undefined) throw new ModelStoreError(`'${name}' has no version before ${m.current}; kept: ${kept.join(", ")}`);
    if (!kept.includes(to)) throw new ModelStoreError(`'${name}' has no version ${to}; kept: ${kept.join(", ")}`);
    await this.writeManifest({ ...m, current: to });
    return { from: m.current, to };
  }

  private writeManifest(m: Manifest): Promise<void> {
    return this.store.put(this.manifestKey(m.name), Buffer.from(JSON.stringify(m, null, 2) + "\n", "utf8"), "application/json");
  }
}
