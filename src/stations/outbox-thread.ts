// The outbox sender in a worker thread of its own (./outbox-sender-worker.ts; issue 17 part 2):
// a drain of a backlog costs the HTTP client and the store's reads and deletes, ~0.2-0.3 ms of CPU
// per delivery, and on the event loop that answers /detection it delayed every block while it ran
// (one station's p50 32.6 ms during a drain against 1.4 ms idle, issue 17). Same interface as the
// OutboxSender: start, wake (coalesced to one message per turn of the event loop), close. The
// thread's log lines and delivery counts come back as messages. If the thread cannot start or
// dies, the sender runs in this thread instead (a warning says so): entries it had delivered but
// not yet deleted are sent again, with their keys (at least once, as after a crash).
import type { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { startWorker } from "../runtime/worker";
import type { DeliveryOutcome, OutboxSender } from "./outbox-sender";
import type { SenderMessageIn, SenderMessageOut, SenderWorkerData } from "./outbox-sender-worker";

export interface OutboxThreadOptions extends SenderWorkerData {
  log: Logger;
  onAttempts?: (outcome: DeliveryOutcome, count: number) => void;
  /** The sender to run in this thread when the worker cannot. */
  inProcess: () => OutboxSender;
}

/** How long close() waits beyond the delivery timeout before ending the thread. */
const CLOSE_GRACE_MS = 5000;

export class OutboxSenderThread {
  private worker?: Worker;
  private fallback?: OutboxSender;
  private wakeQueued = false;
  private closing?: Promise<void>;

  constructor(private readonly o: OutboxThreadOptions) {}

  start(): void {
    const { log: _log, onAttempts: _onAttempts, inProcess: _inProcess, ...workerData } = this.o;
    try {
      this.worker = startWorker(new URL("./outbox-sender-worker.ts", import.meta.url), { workerData });
    } catch (e) {
      this.fallBack(e as Error);
      return;
    }
    this.worker.on("message", (m: SenderMessageOut) => this.onMessage(m));
    this.worker.on("error", (e) => this.fallBack(e));
  }

  wake(): void {
    if (this.fallback) return this.fallback.wake();
    if (this.wakeQueued || !this.worker) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      this.send({ wake: true });
    });
  }

  /** Stops the sender: it waits for its requests in flight, deletes what they delivered and
   * closes its connection; a thread that does not end within the delivery timeout and a grace
   * period is terminated (its undeleted deliveries are sent again next run). */
  close(): Promise<void> {
    if (this.fallback) return this.fallback.close();
    const w = this.worker;
    this.worker = undefined;
    if (!w) return Promise.resolve();
    this.closing ??= new Promise<void>((resolve) => {
      const stuck = setTimeout(() => void w.terminate(), this.o.timeoutMs + CLOSE_GRACE_MS).unref();
      w.once("exit", () => { clearTimeout(stuck); resolve(); });
      w.postMessage({ close: true } satisfies SenderMessageIn);
    });
    return this.closing;
  }

  private send(m: SenderMessageIn): void { this.worker?.postMessage(m); }

  private onMessage(m: SenderMessageOut): void {
    if ("log" in m) this.relay(m.log);
    else if ("attempts" in m) for (const [outcome, n] of Object.entries(m.attempts)) this.o.onAttempts?.(outcome as DeliveryOutcome, n);
  }

  /** A pino JSON line of the thread, logged again by this thread's logger (its level names,
   * time, destinations). */
  private relay(line: string): void {
    const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(line) as Record<string, unknown>;
    const label = this.o.log.levels.labels[level as number] as "debug" | "info" | "warn" | "error" | undefined;
    if (label) this.o.log[label](fields, String(msg));
  }

  private fallBack(e: Error): void {
    if (this.fallback) return;
    this.o.log.warn({ error: e.message }, "outbox sender thread unavailable; deliveries run on the main thread");
    void this.worker?.terminate();
    this.worker = undefined;
    this.fallback = this.o.inProcess();
    this.fallback.start();
  }
}
