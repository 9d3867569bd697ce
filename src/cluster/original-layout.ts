// The original rb-aioutliers' S3 layout, for clusters that move to this service one box at a time
// (docs/cluster.md § Mixed clusters: moving from the original one box at a time): the Python service uploaded each trained model as
//   <prefix>latest/<name>.keras, <prefix>latest/<name>.ini, <prefix>latest/<name>_filter.json
// (issue 14; the original's README) and every node downloaded them. It has no version and no
// checksum, so a reader keys on the .keras object's SHA-256 and checks the archive against the ini
// (modelFromKeras) before anything is used.
import { formatMetadata } from "../deep/files/metadata";
import { modelFromKeras } from "../deep/files/keras-io";
import type { ModelFiles } from "../deep/files/model-files";
import { sha256 } from "./manifest";
import type { ObjectStore } from "./object-store";

export const originalKeys = (prefix: string, name: string) => ({
  keras: `${prefix}latest/${name}.keras`,
  ini: `${prefix}latest/${name}.ini`,
  filter: `${prefix}latest/${name}_filter.json`,
});

export type OriginalModel = { files: ModelFiles; sha256: string };

/**
 * The model the original left under `latest/`: undefined when there is no .keras object,
 * "unchanged" when its SHA-256 is `known` (nothing else is read). A missing .ini or an archive that
 * does not match it throws an Error naming the object.
 */
export async function readOriginal(store: ObjectStore, prefix: string, name: string, known?: string): Promise<OriginalModel | "unchanged" | undefined> {
  const keys = originalKeys(prefix, name);
  const keras = await store.get(keys.keras);
  if (!keras) return undefined;
  const sum = sha256(keras);
  if (sum === known) return "unchanged";
  const ini = await store.get(keys.ini);
  if (!ini) throw new Error(`${store.describe(keys.ini)}: missing (the original writes it beside ${store.describe(keys.keras)})`);
  const filterBytes = await store.get(keys.filter);
  let filter: unknown;
  try { filter = filterBytes && JSON.parse(Buffer.from(filterBytes).toString("utf8")); } catch {
    throw new Error(`${store.describe(keys.filter)}: not valid JSON`);
  }
  const where = { keras: store.describe(keys.keras), ini: store.describe(keys.ini) };
  try {
    return { files: await modelFromKeras(keras, Buffer.from(ini).toString("utf8"), filter, where), sha256: sum };
  } catch (e) {
    throw new Error(`${where.keras} refused: ${(e as Error).message}`);
  }
}

/**
 * Writes `files` in the original's layout, the .keras archive (`kerasBytes`, the one published
 * with our version) last, as a reader keys on it. A model without a filter deletes an older
 * `_filter.json`, so a reader never pairs the new model with the old model's filter.
 */
export async function writeOriginal(store: ObjectStore, prefix: string, name: string, files: ModelFiles, kerasBytes: Uint8Array): Promise<void> {
  const keys = originalKeys(prefix, name);
  await store.put(keys.ini, Buffer.from(formatMetadata(files.metadata), "utf8"), "text/plain");
  if (files.filter !== undefined) await store.put(keys.filter, Buffer.from(JSON.stringify(files.filter), "utf8"), "application/json");
  else await store.delete(keys.filter);
  await store.put(keys.keras, kerasBytes);
}
