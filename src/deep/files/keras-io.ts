// Keras `.keras` + `.ini` pairs (the original's model files) <-> models in the models dir.
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { readKerasArchive, writeKerasArchive } from "./keras-archive";
import { formatMetadata, parseMetadata } from "./metadata";
import { writeModelDir, type ModelFiles } from "./model-files";

/** The original kept `traffic.ini` beside `traffic.keras`. */
export const iniBeside = (kerasFile: string) => kerasFile.replace(/\.keras$/i, "") + ".ini";

export interface ImportOptions {
  kerasFile: string;
  /** Metadata .ini; default: the .ini beside the .keras file. */
  iniFile?: string;
  /** Druid filter (JSON file) of the model's training data. */
  filterFile?: string;
  name: string;
  modelsDir: string;
  backupsDir?: string;
}

/**
 * The model in a .keras archive and its ini (`where` names them in errors). An ini without
 * `weekday_encoding` is the original's, so the model keeps the original's weekday encoding (see
 * ../features.ts).
 */
export async function modelFromKeras(kerasBytes: Uint8Array, iniText: string, filter: unknown, where: { keras: string; ini: string }): Promise<ModelFiles> {
  const archive = await readKerasArchive(kerasBytes);
  const metadata = parseMetadata(iniText, where.ini);
  const cols = metadata.metrics.length + metadata.timestamp.length;
  const input = archive.config.config.layers.find((l) => l.class_name === "InputLayer")?.config.batch_input_shape as number[] | undefined;
  if (input && (input[1] !== metadata.windowSize * metadata.numWindows || input[2] !== cols))
    throw new Error(`${where.keras} takes slices of ${input[1]} rows × ${input[2]} columns, but ${where.ini} describes ${metadata.windowSize * metadata.numWindows} × ${cols}`);
  return { config: archive.config, weights: archive.weights, metadata, filter };
}

/** Reads the archive, its ini and filter, and writes model `name`. */
export async function importKeras(o: ImportOptions): Promise<ModelFiles> {
  const iniFile = o.iniFile ?? iniBeside(o.kerasFile);
  const filter = o.filterFile ? JSON.parse(readFileSync(o.filterFile, "utf8")) : undefined;
  const files = await modelFromKeras(readFileSync(o.kerasFile), readFileSync(iniFile, "utf8"), filter, { keras: o.kerasFile, ini: iniFile });
  writeModelDir(o.modelsDir, o.name, files, { backupsDir: o.backupsDir });
  return files;
}

/** Writes model `name` as a .keras archive (and its metadata as the .ini beside it). */
export async function exportKeras(o: { files: ModelFiles; kerasFile: string; now?: Date }): Promise<void> {
  const files = o.files;
  const bytes = await writeKerasArchive(files.config, files.weights, o.now ?? new Date());
  const tmp = `${o.kerasFile}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, o.kerasFile);
  writeFileSync(iniBeside(o.kerasFile), formatMetadata(files.metadata));
}
