// The models shipped with the product (our default `traffic`): assets/models/<name>/ in the
// source tree, embedded assets in the single executable (src/runtime/embedded-assets.ts). They
// are read-only; training writes the retrained model into the models dir, where it shadows the
// bundled one.
import { existsSync, readdirSync } from "node:fs";
import { embeddedManifest, readBundledAsset } from "../../runtime/embedded-assets";
import { isSafeModelName } from "../../detect/model-catalog";
import { readModelFiles, type ModelFiles } from "./model-files";

export function bundledModelNames(): string[] {
  const manifest = embeddedManifest();
  const names = manifest
    ? Object.keys(manifest.bundled).map((p) => /^models\/([^/]+)\/model\.json$/.exec(p)?.[1]).filter((n): n is string => !!n)
    : (() => {
      const dir = new URL("../../../assets/models/", import.meta.url);
      return existsSync(dir) ? readdirSync(dir).filter((n) => existsSync(new URL(`${n}/model.json`, dir))) : [];
    })();
  return names.filter(isSafeModelName).sort();
}

export const hasBundledModel = (name: string) => isSafeModelName(name) && readBundledAsset(`models/${name}/model.json`) !== undefined;

export function readBundledModel(name: string): ModelFiles {
  return readModelFiles((f) => readBundledAsset(`models/${name}/${f}`), `(bundled) models/${name}`);
}
