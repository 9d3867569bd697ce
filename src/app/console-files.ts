// What the status page and /docs are served from (src/http/console-routes.ts): the product version,
// the files (embedded in the executable or read from the work tree and node_modules from source),
// and GET /status: the process's memory, the data dir's disk use, and what each half of the
// product adds (its budgets and their use; the downstream; Druid's last contact, the models'
// versions and the next training), the same on both ports.
import type { Config } from "../config";
import type { ConsoleFiles } from "../http/console-routes";
import { readBundledAsset, readPackageFile } from "../runtime/embedded-assets";
import { directoryBytes, filesystemBytes } from "../runtime/disk-use";
import { productVersion } from "../runtime/version";
import { getHeapStatistics } from "node:v8";

/** The data dir is walked at most once per this long, however often the page refreshes. */
const DISK_EVERY_MS = 60_000;
/** A walk looks at this many entries at most (then its bytes are a lower bound, `complete: false`):
 * the data dir holds a few SQLite files, the models and their backups. */
const DISK_MAX_ENTRIES = 100_000;

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

/** The data dir's disk use, walked asynchronously (src/runtime/disk-use.ts) at most once per
 * DISK_EVERY_MS: a stale figure answers at once while the next walk runs, only the first request
 * waits for one; one walk at a time; a failed walk answers its error. */
function diskUseOf(dataDir: string): () => Promise<Status> {
  let disk: { at: number; value: Status } | undefined;
  let walking: Promise<Status> | undefined;
  const measure = async (): Promise<Status> => {
    let value: Status;
    try {
      const [dir, fs] = await Promise.all([directoryBytes(dataDir, DISK_MAX_ENTRIES), filesystemBytes(dataDir)]);
      value = { path: dataDir, bytes: dir.bytes, entries: dir.entries, complete: dir.complete, filesystem_free_bytes: fs.free, filesystem_total_bytes: fs.total, measured_at: new Date().toISOString() };
    } catch (e) {
      value = { path: dataDir, error: (e as Error).message, measured_at: new Date().toISOString() };
    }
    disk = { at: Date.now(), value };
    return value;
  };
  return async () => {
    if (disk && Date.now() - disk.at < DISK_EVERY_MS) return disk.value;
    walking ??= measure().finally(() => { walking = undefined; });
    return disk?.value ?? walking;
  };
}

/**
 * The parts of GET /status that each half of the product adds: its budgets and what it alone
 * knows (the station half its downstream; the traffic half Druid's last contact, the models'
 * versions, the next training). Both ports answer all of them: one process, one overview.
 */
export class StatusParts {
  readonly #parts: Array<() => Status> = [];

  add(part: () => Status): void {
    this.#parts.push(part);
  }

  /** Every part's keys, their `budgets` merged. */
  read(): Status {
    const out: Status = {};
    const budgets: Status = {};
    for (const part of this.#parts) {
      const { budgets: own, ...rest } = part();
      Object.assign(out, rest);
      Object.assign(budgets, own);
    }
    return { ...out, budgets };
  }
}

export function consoleOptions(config: Config, parts: StatusParts): { version: string; consoleFiles: ConsoleFiles; status: () => Promise<Status> } {
  const diskUse = diskUseOf(config.Paths.data_dir);
  const status = async (): Promise<Status> => ({ version: productVersion(), data_dir: await diskUse(), memory: memoryUse(), ...parts.read() });
  return { version: productVersion(), consoleFiles: { asset: readBundledAsset, packageFile: readPackageFile }, status };
}
