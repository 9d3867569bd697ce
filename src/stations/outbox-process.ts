// The outbox sender (./outbox-sender.ts) in a child process of its own (issue 17 part 2), so that
// no delivery takes the main thread's CPU from /detection: the child (./outbox-process-main.ts)
// opens its own connection to the same SQLite file (WAL; every write a BEGIN IMMEDIATE
// transaction, so the two processes wait for each other's commits and never fail on a stale
// snapshot) and deletes what it delivered itself. This side starts it, wakes it when blocks queue
// entries, receives its log lines and its attempt counts (for outbox_attempts_total), starts it
// again if it dies, and closes it with the service. The child ends by itself when this process is
// gone (kill -9 included): its IPC channel closes.
import type { ChildProcess } from "node:child_process";
import type { Logger } from "pino";
import { startChildProcess } from "../runtime/child-process";
import type { Synchronous } from "../runtime/sqlite";
import type { DeliveryOutcome } from "./outbox-sender";

export const OUTBOX_SENDER_ROLE = "outbox-sender";

export interface OutboxProcessSettings {
  dbFile: string;
  synchronous: Synchronous;
  endpoint: string;
  timeoutMs: number;
  maxBackoffMs: number;
}

/** Parent to child. The settings go over IPC, not the environment: the endpoint may hold a password. */
export type ToSender = { start: OutboxProcessSettings } | { wake: true } | { close: true };
/** Child to parent. */
export type FromSender =
  | { log: { level: "info" | "warn" | "error"; fields: object; msg: string } }
  | { attempts: Array<[DeliveryOutcome, number]> };

/** A child that died is started again after RESTART_MS, doubled for each child in a row that died
 * before it had run STABLE_MS (one that cannot start, e.g. its store cannot be opened), up to
 * MAX_RESTART_MS: a crash loop logs one line a minute, not one a second. */
const RESTART_MS = 1000;
const MAX_RESTART_MS = 60_000;
const STABLE_MS = 60_000;
/** close() kills a child that has not ended this long after the request timeout. */
const CLOSE_GRACE_MS = 5000;

export class OutboxProcess {
  private child?: ChildProcess;
  private wakeQueued = false;
  private closed = false;
  private restartTimer?: NodeJS.Timeout;
  /** The first wait before a restart, and the wait before the next, should the running child die. */
  private readonly firstRestartMs: number;
  private restartMs: number;

  constructor(private readonly o: {
    settings: OutboxProcessSettings; log: Logger; onAttempts(outcome: DeliveryOutcome, n: number): void;
    /** Tests: the first wait before a restart, and how long a child must run to reset it. */
    restartMs?: number; stableMs?: number;
  }) {
    this.firstRestartMs = this.restartMs = o.restartMs ?? RESTART_MS;
  }

  start(): void {
    if (this.closed) return;
    const child = startChildProcess(OUTBOX_SENDER_ROLE);
    const startedAt = Date.now();
    this.child = child;
    child.on("message", (m: FromSender) => this.receive(m));
    child.on("error", (err) => this.o.log.error({ error: err.message }, "outbox sender process: IPC error"));
    child.once("exit", (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.closed) return;
      if (Date.now() - startedAt >= (this.o.stableMs ?? STABLE_MS)) this.restartMs = this.firstRestartMs;
      const waitMs = this.restartMs;
      this.restartMs = Math.min(MAX_RESTART_MS, waitMs * 2);
      this.o.log.error({ code, signal, restartInMs: waitMs }, "the outbox sender process ended; starting it again (queued entries stay in the outbox)");
      this.restartTimer = setTimeout(() => this.start(), waitMs);
    });
    this.send({ start: this.o.settings });
  }

  /** The process id of the running child (tests, logs). */
  get pid(): number | undefined { return this.child?.pid; }

  /** New entries were committed. One message per event-loop turn at most, whatever the blocks. */
  wake(): void {
    if (this.wakeQueued || this.child === undefined) return;
    this.wakeQueued = true;
    setImmediate(() => { this.wakeQueued = false; this.send({ wake: true }); });
  }

  /** Asks the child to finish the deliveries in flight, delete what was delivered and end; waits for it. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    this.send({ close: true });
    const killer = setTimeout(() => child.kill("SIGKILL"), this.o.settings.timeoutMs + CLOSE_GRACE_MS);
    await exited;
    clearTimeout(killer);
  }

  private send(m: ToSender): void {
    // a child that just died: its exit handler starts the next one, which reads the outbox anew
    if (this.child?.connected) this.child.send(m, (err) => { if (err) this.o.log.debug({ error: err.message }, "outbox sender process: message not sent"); });
  }

  private receive(m: FromSender): void {
    if ("log" in m) this.o.log[m.log.level](m.log.fields, m.log.msg);
    else for (const [outcome, n] of m.attempts) this.o.onAttempts(outcome, n);
  }
}
