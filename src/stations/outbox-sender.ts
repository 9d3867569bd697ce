// Delivers the durable outbox (./store.ts) to the downstream data server, off the request path:
// a background loop woken by new entries and by its own timer. Per station, only the oldest entry is
// ever in flight, so results arrive in order per station (at least once: a crash between the POST
// and the delete resends the entry with the same Idempotency-Key). Stations are delivered in
// parallel, up to `concurrency` requests at a time.
//
// Answers: 2xx delivered (and pruned). Connection errors, timeouts, 408, 425, 429 and 5xx are
// transient: retried with exponential backoff (base · 2^(attempts-1), capped, with jitter). Any other
// answer (3xx, 4xx) means the endpoint or its configuration is wrong, not this entry (our bodies are
// the seed's fixed shapes): the entry is kept, retried at the capped backoff and reported, so results
// are never dropped and arrive once the operator fixes the endpoint.
//
// For the operator, the first delivery after failures logs "downstream recovered" (how long it was
// failing, how many attempts failed, how many entries are queued), and the moment the outbox is
// empty again logs "downstream backlog flushed" with how many deliveries that took.
import type { Logger } from "pino";
import { DownstreamClient } from "./downstream-client";
import type { OutboxRow, StationStore } from "./store";

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type DeliveryOutcome = "delivered" | "transient" | "rejected";

export interface OutboxSenderOptions {
  store: StationStore;
  /** Base URL of the downstream server; entry paths are appended. Its user:password, if any, is
   * sent as Basic authorization, never in the URL (see DownstreamClient). */
  endpoint: string;
  timeoutMs: number;
  maxBackoffMs: number;
  baseBackoffMs?: number;
  concurrency?: number;
  log: Logger;
  timers?: Timers;
  random?: () => number;
  onAttempt?: (outcome: DeliveryOutcome, ms: number) => void;
}

/** Delay before attempt number `attempts + 1`: exponential, capped, jittered into [½, 1] of it. */
export function backoffDelay(attempts: number, baseMs: number, maxMs: number, random: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(exp * (0.5 + 0.5 * random));
}

export function classifyStatus(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return "delivered";
  if (status >= 500 || status === 408 || status === 425 || status === 429) return "transient";
  return "rejected";
}

/** How long deliveries pause after the store failed to record an outcome. */
const OUTCOME_RETRY_MS = 1000;

export class OutboxSender {
  /** Stations with a delivery in flight or delivered and not yet deleted: their head is taken. */
  private readonly busy = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  /** Delivered entries, deleted together by the next flush (one transaction per tick). */
  private delivered: { id: number; station: string }[] = [];
  private readonly timers: Timers;
  private readonly client: DownstreamClient;
  private readonly random: () => number;
  private readonly base: number;
  private readonly concurrency: number;
  private timer: unknown;
  private timerAt = Infinity;
  private pumpQueued = false;
  /** Deliveries pause until then after the store failed to record an outcome (a full disk). */
  private heldUntil = 0;
  private retryArmed = false;
  private closed = false;
  /** Since when deliveries fail, and how many attempts failed; undefined while they succeed. */
  private failing?: { since: number; attempts: number };
  /** After a recovery, until the outbox is empty: when it recovered and what it delivered since. */
  private flushing?: { since: number; delivered: number };

  constructor(private readonly o: OutboxSenderOptions) {
    this.timers = o.timers ?? realTimers;
    this.random = o.random ?? Math.random;
    this.base = o.baseBackoffMs ?? 250;
    this.concurrency = o.concurrency ?? 32;
    this.client = new DownstreamClient(o.endpoint, { sockets: this.concurrency, timeoutMs: o.timeoutMs, timers: this.timers });
  }

  /** Starts delivering what the outbox already holds (entries left by a previous run). */
  start(): void { this.wake(); }

  /** New entries were committed: deliver them soon (never inside the caller's request). */
  wake(): void {
    if (this.busy.size < this.concurrency) this.schedule();
  }

  /** Stops the loop; waits for requests in flight (each bounded by the timeout) and deletes what
   * they delivered. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    await Promise.all([...this.running]);
    this.flushDelivered();
    this.client.close();
  }

  private pump(): void {
    if (this.closed) return;
    if (this.timers.now() < this.heldUntil) return; // the retry timer of hold() pumps again
    const free = this.concurrency - this.busy.size;
    // busy stations' heads are due too: ask for enough to find `free` others
    if (free > 0) {
      for (const head of this.o.store.dueHeads(this.timers.now(), free + this.busy.size)) {
        if (this.busy.size >= this.concurrency) break;
        if (this.busy.has(head.station_id)) continue;
        this.busy.add(head.station_id);
        const p = this.deliver(head)
          .catch((err) => { this.busy.delete(head.station_id); this.hold(err, head); })
          .finally(() => this.running.delete(p));
        this.running.add(p);
      }
    }
    this.armTimer();
  }

  /** Sleeps until the earliest head that is waiting out its backoff is due. */
  private armTimer(): void {
    const next = this.o.store.nextDue();
    if (next === undefined) {
      if (this.flushing && this.busy.size === 0) this.reportFlushed(this.flushing);
      return;
    }
    const at = Math.max(next, this.timers.now() + 1);
    if (this.busy.size > 0 && next <= this.timers.now()) return; // a completion will pump
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.timers.setTimeout(() => { this.timer = undefined; this.timerAt = Infinity; this.pump(); }, at - this.timers.now());
  }

