// Where /detection blocks are computed (issue 17 parts 1 and 3). A station's live pipelines are in
// one place at a time: on the main thread while its blocks are cheap, or in a detection thread
// (./detection-pool.ts) from its first block estimated (./block-cost.ts) over INLINE_BLOCK_MS.
// Cheap blocks skip the thread hop, which cost 15-40 % more CPU per small block and each thread's
// heap (docs/stations.md § Detection threads (issue 17 parts 1 and 3)); heavy ones still leave the
// event loop free. A station moves to a thread by being dropped here and loaded there from the
// store (the caller sends its committed rows: `needsLoad`); it stays there until it is dropped
// (evicted from the state cache, re-initialized, deleted, a failed block or commit, its thread
// lost), then its next block places it again. The caller sends a station's next block only after
// the previous one is committed, so its blocks stay in order wherever they run.
import type { Logger } from "pino";
import { DetectionPool } from "./detection-pool";
import { StationComputer, type BlockTask, type BlockWork, type FreshStation } from "./station-computer";

/** Estimated CPU ms of a block (and of loading its station) up to which it is computed on the main
 * thread: a block under it holds the event loop, and so the other stations and /health, for at
 * most ~5 ms (the estimates are the slowest measured costs, rounded up), half the 10 ms p99 asked
 * of one station's blocks. A `default` block of 10 samples × 3 variables is estimated at ~2 ms. */
export const INLINE_BLOCK_MS = 5;

export interface DetectionStats {
  /** Detection threads started (they start at their first station), and the most there may be. */
  threads: number;
  max_threads: number;
  /** Stations whose pipelines are in a thread (the others held are on the main thread). */
  stations_on_threads: number;
  /** Blocks computed since the start, on the main thread and in threads. */
  blocks_inline: number;
  blocks_on_threads: number;
  /** Blocks sent to threads and not yet answered. */
  blocks_in_progress: number;
}

/** Computes blocks over live stations that it keeps (./station-computer.ts), wherever it runs. */
export interface DetectionHost {
  /** Whether a block of `costMs` (estimated) would be computed where the station is not held, so
   * the caller must send the station's committed rows with it (`task.load`). */
  needsLoad(id: string, costMs: number): boolean;
  /** The block's work; when it rejects, the station is no longer held. */
  compute(task: BlockTask, costMs: number): Promise<BlockWork>;
  drop(id: string): void;
  /** A station /initialize just created and committed, with nothing held of it: held where its
   * cheap blocks run, so its first block needs no load (a heavy one still moves with the rows). */
  adopt(id: string, fresh: FreshStation): void;
  setHistoryKeys(id: string, keys: Array<[string, number]>): void;
  stats(): DetectionStats;
  close(): Promise<void>;
}

/** Cheap stations on the calling thread, heavy ones in a pool of `threads.size` threads (no
 * `threads`: every station stays here; `inlineMs` 0: every block goes to a thread). */
export class InlineFirstDetection implements DetectionHost {
  readonly computer: StationComputer;
  private readonly pool: DetectionPool | undefined;
  private readonly onThreads = new Set<string>();
  private readonly inlineMs: number;
  private blocksInline = 0;
  private blocksOnThreads = 0;

  /** `onLost(ids)`: a thread ended unexpectedly; these stations are no longer held. */
  constructor(o: { defaultPipeline: string; threads?: { size: number; log: Logger }; inlineMs?: number; onLost?(ids: ReadonlySet<string>): void }) {
    this.computer = new StationComputer(o.defaultPipeline);
    this.inlineMs = o.inlineMs ?? INLINE_BLOCK_MS;
    this.pool = o.threads ? new DetectionPool({
      size: o.threads.size, defaultPipeline: o.defaultPipeline, log: o.threads.log,
      onLost: (shard) => {
        const lost = new Set([...this.onThreads].filter((id) => this.pool!.shardOf(id) === shard));
        for (const id of lost) this.onThreads.delete(id);
        o.onLost?.(lost);
      },
    }) : undefined;
  }

  needsLoad(id: string, costMs: number): boolean {
    return this.moves(id, costMs) && this.computer.stations.has(id);
  }

  compute(task: BlockTask, costMs: number): Promise<BlockWork> {
    if (this.moves(task.id, costMs)) {
      if (!task.load) return Promise.reject(new Error(`station ${JSON.stringify(task.id)} moves to a detection thread without its rows`));
      this.computer.drop(task.id);
      this.onThreads.add(task.id);
    }
    if (this.onThreads.has(task.id)) {
      this.blocksOnThreads++;
      return this.pool!.compute(task).catch((e: unknown) => {
        this.onThreads.delete(task.id); // the thread dropped it
        throw e;
      });
    }
    this.blocksInline++;
    try {
      return Promise.resolve(this.computer.compute(task));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  drop(id: string): void {
    if (this.onThreads.delete(id)) this.pool!.drop(id);
    else this.computer.drop(id);
  }

  adopt(id: string, fresh: FreshStation): void {
    if (!this.onThreads.has(id)) this.computer.adopt(id, fresh);
  }

  setHistoryKeys(id: string, keys: Array<[string, number]>): void {
    if (this.onThreads.has(id)) this.pool!.setHistoryKeys(id, keys);
    else this.computer.setHistoryKeys(id, keys);
  }

  stats(): DetectionStats {
    return {
      threads: this.pool?.started ?? 0, max_threads: this.pool?.size ?? 0, stations_on_threads: this.onThreads.size,
      blocks_inline: this.blocksInline, blocks_on_threads: this.blocksOnThreads, blocks_in_progress: this.pool?.inProgress ?? 0,
    };
  }

  async close(): Promise<void> { await this.pool?.close(); }

  /** The block goes to a thread although its station is not there yet. */
  private moves(id: string, costMs: number): boolean {
    return this.pool !== undefined && costMs > this.inlineMs && !this.onThreads.has(id);
  }
}

/** Computes on the calling thread only: the registry's default, for tests and tools that open a store directly. */
export function inlineDetection(defaultPipeline: string): InlineFirstDetection {
  return new InlineFirstDetection({ defaultPipeline });
}
