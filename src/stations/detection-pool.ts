// The detection threads (issue 17 part 1): a pool of worker threads (./detection-worker.ts) for the
// stations whose blocks are heavy (./detection-host.ts places them), so a heavy block occupies one
// thread while the event loop keeps answering, and blocks of different stations use every core. A
// station always goes to the same thread (a stable hash of its id), which keeps its live
// pipelines; the registry sends a station's next block only after the previous one is committed,
// so each station's blocks stay in order and a thread never runs ahead of the store. A thread
// starts at the first block sent to it (from source it loads tsx first, 1-3 s; the block waits in
// its queue meanwhile), and a thread that ended is started again by the next block of its stations.
import type { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { startWorker } from "../runtime/worker";
import type { BlockFailure, BlockTask, BlockWork } from "./station-computer";

interface Pending { resolve(w: BlockWork): void; reject(e: Error): void }
interface Thread { worker: Worker; pending: Map<number, Pending> }

export class DetectionPool {
  private readonly threads: Array<Thread | undefined>;
  private seq = 0;
  private closed = false;

  /** `onLost(shard)`: a thread ended unexpectedly; the stations of that shard are no longer held. */
  constructor(private readonly o: { size: number; defaultPipeline: string; log: Logger; onLost(shard: number): void }) {
    this.threads = new Array<Thread | undefined>(Math.max(1, Math.floor(o.size))).fill(undefined);
  }

  get size(): number { return this.threads.length; }

  /** Threads started (and not ended). */
  get started(): number { return this.threads.reduce((n, t) => n + (t ? 1 : 0), 0); }

  /** Blocks sent and not yet answered. */
  get inProgress(): number { return this.threads.reduce((n, t) => n + (t?.pending.size ?? 0), 0); }

  /** The station's thread. */
  shardOf(id: string): number { return shardOf(id, this.threads.length); }

  compute(task: BlockTask): Promise<BlockWork> {
    if (this.closed) return Promise.reject(new Error("the detection pool is closed"));
    const t = this.thread(this.shardOf(task.id));
    const seq = ++this.seq;
    return new Promise<BlockWork>((resolve, reject) => {
      if (t.pending.size === 0) t.worker.ref(); // a block awaited keeps the process alive
      t.pending.set(seq, { resolve, reject });
      t.worker.postMessage({ seq, block: task });
    });
  }

  drop(id: string): void { this.threads[this.shardOf(id)]?.worker.postMessage({ drop: id }); }

  setHistoryKeys(id: string, keys: Array<[string, number]>): void {
    this.threads[this.shardOf(id)]?.worker.postMessage({ keys: [id, keys] });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map(async (t, i) => {
      if (!t) return;
      this.threads[i] = undefined;
      await t.worker.terminate();
      for (const p of t.pending.values()) p.reject(new Error("the detection pool closed"));
    }));
  }

  private thread(i: number): Thread {
    const existing = this.threads[i];
    if (existing) return existing;
    const worker = startWorker(new URL("./detection-worker.ts", import.meta.url), { workerData: { defaultPipeline: this.o.defaultPipeline } });
    const t: Thread = { worker, pending: new Map() };
    worker.on("message", (m: { seq: number; work?: BlockWork; failure?: BlockFailure; ready?: true }) => {
      // Referenced while loading and while it computes blocks, so that awaiting it keeps the
      // process alive; idle, a forgotten pool does not hold the process.
      if (m.ready) {
        if (t.pending.size === 0) worker.unref();
        return;
      }
      const p = t.pending.get(m.seq);
      if (!p) return;
      t.pending.delete(m.seq);
      if (t.pending.size === 0) worker.unref();
      if (m.work) p.resolve(m.work);
      else p.reject(failureError(m.failure!));
    });
    worker.on("error", (e) => this.o.log.error({ err: e, thread: i }, "detection thread failed; its stations reload from the store at their next block"));
    worker.on("exit", (code) => {
      if (this.threads[i] !== t) return; // closed
      this.threads[i] = undefined;
      for (const p of t.pending.values()) p.reject(new Error(`detection thread ${i} ended (exit code ${code}); the block was not applied, send it again`));
      this.o.onLost(i);
    });
    this.threads[i] = t;
    return t;
  }
}

/** A station's thread among `size`: FNV-1a (32 bits) of its id, modulo `size`; stable across runs. */
export function shardOf(id: string, size: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % size;
}

/** The error the thread threw, rebuilt with its stack. */
function failureError(f: BlockFailure): Error {
  const e = new Error(f.message);
  if (f.stack) e.stack = f.stack;
  return e;
}
