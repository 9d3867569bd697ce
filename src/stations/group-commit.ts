// Group commit (issue 17 part 3): the writes of the /detection blocks that are ready in the same
// turn of the event loop (50 stations sending at once) are committed by ONE transaction at the end
// of that turn (setImmediate). A commit in WAL mode writes every page its transaction dirtied, and
// blocks of different stations dirty some of the same pages (the journal's last leaf,
// sqlite_sequence, the database header): four stations' blocks at once wrote 6.6 WAL frames a block
// against 13.1 one by one (docs/stations.md, "Group commit"). Nothing is answered before the commit
// that holds it, so a 200 still means durable.
//
// A block whose writes throw fails alone; the others commit. The group first runs without
// savepoints: a savepoint copies every page its writes dirty to SQLite's statement journal, in a
// group again the pages the earlier blocks dirtied (17-21 µs a block in groups of four, 3-6 µs
// alone; docs/stations.md § Floor (issue 17 part 3), session 12). If a write throws, the whole
// transaction rolls back and the group runs again, each block in a savepoint of its own, the
// failing one rolled back to it. A storage fault (a full disk, a read-only file, an I/O error)
// fails the whole group: SQLite may have rolled the whole transaction back
// (https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction"), so
// nothing of the group is kept and every block is told.
//
// While `held` returns a promise (the WAL checkpointer's RESTART, which holds SQLite's write lock:
// ./wal-checkpointer.ts), the scheduled commit waits for it instead of starting a transaction: a
// commit that met the lock slept in SQLite's busy handler (1, 2, 5, 10, 15 ms... ) on the event loop,
// ~35 ms in which no request of either port was read. Now only the writes wait, and the event loop
// goes on reading and detecting the next blocks, which join the group.
//
// A block alone needs no turn's wait: after ALONE_AFTER groups in a row that held one block each
// (one station, or one connection: nothing comes in the same turn), a block is committed at once,
// in `add`, saving the hop to the end of the turn (~17-20 µs a block for one station;
// docs/stations.md § Floor (issue 17 part 3), session 13). Should another block come in the same
// turn as one committed at once (many connections again), it would have joined it: it and the
// blocks after it are grouped again, until ALONE_AFTER groups in a row hold one block. At 50
// stations over 4 connections 29 % of the groups held one block (session 12), so 16 such groups in
// a row are rare.
import { isStorageFault } from "../runtime/storage-health";

/** Groups in a row of one block each after which a block is committed at once. */
export const ALONE_AFTER = 16;

export interface GroupStore {
  /** Runs fn in one transaction; a throw rolls it back and is rethrown (a storage fault as a StorageError). */
  transaction(fn: () => void): void;
  /** Inside a transaction: runs fn in a savepoint; a throw undoes fn's writes alone and is rethrown. */
  savepoint<T>(fn: () => T): T;
}

type Result = { ok: true; value: unknown } | { ok: false; error: unknown };
interface Pending { write: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void }

export class GroupCommit {
  private pending: Pending[] = [];
  /** Groups in a row that held one block each. */
  private lone = 0;
  /** A block was committed at once in this turn of the event loop (until its check phase). */
  private committedNow = false;

  constructor(private readonly store: GroupStore, private readonly held: () => Promise<void> | undefined = () => undefined) {}

  /** Resolves to write's result once the transaction that holds its writes has committed; rejects
   * with its own error, or with the group's storage fault or commit error. `write` may run twice
   * (again when another write of its group threw): it must write only to the store, whose writes
   * the first run's rollback undid. */
  add<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length > 1) return;
      if (this.committedNow) this.lone = 0; // it would have joined the block committed at once
      else if (this.lone >= ALONE_AFTER && this.held() === undefined) return this.commitNow();
      setImmediate(() => this.flushWhenFree());
    });
  }

  /** Commits the one block pending now, and marks the turn until its end. */
  private commitNow(): void {
    this.committedNow = true;
    setImmediate(() => { this.committedNow = false; });
    this.flush();
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
    this.lone = group.length === 1 ? this.lone + 1 : 0;
    let results: Result[];
    try {
      results = this.commit(group);
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

  /** The group's transaction: its writes one after another, with no savepoint; if one of them
   * throws (not a storage fault), the whole transaction has rolled back, and the group runs again
   * with each write in a savepoint of its own, so that it fails alone. Throws what fails the group. */
  private commit(group: Pending[]): Result[] {
    let threw = false;
    try {
      const values: unknown[] = [];
      this.store.transaction(() => {
        for (const p of group) {
          try {
            values.push(p.write());
          } catch (error) {
            threw = true;
            throw error;
          }
        }
      });
      return values.map((value) => ({ ok: true, value }));
    } catch (error) {
      // a write of its own fails alone as it is: nothing else was in its transaction
      if (!threw || isStorageFault(error) || group.length === 1) throw error;
    }
    const results: Result[] = [];
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
    return results;
  }
}
