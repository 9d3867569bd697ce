// Where /detection blocks are computed (issue 17 part 1): a pool of worker threads
// (./detection-worker.ts), so a heavy block occupies one thread while the event loop keeps
// answering, and blocks of different stations use every core. A station always goes to the same
// thread (a stable hash of its id), which keeps its live pipelines; the registry sends a station's
// next block only after the previous one is committed, so each station's blocks stay in order and
// a thread never runs ahead of the store. The service starts the threads as it starts (`start()`;
// from source each loads tsx first, 1-3 s; blocks sent meanwhile wait in the thread's queue); a
// thread that ended is started again by the next block of its stations.
import type { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { startWorker } from "../runtime/worker";
import { StationComputer, type BlockFailure, type BlockTask, type BlockWork } from "./station-computer";

/** Computes blocks over live stations that it keeps (./station-computer.ts), wherever it runs. */
export interface DetectionHost {
  /** The block's work; when it rejects, the station is no longer held. */
  compute(task: BlockTask): Promise<BlockWork>;
  drop(id: string): void;
  setHistoryKeys(id: string, keys: Array<[string, number]>): void;
  /** Its threads (0: the calling thread) and the blocks sent to them and not yet answered. */
  stats(): { threads: number; blocks_in_progress: number };
  close(): Promise<void>;
}

/** Computes on the calling thread: the registry's default, for tests and tools that open a store directly. */
export function inlineDetection(defaultPipeline: string): DetectionHost & { computer: StationComputer } {
  const computer = new StationComputer(defaultPipeline);
  return {
    computer,
    compute: async (task) => computer.compute(task),
    drop: (id) => computer.drop(id),
    setHistoryKeys: (id, keys) => computer.setHistoryKeys(id, keys),
    stats: () => ({ threads: 0, blocks_in_progress: 0 }),
    close: async () => {},
  };
}

interface Pending { resolve(w: BlockWork): void; reject(e: Error): void }
interface Thread { worker: Worker; pending: Map<number, Pending>; ready: Promise<void> }

export class DetectionPool implements DetectionHost {
  private readonly threads: Array<Thread | undefined>;
  private seq = 0;
  private closed = false;

  /** `onLost(shard)`: a thread ended unexpectedly; the stations of that shard are no longer held. */
  constructor(private readonly o: { size: number; defaultPipeline: string; log: Logger; onLost(shard: number): void }) {
    this.threads = new Array<Thread | undefined>(Math.max(1, Math.floor(o.size))).fill(undefined);
  }

  get size(): number { return this.threads.length; }

  /** Starts every thread; resolves once each is loaded (or has failed: its blocks then fail). */
  async start(): Promise<void> {
    await Promise.all(this.threads.map((_, i) => this.thread(i).ready));
  }

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

  stats(): { threads: number; blocks_in_progress: number } {
    let blocks = 0;
    for (const t of this.threads) blocks += t?.pending.size ?? 0;
    return { threads: this.threads.length, blocks_in_progress: blocks };
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
    let ready!: () => void;
    const t: Thread = { worker, pending: new Map(), ready: new Promise<void>((r) => (ready = r)) };
    worker.on("message", (m: { seq: number; work?: BlockWork; failure?: BlockFailure; ready?: true }) => {
      // Referenced while loading and while it computes blocks, so that awaiting it keeps the
      // process alive; idle, a forgotten pool does not hold the process.
      if (m.ready) {
        if (t.pending.size === 0) worker.unref();
        return ready();
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
      ready();
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
