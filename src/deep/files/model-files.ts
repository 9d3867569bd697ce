// A deep model on disk (docs/design.md § Model files): `<models dir>/<name>/` holds
//   model.json    {"format", "keras": <Keras functional config>, "weights": [{layer, path, shape}]}
//   weights.bin   the weights as little-endian float32, concatenated in that order
//   metadata.ini  [Columns] metrics, timestamp; [General] avg_loss, std_loss, window_size,
//                 num_windows, weekday_encoding
//   filter.json   the Druid filter of its training data (optional)
// A model is written into a fresh sibling directory (every file fsynced) that then replaces the
// old one by rename, so a reader never sees half a model; the old one can first be copied to the
// backups dir as `<name>-<UTC timestamp>/`.
import { closeSync, cpSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { validateKerasConfig, weightSpecs, type KerasModelConfig, type WeightSpec } from "../keras-model";
import { formatMetadata, parseMetadata, type ModelMetadata } from "./metadata";
import { isSafeModelName } from "../../detect/model-catalog";

export const MODEL_FORMAT = "rb-aioutliers-deep/1";
export const MODEL_FILES = ["model.json", "weights.bin", "metadata.ini"] as const;

export interface ModelFiles {
  config: KerasModelConfig;
  weights: Float32Array[];
  metadata: ModelMetadata;
  filter?: unknown;
}

export class ModelFilesError extends Error {
  override name = "ModelFilesError";
}

export function readModelDir(dir: string): ModelFiles {
  return readModelFiles((f) => {
    try { return readFileSync(join(dir, f)); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new ModelFilesError(`${join(dir, f)}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }, dir);
}

/** A model from its files as `read` returns them (undefined: no such file); `where` names it in errors. */
export function readModelFiles(readFile: (file: string) => Uint8Array | undefined, where: string): ModelFiles {
  const read = (f: string) => {
    const b = readFile(f);
    if (!b) throw new ModelFilesError(`${join(where, f)}: missing`);
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  };
  const dir = where;
  let doc: { format?: string; keras?: unknown; weights?: WeightSpec[] };
  try { doc = JSON.parse(read("model.json").toString("utf8")); } catch (e) {
    throw e instanceof ModelFilesError ? e : new ModelFilesError(`${join(dir, "model.json")} is not valid JSON`);
  }
  if (doc.format !== MODEL_FORMAT) throw new ModelFilesError(`${join(dir, "model.json")}: format must be ${MODEL_FORMAT}`);
  const config = validateKerasConfig(doc.keras);
  const specs = weightSpecs(config);
  const bin = read("weights.bin");
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  if (bin.byteLength !== total * 4) throw new ModelFilesError(`${join(dir, "weights.bin")} has ${bin.byteLength} bytes, the model needs ${total * 4}`);
  const all = new Float32Array(total);
  new Uint8Array(all.buffer).set(bin);
  let offset = 0;
  const weights = specs.map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    return all.slice(offset, (offset += n));
  });
  const metadata = parseMetadata(read("metadata.ini").toString("utf8"), join(dir, "metadata.ini"));
  const filterBytes = readFile("filter.json");
  const filter = filterBytes ? JSON.parse(Buffer.from(filterBytes).toString("utf8")) : undefined;
  return { config, weights, metadata, filter };
}

/** The newest modification time over the model's files (the catalog reloads when it changes). */
export function modelStamp(dir: string): string | undefined {
  try {
    return MODEL_FILES.map((f) => { const s = statSync(join(dir, f)); return `${s.mtimeMs}:${s.size}:${s.ino}`; }).join("|");
  } catch { return undefined; }
}

function writeSynced(file: string, bytes: Uint8Array): void {
  const fd = openSync(file, "w");
  try {
    for (let off = 0; off < bytes.byteLength;) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
  } finally { closeSync(fd); }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

/** The model's files as bytes, by file name (model.json last, as it is written last). */
export function modelFileBytes(m: ModelFiles): Map<string, Uint8Array> {
  const specs = weightSpecs(m.config);
  if (specs.length !== m.weights.length) throw new ModelFilesError(`the model has ${specs.length} weights, got ${m.weights.length}`);
  const total = m.weights.reduce((n, w) => n + w.length, 0);
  const all = new Float32Array(total);
  let off = 0;
  m.weights.forEach((w, i) => {
    if (w.length !== specs[i].shape.reduce((a, b) => a * b, 1)) throw new ModelFilesError(`${specs[i].path}: ${w.length} values for shape [${specs[i].shape}]`);
    all.set(w, off); off += w.length;
  });
  const text = (t: string) => Buffer.from(t, "utf8");
  const files = new Map<string, Uint8Array>([["weights.bin", new Uint8Array(all.buffer)], ["metadata.ini", text(formatMetadata(m.metadata))]]);
  if (m.filter !== undefined) files.set("filter.json", text(JSON.stringify(m.filter, null, 2) + "\n"));
  files.set("model.json", text(JSON.stringify({ format: MODEL_FORMAT, keras: m.config, weights: specs }) + "\n"));
  return files;
}

function writeInto(dir: string, m: ModelFiles): void {
  for (const [file, bytes] of modelFileBytes(m)) writeSynced(join(dir, file), bytes);
  fsyncDir(dir);
}

/** UTC timestamp for backup names: 2024-05-24T22-05-00Z (no ':' so it is a portable file name). */
export const backupStamp = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");

/**
 * Writes `m` as `<modelsDir>/<name>/`, replacing an existing model. With `backupsDir`, the old
 * model is first copied to `<backupsDir>/<name>-<UTC timestamp>/` (returned).
 */
export function writeModelDir(modelsDir: string, name: string, m: ModelFiles, opts: { backupsDir?: string; now?: Date } = {}): string | undefined {
  if (!isSafeModelName(name)) throw new ModelFilesError(`model name '${name}' may only hold letters, digits, '_' and '-'`);
  mkdirSync(modelsDir, { recursive: true });
  const target = join(modelsDir, name);
  const fresh = join(modelsDir, `.${name}.new-${process.pid}-${Date.now()}`);
  const old = join(modelsDir, `.${name}.old-${process.pid}-${Date.now()}`);
  let backup: string | undefined;
  mkdirSync(fresh);
  try {
    writeInto(fresh, m);
    if (opts.backupsDir && existsSync(target)) {
      mkdirSync(opts.backupsDir, { recursive: true });
      // A second backup within the same second (models synchronised from S3) gets -2, -3, ...
      const stem = join(opts.backupsDir, `${name}-${backupStamp(opts.now ?? new Date())}`);
      backup = stem;
      for (let n = 2; existsSync(backup); n++) backup = `${stem}-${n}`;
      cpSync(target, backup, { recursive: true, errorOnExist: true, force: false });
      fsyncDir(dirname(backup));
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(fresh, target);
    fsyncDir(modelsDir);
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(old)) renameSync(old, target);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
  return backup;
}
