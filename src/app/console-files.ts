// What the status page and /docs are served from (src/http/console-routes.ts): the product version
// and the files, embedded in the executable or read from the work tree and node_modules from source.
import type { ConsoleFiles } from "../http/console-routes";
import { readBundledAsset, readPackageFile } from "../runtime/embedded-assets";
import { productVersion } from "../runtime/version";

export function consoleOptions(): { version: string; consoleFiles: ConsoleFiles } {
  return { version: productVersion(), consoleFiles: { asset: readBundledAsset, packageFile: readPackageFile } };
}
