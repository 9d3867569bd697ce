// Faults of a SQLite store's disk reported as what they are (issue 17 part 7; the station store,
// and the traffic series memory since issue 17 part 8): a write that fails because the disk (or the
// database's max_page_count) is full, the file turned read-only, or the disk failed, becomes a
// StorageError naming the file, and is remembered as the store's problem until a write succeeds
// again, which /health shows. Nothing is retried here: the write's transaction rolled back, and
// the caller (a /detection block, a traffic request) sends it again once space is freed.

export type StorageErrorKind =
  /** SQLITE_FULL: no space left on the device, or the database reached its max_page_count. */
  | "full"
  /** SQLITE_READONLY*: the file or its file system became read-only. */
  | "read-only"
  /** SQLITE_IOERR*: the disk failed a read or a write. */
  | "io";

export class StorageError extends Error {
  constructor(readonly kind: StorageErrorKind, readonly path: string, message: string) {
    super(message);
  }
  override name = "StorageError";
}

export interface StorageProblem {
  /** What failed and why, as the latest StorageError said it. */
  error: string;
  /** When the first of the failing writes since the last success failed. */
  since_ms: number;
}

const WHAT: Record<StorageErrorKind, string> = {
  full: "is full (no space left on its disk)",
  "read-only": "has become read-only",
  io: "had a disk error",
};
const FIX: Record<StorageErrorKind, string> = {
  full: "free space on its disk; the next write succeeds without a restart",
  "read-only": "make the file and its file system writable again",
  io: "check the disk (dmesg); the next write is tried as usual",
};

/** The kind of a better-sqlite3 error's (extended) result code, or undefined for other errors. */
function kindOf(err: unknown): StorageErrorKind | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return undefined;
  if (code.startsWith("SQLITE_FULL")) return "full";
  if (code.startsWith("SQLITE_READONLY")) return "read-only";
  if (code.startsWith("SQLITE_IOERR")) return "io";
  return undefined;
}

/** Whether an error is a storage fault: a StorageError, or a SQLite error guard() turns into one. */
export function isStorageFault(err: unknown): boolean {
  return err instanceof StorageError || kindOf(err) !== undefined;
}

export class StorageHealth {
  private current: StorageProblem | null = null;

  /** `store` names it in messages ("the station store"), `path` is its file. */
  constructor(readonly store: string, readonly path: string, private readonly now: () => number = Date.now) {}

  /** The last write's storage fault, or null when the last write succeeded. */
  get problem(): StorageProblem | null { return this.current; }

  /** Runs a write: a storage fault is thrown as a StorageError and remembered; success forgets it.
   * Other errors pass through unchanged and change nothing. */
  guard<T>(write: () => T): T {
    let result: T;
    try {
      result = write();
    } catch (err) {
      const kind = kindOf(err);
      if (kind === undefined) throw err;
      const message = `${this.store} ${this.path} ${WHAT[kind]} (${(err as { code: string }).code}); nothing of this request was applied; ${FIX[kind]}`;
      this.current = { error: message, since_ms: this.current?.since_ms ?? this.now() };
      throw new StorageError(kind, this.path, message);
    }
    this.current = null;
    return result;
  }
}
