// Disk use of a directory (the data dir, for the status page): the bytes of the files under it,
// and what the filesystem holding it has free. Asynchronous: each directory read and file stat is
// its own turn of the event loop (libuv's thread pool does the I/O), so a data dir with many files
// never stalls the requests being served, and the walk stops after a bound of entries.
import { readdir, stat, statfs } from "node:fs/promises";
import { join } from "node:path";

export interface DirectoryBytes {
  /** Bytes of the regular files seen. */
  bytes: number;
  /** Entries (files, directories, links) seen. */
  entries: number;
  /** False when the walk stopped at its bound of entries: `bytes` is then a lower bound. */
  complete: boolean;
}

/** Bytes of the regular files under `dir` (recursively; symbolic links are not followed), at most
 * `maxEntries` entries looked at. */
export async function directoryBytes(dir: string, maxEntries: number): Promise<DirectoryBytes> {
  const pending = [dir];
  const seen: DirectoryBytes = { bytes: 0, entries: 0, complete: true };
  while (pending.length > 0 && seen.complete) await walkOne(pending.pop()!, pending, seen, maxEntries);
  return seen;
}

/** One directory: its files' sizes added to `seen`, its subdirectories pushed onto `pending`. */
async function walkOne(dir: string, pending: string[], seen: DirectoryBytes, maxEntries: number): Promise<void> {
  const entries = await ifPresent(readdir(dir, { withFileTypes: true }), []);
  for (const e of entries) {
    if (seen.entries === maxEntries) {
      seen.complete = false;
      return;
    }
    seen.entries++;
    const path = join(dir, e.name);
    if (e.isDirectory()) pending.push(path);
    else if (e.isFile()) seen.bytes += (await ifPresent(stat(path), { size: 0 })).size;
  }
}

/** What `p` gives, or `absent` when the path went away since its directory was read (SQLite's
 * -journal files come and go). */
async function ifPresent<T, A>(p: Promise<T>, absent: A): Promise<T | A> {
  try {
    return await p;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return absent;
    throw e;
  }
}

/** Free bytes (for an unprivileged user) and total bytes of the filesystem holding `path`. */
export async function filesystemBytes(path: string): Promise<{ free: number; total: number }> {
  const s = await statfs(path);
  return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
}