  /** The store failed to record an outcome (a full or failing disk: a StorageError of
   * src/runtime/storage-health.ts). Deliveries pause for a while instead of hammering the store, then the
   * loop goes on: delivered entries stay queued for deletion (nothing is sent twice), a failure
   * not recorded is retried with the same Idempotency-Key. */
  private hold(err: unknown, e?: OutboxRow): void {
    this.heldUntil = this.timers.now() + OUTCOME_RETRY_MS;
    this.o.log.error({ station: e?.station_id, entry: e?.id, error: (err as Error).message },
      `could not record a delivery's outcome in the station store; deliveries pause for ${OUTCOME_RETRY_MS} ms`);
    if (this.retryArmed) return;
    this.retryArmed = true;
    this.timers.setTimeout(() => { this.retryArmed = false; this.schedule(); }, OUTCOME_RETRY_MS);
  }

  private async deliver(e: OutboxRow): Promise<void> {
    const started = this.timers.now();
    const answer = await this.client.post(e.path, e.body, e.idempotency_key);
    const outcome = "status" in answer ? classifyStatus(answer.status) : "transient";
    const detail = "status" in answer ? `HTTP ${answer.status}` : answer.error;
    if (outcome === "delivered") {
      // the station stays busy until its entry is deleted, so its next entry cannot overtake it
      this.delivered.push({ id: e.id, station: e.station_id });
      this.o.onAttempt?.(outcome, this.timers.now() - started);
      if (this.failing) this.reportRecovered(this.failing);
      if (this.flushing) this.flushing.delivered++;
      this.schedule();
      return;
    }
    this.busy.delete(e.station_id);
    if (this.closed) return; // the database may be closing; retried next run
    this.o.onAttempt?.(outcome, this.timers.now() - started);
    this.failing ??= { since: started, attempts: 0 };
    this.failing.attempts++;
    this.flushing = undefined;
    const attempts = e.attempts + 1;
    const delay = outcome === "rejected" ? this.o.maxBackoffMs : backoffDelay(attempts, this.base, this.o.maxBackoffMs, this.random());
    this.o.store.markFailed(e.id, attempts, this.timers.now() + delay, detail);
    const fields = { station: e.station_id, path: e.path, entry: e.id, attempts, retryInMs: delay, error: detail };
    if (outcome === "rejected") this.o.log.error(fields, "downstream rejected a delivery; check DATA_SERVER_ENDPOINT");
    else this.o.log.warn(fields, "downstream delivery failed; will retry");
    this.schedule();
  }

  /** One tick of the loop, soon: delete what was delivered, then start what is due. setImmediate
   * runs it after this turn's I/O callbacks, so requests that arrived meanwhile go first, and the
   * deliveries completed in the same turn share one commit. */
  private schedule(): void {
    if (this.closed || this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => { this.pumpQueued = false; this.flushDelivered(); this.pump(); });
  }

  /** Deletes the delivered entries in one transaction; their stations' next entries become due. */
  private flushDelivered(): void {
    if (this.delivered.length === 0) return;
    const done = this.delivered;
    this.delivered = [];
    try {
      this.o.store.markDelivered(done.map((d) => d.id));
    } catch (err) {
      this.delivered = done.concat(this.delivered); // their stations stay busy: order is kept
      if (!this.closed) this.hold(err);
      return;
    }
    for (const d of done) this.busy.delete(d.station);
  }

  private reportRecovered(failing: { since: number; attempts: number }): void {
    const now = this.timers.now();
    this.failing = undefined;
    this.flushing = { since: now, delivered: 0 };
    const queued = this.o.store.outboxStats().depth - this.delivered.length; // delivered, not yet deleted
    this.o.log.info({ failing_seconds: (now - failing.since) / 1000, failed_attempts: failing.attempts, queued },
      "downstream recovered; delivering the queued results");
  }

  private reportFlushed(flushing: { since: number; delivered: number }): void {
    this.flushing = undefined;
    this.o.log.info({ delivered: flushing.delivered, seconds: (this.timers.now() - flushing.since) / 1000 },
      "downstream backlog flushed");
  }
}
