// Takes SQLite's WAL checkpoints off the request path (issue 17 part 3). By default the connection
// whose commit pushes the WAL past 1,000 pages copies them into the database and fsyncs it inside
// that commit: every ~95th block paid several ms (docs/stations.md § Snapshot cost (default
// detector state version 2)). Here the service's connection never checkpoints (wal_autocheckpoint = 0); a worker thread with its own
// connection runs a PASSIVE checkpoint every `intervalMs` (it never blocks the writer), and a
// RESTART when the WAL is still above `maxWalPages` after one, so the WAL stays bounded under a
// load that never pauses (the WAL restarts from its start only once a checkpoint caught up). A
// RESTART holds SQLite's write lock while it copies and fsyncs: `restarting` is its promise, which
// the group commit waits for rather than sleep on the lock (./group-commit.ts).
// Durability is unchanged: a commit is in the WAL either way; checkpoints only move pages.
// The thread starts once the WAL file has reached `startWalPages` (SQLite's own checkpoint size):
// a store written little (a box that serves only the traffic API, a short-lived test service) never
// needs it. Until its first checkpoint, and if it cannot start or fails, SQLite checkpoints inside
// commits as before.
import { statSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { startWorker } from "../runtime/worker";
import type { SqliteDatabase } from "../runtime/sqlite";

/** How often the WAL's size is looked at until the thread starts. */
const START_POLL_MS = 100;

/** The WAL file's size in 4 KiB pages (0 before it exists, or unreadable); it keeps its largest
 * size, as SQLite reuses the file from its start after a checkpoint. */
export function walPages(file: string): number {
  try {
    return statSync(file).size / 4096;
  } catch {
    return 0;
  }
}

export interface CheckpointResult { busy: number; log: number; checkpointed: number }

export class WalCheckpointer {
  private worker?: Worker;
  /** The start delay, then the checkpoint interval. */
  private timer?: NodeJS.Timeout;
  /** The mode of the checkpoint the thread is running, if any. */
  private pending?: "PASSIVE" | "RESTART";
  /** The last checkpoint's result (frames), for tests and diagnostics. */
  last?: CheckpointResult;
  /** Checkpoints run, by mode, for tests and diagnostics. */
  readonly runs = { PASSIVE: 0, RESTART: 0 };
  private closing?: Promise<void>;
  /** The RESTART in progress: resolves when it ended, however it ended. */
  restarting?: Promise<void>;
  private endRestart?: () => void;

  constructor(private readonly db: SqliteDatabase, private readonly o: { intervalMs: number; maxWalPages: number; startWalPages: number; log: Logger }) {}

  /** Starts the thread once the WAL file has reached `startWalPages` (looked at every
   * START_POLL_MS: a stat of the file; at 2,000 blocks/s SQLite checkpoints inside commits every
   * ~80 ms, ~9 ms each, until the thread's first checkpoint). */
  start(): void {
    const wal = `${this.db.name}-wal`;
    this.timer = setInterval(() => {
      if (walPages(wal) < this.o.startWalPages) return;
      clearInterval(this.timer);
      this.spawn();
    }, START_POLL_MS).unref();
  }

  private spawn(): void {
    try {
      this.worker = startWorker(new URL("./wal-checkpoint-worker.ts", import.meta.url), { workerData: { file: this.db.name } });
    } catch (e) {
      this.fallBack(e as Error);
      return;
    }
    this.worker.on("message", (m: CheckpointResult | { error: string }) => this.onResult(m));
    this.worker.on("error", (e) => this.fallBack(e));
    // an exit that close() did not ask for (an error exits after its "error" event, already handled)
    const w = this.worker;
    w.on("exit", (code) => { if (this.worker === w) this.fallBack(new Error(`the thread exited with code ${code}`)); });
    this.timer = setInterval(() => this.tick(), this.o.intervalMs).unref();
  }

  /** Ends the thread (after closing its connection); call before closing the database. */
  close(): Promise<void> {
    clearInterval(this.timer); // the start poll or the checkpoint interval
    this.timer = undefined;
    const w = this.worker;
    this.worker = undefined;
    this.restartEnded();
    if (!w) return Promise.resolve();
    this.closing ??= new Promise<void>((resolve) => {
      // it closes its connection and exits; a thread stuck in a checkpoint is ended after 5 s
      const stuck = setTimeout(() => void w.terminate(), 5000).unref();
      w.once("exit", () => { clearTimeout(stuck); resolve(); });
      w.postMessage({ close: true });
    });
    return this.closing;
  }

  private tick(mode: "PASSIVE" | "RESTART" = "PASSIVE"): void {
    if (this.pending || !this.worker) return;
    this.pending = mode;
    this.runs[mode]++;
    if (mode === "RESTART") this.restarting = new Promise((resolve) => { this.endRestart = resolve; });
    this.worker.postMessage({ mode });
  }

  private restartEnded(): void {
    this.endRestart?.();
    this.endRestart = this.restarting = undefined;
  }

  private onResult(m: CheckpointResult | { error: string }): void {
    const mode = this.pending;
    this.pending = undefined;
    this.restartEnded();
    if ("error" in m) {
      this.o.log.warn({ error: m.error }, "WAL checkpoint failed; retried at the next interval");
      return;
    }
    // the thread works: from now on commits leave checkpoints to it
    if (this.last === undefined && this.db.open) this.db.pragma("wal_autocheckpoint = 0");
    this.last = m;
    // log = frames in the WAL. Under a load that never pauses the WAL is never found fully copied
    // by the next commit, so it would only grow: above the bound, a RESTART (it waits for the
    // writer, copies the few frames written since this pass, and makes the next commit restart
    // the WAL from its beginning). Only after a PASSIVE one: a RESTART's own result still counts
    // the frames it leaves for the next commit to restart over, and a second RESTART on it made
    // the writer wait once more for nothing (every RESTART came twice: 16,361 frames, then 55).
    if (mode === "PASSIVE" && m.log > this.o.maxWalPages) this.tick("RESTART");
  }

  private fallBack(e: Error): void {
    this.o.log.warn({ error: e.message }, "WAL checkpoint thread unavailable; SQLite checkpoints inside commits again");
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.restartEnded();
    void this.worker?.terminate();
    this.worker = undefined;
    if (this.db.open) this.db.pragma("wal_autocheckpoint = 1000");
  }
}
