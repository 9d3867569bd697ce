// Keras `.keras` archives (Keras 2.15 saving_lib): a zip of `config.json`, `metadata.json` and
// `model.weights.h5`, whose layer weights sit at `layers/<snake_case class>[_n]/vars/<i>`
// (LSTM: `layers/lstm/cell/vars/<i>`), float32. h5wasm reads and writes the HDF5 file; it works on
// real files, so the h5 goes through a private temporary directory.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, strFromU8, unzipSync, zipSync } from "fflate";
import { h5LayerGroups, validateKerasConfig, weightSpecs, type KerasModelConfig, type WeightSpec } from "../keras-model";

export interface KerasArchive {
  config: KerasModelConfig;
  /** One array per weightSpecs(config) entry, in that order. */
  weights: Float32Array[];
  specs: WeightSpec[];
}

export class KerasArchiveError extends Error {
  override name = "KerasArchiveError";
}

type H5 = typeof import("h5wasm/node").default;
let h5Promise: Promise<H5> | undefined;
async function h5(): Promise<H5> {
  h5Promise ??= import("h5wasm/node").then(async (m) => { await m.default.ready; return m.default; });
  return h5Promise;
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "rbao-keras-"));
  try { return await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

export async function readKerasArchive(bytes: Uint8Array): Promise<KerasArchive> {
  let files: Record<string, Uint8Array>;
  try { files = unzipSync(bytes); } catch (e) { throw new KerasArchiveError(`not a zip archive (${(e as Error).message})`); }
  for (const name of ["config.json", "model.weights.h5"])
    if (!files[name]) throw new KerasArchiveError(`the archive has no ${name} (a Keras 2.13+ .keras file has config.json, metadata.json, model.weights.h5)`);
  let json: unknown;
  try { json = JSON.parse(strFromU8(files["config.json"])); } catch { throw new KerasArchiveError("config.json is not valid JSON"); }
  const config = validateKerasConfig(json);
  const specs = weightSpecs(config);
  const lib = await h5();
  const weights = await withTempDir(async (dir) => {
    const path = join(dir, "model.weights.h5");
    writeFileSync(path, files["model.weights.h5"]);
    const f = new lib.File(path, "r");
    try {
      return specs.map((s) => {
        const ds = f.get(s.path);
        if (!(ds instanceof lib.Dataset)) throw new KerasArchiveError(`model.weights.h5 has no dataset ${s.path}`);
        const shape = ds.shape ?? [];
        if (shape.join(",") !== s.shape.join(",")) throw new KerasArchiveError(`${s.path} has shape [${shape}], the config needs [${s.shape}]`);
        return Float32Array.from(ds.value as ArrayLike<number>);
      });
    } finally { f.close(); }
  });
  return { config, weights, specs };
}

/** The archive bytes; `savedAt` goes into metadata.json as Keras writes it ("2024-04-10@09:13:24"). */
export async function writeKerasArchive(config: KerasModelConfig, weights: Float32Array[], savedAt: Date): Promise<Uint8Array> {
  const specs = weightSpecs(config);
  if (specs.length !== weights.length) throw new KerasArchiveError(`the config has ${specs.length} weights, got ${weights.length}`);
  const lib = await h5();
  const h5bytes = await withTempDir(async (dir) => {
    const path = join(dir, "model.weights.h5");
    // libver earliest..v110 writes the same superblock and object headers as Keras' h5py files.
    const f = new lib.File(path, "w", { libver: ["earliest", "v110"] });
    try {
      const layers = f.create_group("layers");
      config.config.layers.forEach((l, i) => {
        const g = layers.create_group(h5LayerGroups(config)[i]);
        if (l.class_name === "LSTM") g.create_group("cell").create_group("vars");
        g.create_group("vars");
      });
      specs.forEach((s, i) => {
        if (weights[i].length !== s.shape.reduce((a, b) => a * b, 1)) throw new KerasArchiveError(`${s.path}: ${weights[i].length} values for shape [${s.shape}]`);
        f.create_dataset({ name: s.path, data: weights[i], shape: s.shape, dtype: "<f" });
      });
    } finally { f.close(); }
    return readFileSync(path);
  });
  const iso = savedAt.toISOString();
  const metadata = { keras_version: "2.15.0", date_saved: `${iso.slice(0, 10)}@${iso.slice(11, 19)}` };
  return zipSync({
    "metadata.json": strToU8(JSON.stringify(metadata)),
    "config.json": strToU8(JSON.stringify(config)),
    "model.weights.h5": new Uint8Array(h5bytes),
  });
}
