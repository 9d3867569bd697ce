// The product version: injected by the build (esbuild define) into the executable, read from
// package.json when running from source.
import { readFileSync } from "node:fs";

declare const __RB_AIOUTLIERS_VERSION__: string | undefined;

export function productVersion(): string {
  if (typeof __RB_AIOUTLIERS_VERSION__ === "string") return __RB_AIOUTLIERS_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
