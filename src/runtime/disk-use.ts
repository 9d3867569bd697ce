// Disk use of a directory (the data dir, for the status page): the bytes of the files under it,
// and what the filesystem holding it has free.
import { readdirSync, statfsSync, statSync } from "node:fs";
import { join } from "node:path";

/** Bytes of the regular files under `dir` (recursively; symbolic links are not followed). */
export function directoryBytes(dir: string): number {
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) bytes += directoryBytes(path);
    else if (e.isFile()) bytes += sizeOf(path);
  }
  return bytes;
}

/** A file's size; 0 when it went away since the directory was read (SQLite's -journal files come
 * and go). */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw e;
  }
}

/** Free bytes (for an unprivileged user) and total bytes of the filesystem holding `path`. */
export function filesystemBytes(path: string): { free: number; total: number } {
  const s = statfsSync(path);
  return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
}
