// The default model's helper thread (issue 18 part 5): a fresh detector's novelty and seasonal
// terms (src/detect/default-detector/context-terms.ts), about half of its work on a row, computed
// on the machine's second core while the request's thread runs the other components and the
// fusion over the same rows, reading the terms as they come. Synchronous on the request's side
// (Atomics.wait on a shared progress word, no message and no event loop turn), so the model's
// judge() stays a plain call; a job's rows and terms are in SharedArrayBuffers.
//
// Sane without it: on a machine of one core no thread is started; the thread is started by the
// first job big enough and takes jobs once it is up (until then, and whenever it has not finished
// a job abandoned before, the request's thread computes the terms itself); a job the thread has not
// begun when the request's thread needs its first terms is taken back (a busy machine, where the
// thread waits for a core); a job that makes no progress for STALL_MS is run again on the request's
// thread (the terms are the same numbers whoever computes them); a thread that fails is not
// replaced. docs/traffic.md § Issue 18 part 5: the detector's context terms on the second core
// (2026-12-07, session 11).
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { contextTerms, newContextState, type ContextHelper, type ContextJob } from "../detect/default-detector/context-terms";
import { DEFAULT_PARAMS } from "../detect/default-detector/detector-core";
import { startWorker } from "../runtime/worker";
import { CLAIM, columnsBuffer, columnsOf, CONTROL_WORDS, DONE, JOB, READY, REQUEST, STEPS, STOP } from "./context-shared";

/** Fewer fed rows than this are not worth the hand-over: 2,048 until session 13, which let a
 * 1,440-row window (2,520 fed rows with its rehearsal) use the thread, for no gain in the service's
 * p50 and more CPU (docs/traffic.md § Issue 18 part 5: a day of minutes on one thread, idle
 * collections tried (2026-12-08, session 13)). */
export const MIN_CONTEXT_ROWS = 4096;
/** The most rows a job may have (a larger window runs on the request's thread): the columns take
 * 40 bytes a row, 2.6 MB of address space, resident only as far as used. */
export const MAX_CONTEXT_ROWS = 65_536;
/** A job whose thread reports no progress for this long is run again from its first row on the
 * request's thread: the thread is off its core (a busy machine), likely for longer than the ~2 ms
 * that costs (it reports every 256 rows, ~60 µs). */
const STALL_MS = 2;
/** With take-back off: only a thread gone this long. */
const GONE_MS = 250;

export interface ContextPoolOptions {
  minRows?: number;
  capacity?: number;
  /** Whether the request's thread takes back a job the thread has not begun when it needs the
   * first terms, or has stalled in for STALL_MS (default; off in tests of the thread's own work). */
  takeBack?: boolean;
  log?: Logger;
}

export class ContextPool implements ContextHelper {
  private worker?: Worker;
  private failed = false;
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  private readonly columns: SharedArrayBuffer;
  private readonly job: ContextJob;
  private readonly minRows: number;
  readonly capacity: number;
  /** Jobs started, those the request's thread took back before the thread began them, and those
   * it finished itself after the thread stalled (tests, diagnostics). */
  readonly counts = { started: 0, takenBack: 0, finishedHere: 0 };
  private readonly takeBack: boolean;
  /** The rows of the job reserve() handed out last (start() runs that many). */
  private pendingSteps = 0;

  constructor(private readonly o: ContextPoolOptions = {}) {
    this.minRows = o.minRows ?? MIN_CONTEXT_ROWS;
    this.capacity = o.capacity ?? MAX_CONTEXT_ROWS;
    this.takeBack = o.takeBack ?? true;
    this.columns = columnsBuffer(this.capacity);
    const columns = columnsOf(this.columns, this.capacity), control = this.control;
    let steps = 0, finished = false;
    const computeHere = (why: "takenBack" | "finishedHere") => {
      contextTerms(newContextState(DEFAULT_PARAMS), columns.values, columns.seconds, 0, steps, columns, DEFAULT_PARAMS);
      finished = true;
      this.counts[why]++;
    };
    this.job = {
      ...columns,
      start: () => {
        steps = this.pendingSteps;
        finished = false;
        // Everything the thread reads is written before CLAIM is cleared: a thread that claims the
        // job then reads this job's rows, even before it sees JOB raised.
        Atomics.store(control, STEPS, steps);
        Atomics.store(control, DONE, 0);
        Atomics.store(control, CLAIM, 0);
        Atomics.add(control, JOB, 1);
        Atomics.notify(control, JOB);
        this.counts.started++;
      },
      waitFor: (j) => {
        if (finished) return steps;
        if (this.takeBack && Atomics.compareExchange(control, CLAIM, 0, REQUEST) === 0) {
          // Not begun (the thread is not on a core: a busy machine): the terms are computed here.
          computeHere("takenBack");
          Atomics.store(control, DONE, steps);
          return steps;
        }
        for (;;) {
          const done = Atomics.load(control, DONE);
          if (done > j) return done;
          if (Atomics.wait(control, DONE, done, this.takeBack ? STALL_MS : GONE_MS) === "timed-out" && Atomics.load(control, DONE) === done) {
            computeHere("finishedHere");
            return steps;
          }
        }
      },
    };
  }

  /** A pool on a machine of two cores or more; none on one. */
  static forMachine(log?: Logger): ContextPool | undefined {
    return availableParallelism() >= 2 ? new ContextPool({ log }) : undefined;
  }

  reserve(steps: number): ContextJob | undefined {
    if (steps < this.minRows || steps > this.capacity || this.failed || Atomics.load(this.control, STOP)) return undefined;
    if (this.worker === undefined) {
      this.startThread();
      return undefined;
    }
    const c = this.control;
    if (Atomics.load(c, READY) !== 1 || Atomics.load(c, DONE) < Atomics.load(c, STEPS)) return undefined;
    this.pendingSteps = steps;
    return this.job;
  }

  /** Starts the thread if it is not; resolves once it takes jobs (true) or has failed (false). */
  async ready(): Promise<boolean> {
    if (this.worker === undefined && !this.failed) this.startThread();
    while (!this.failed && Atomics.load(this.control, READY) !== 1) await new Promise((r) => setTimeout(r, 5));
    return !this.failed;
  }

  private startThread(): void {
    try {
      this.worker = startWorker(new URL("./context-worker.ts", import.meta.url), { workerData: { control: this.control.buffer, columns: this.columns, capacity: this.capacity } });
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    this.worker.unref();
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", () => { if (!Atomics.load(this.control, STOP)) this.fail(new Error("the thread exited")); });
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.o.log?.warn({ reason: e.message }, "default model's helper thread failed; its work is done on the request's thread");
  }

  /** Stops the thread (its current job, if any, is finished first). */
  async close(): Promise<void> {
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, JOB, 1);
    Atomics.notify(this.control, JOB);
    await this.worker?.terminate();
  }
}
