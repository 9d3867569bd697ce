// What the status page and /docs are served from (src/http/console-routes.ts): the product version,
// the files (embedded in the executable or read from the work tree and node_modules from source),
// and GET /status: the process's memory, the data dir's disk use, and what the API's half adds
// (its budgets and their use; on the traffic port Druid's last contact, the models' versions and
// the next training).
import type { Config } from "../config";
import type { ConsoleFiles } from "../http/console-routes";
import { readBundledAsset, readPackageFile } from "../runtime/embedded-assets";
import { directoryBytes, filesystemBytes } from "../runtime/disk-use";
import { productVersion } from "../runtime/version";
import { getHeapStatistics } from "node:v8";

/** The data dir is walked at most once per this long, however often the page refreshes. */
const DISK_EVERY_MS = 60_000;

type Status = Record<string, unknown>;

/** The process's memory. The resident set is read from /proc, which a chroot may lack: then it is
 * null and the heap figures (from V8) still answer. */
function memoryUse(): Status {
  const heap = getHeapStatistics();
  let rss: number | null = null;
  try {
    rss = process.memoryUsage.rss();
  } catch { /* no /proc */ }
  return { rss_bytes: rss, heap_used_bytes: heap.used_heap_size, external_bytes: heap.external_memory };
}

/** `more`: the API's own part of GET /status. */
export function consoleOptions(config: Config, more: () => Status): { version: string; consoleFiles: ConsoleFiles; status: () => Status } {
  const dataDir = config.Paths.data_dir;
  let disk: { at: number; value: Status } | undefined;
  const diskUse = (): Status => {
    if (!disk || Date.now() - disk.at >= DISK_EVERY_MS) {
      const fs = filesystemBytes(dataDir);
      disk = { at: Date.now(), value: { path: dataDir, bytes: directoryBytes(dataDir), filesystem_free_bytes: fs.free, filesystem_total_bytes: fs.total, measured_at: new Date().toISOString() } };
    }
    return disk.value;
  };
  const status = (): Status => {
    return { version: productVersion(), data_dir: diskUse(), memory: memoryUse(), ...more() };
  };
  return { version: productVersion(), consoleFiles: { asset: readBundledAsset, packageFile: readPackageFile }, status };
}
