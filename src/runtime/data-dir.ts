// The data dir checked before anything opens it (issue 17 part 7): a data dir that is a file, that
// cannot be created, read or written, is one line saying the path, the cause and the fix, instead
// of a stack trace from mkdir or SQLite (and, from ./sqlite.ts, a database of a schema version this
// release does not read). `serve` exits with EXIT_DATA_DIR (src/cli/exit-codes.ts).
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { resolve } from "node:path";

export class DataDirError extends Error {
  override name = "DataDirError";
}

const FIX = "set [Paths] data_dir (or --data-dir) to a directory the service's user can read and write";

function cause(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "EACCES": case "EPERM": return "permission denied";
    case "EROFS": return "the file system is read-only";
    case "ENOTDIR": return "a part of the path is a file, not a directory";
    case "ENOSPC": return "no space left on the device";
    default: return code ?? String(err);
  }
}

/** Creates the data dir when missing; throws a DataDirError (one line: path, cause, fix) when it is
 * not a directory the process can read, write and enter, or any of `files` in it (the SQLite
 * databases) exists and cannot be read and written. */
export function checkDataDir(dir: string, files: readonly string[] = []): void {
  const path = resolve(dir);
  let isDir: boolean | undefined;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") throw new DataDirError(`data dir ${path}: cannot be created (${cause(e)}); ${FIX}`);
    if (code !== "ENOENT") throw new DataDirError(`data dir ${path}: cannot be read (${cause(e)}); ${FIX}`);
  }
  if (isDir === false) throw new DataDirError(`data dir ${path}: is a file, not a directory; remove or move the file, or ${FIX}`);
  if (isDir === undefined) {
    try {
      mkdirSync(path, { recursive: true });
    } catch (e) {
      throw new DataDirError(`data dir ${path}: cannot be created (${cause(e)}); create it for the service's user, or ${FIX}`);
    }
  }
  try {
    accessSync(path, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new DataDirError(`data dir ${path}: cannot be read and written (${cause(e)}); make it the service user's (chown, chmod u+rwx), or ${FIX}`);
  }
  for (const name of files) {
    const file = resolve(path, name);
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new DataDirError(`data dir ${path}: ${name} cannot be read and written (${cause(e)}); make it the service user's (chown, chmod u+rw), or ${FIX}`);
    }
  }
}
