// Where a named model comes from: its directory in the models dir, else the bundled models.
import { join } from "node:path";
import { existsSync, readdirSync } from "node:fs";
import { isSafeModelName } from "../../detect/model-catalog";
import { modelStamp, readModelDir, type ModelFiles } from "./model-files";
import { bundledModelNames, hasBundledModel, readBundledModel } from "./bundled-models";

export type ModelSource = { kind: "dir"; name: string; dir: string } | { kind: "bundled"; name: string };

export function findModel(name: string, modelsDir: string, includeBundled = true): ModelSource | undefined {
  if (!isSafeModelName(name)) return undefined;
  const dir = join(modelsDir, name);
  if (existsSync(join(dir, "model.json"))) return { kind: "dir", name, dir };
  return includeBundled && hasBundledModel(name) ? { kind: "bundled", name } : undefined;
}

export const readModel = (s: ModelSource): ModelFiles => (s.kind === "dir" ? readModelDir(s.dir) : readBundledModel(s.name));

/** Changes when the model's files change (bundled models never do). */
export const sourceStamp = (s: ModelSource): string | undefined => (s.kind === "dir" ? modelStamp(s.dir) : "bundled");

/** Names of every model in the models dir and among the bundled ones. */
export function modelNames(modelsDir: string, includeBundled = true): string[] {
  const names = new Set(includeBundled ? bundledModelNames() : []);
  if (existsSync(modelsDir))
    for (const n of readdirSync(modelsDir)) if (isSafeModelName(n) && existsSync(join(modelsDir, n, "model.json"))) names.add(n);
  return [...names].sort();
}
