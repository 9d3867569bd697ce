// Group commit (issue 17 part 3): the writes of the /detection blocks that are ready in the same
// turn of the event loop (50 stations sending at once) are committed by ONE transaction, each
// block in a savepoint of its own, at the end of that turn (setImmediate). A commit in WAL mode
// writes every page its transaction dirtied, and blocks of different stations dirty some of the
// same pages (the journal's last leaf, sqlite_sequence, the database header): four stations'
// blocks at once wrote 6.6 WAL frames a block against 13.1 one by one (docs/stations.md, "Group
// commit"). Nothing is answered before the commit that holds it, so a 200 still means durable.
//
// A block whose writes throw is rolled back to its savepoint and fails alone; the others commit.
// A storage fault (a full disk, a read-only file, an I/O error) fails the whole group: SQLite may
// have rolled the whole transaction back (https://www.sqlite.org/lang_transaction.html, "Response
// To Errors Within A Transaction"), so nothing of the group is kept and every block is told.
//
// While `held` returns a promise (the WAL checkpointer's RESTART, which holds SQLite's write lock:
// ./wal-checkpointer.ts), the scheduled commit waits for it instead of starting a transaction: a
// commit that met the lock slept in SQLite's busy handler (1, 2, 5, 10, 15 ms... ) on the event loop,
// ~35 ms in which no request of either port was read. Now only the writes wait, and the event loop
// goes on reading and detecting the next blocks, which join the group.
import { isStorageFault } from "../runtime/storage-health";

export interface GroupStore {
  /** Runs fn in one transaction; a throw rolls it back and is rethrown (a storage fault as a StorageError). */
  transaction(fn: () => void): void;
  /** Inside a transaction: runs fn in a savepoint; a throw undoes fn's writes alone and is rethrown. */
  savepoint<T>(fn: () => T): T;
}

interface Pending { write: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void }

export class GroupCommit {
  private pending: Pending[] = [];

  constructor(private readonly store: GroupStore, private readonly held: () => Promise<void> | undefined = () => undefined) {}

  /** Resolves to write's result once the transaction that holds its writes has committed; rejects
   * with its own error, or with the group's storage fault or commit error. */
  add<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flushWhenFree());
    });
  }

  /** The scheduled commit: now, or once what holds the writes lets go. */
  private flushWhenFree(): void {
    const held = this.held();
    if (held) void held.then(() => this.flushWhenFree());
    else this.flush();
  }

  /** Commits what is pending now, held or not (on close; the scheduled turn finds nothing left). */
  flush(): void {
    const group = this.pending;
    if (group.length === 0) return;
    this.pending = [];
    const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.store.transaction(() => {
        for (const p of group) {
          try {
            results.push({ ok: true, value: this.store.savepoint(p.write) });
          } catch (error) {
            if (isStorageFault(error)) throw error; // it ends the whole transaction
            results.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }
}
