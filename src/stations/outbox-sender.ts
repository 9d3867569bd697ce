// Delivers the durable outbox (./store.ts) to the downstream data server, off the request path:
// a background loop woken by new entries and by its own timer. Per station, one entry at a time is
// in flight, oldest first, so results arrive in order per station (at least once: a crash between
// the POST and the delete resends the entry with the same Idempotency-Key). Stations are delivered
// in parallel, up to `concurrency` requests at a time: a chain per station sends its next entry as
// soon as one is acknowledged, and the acknowledged entries are deleted in batches.
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

/** What the sender logs through: a pino Logger, or the child process's forwarder to its parent
 * (./outbox-process-main.ts). */
export interface SenderLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

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
  log: SenderLog;
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
/** Delivered entries are deleted together (one commit) once this many wait, or after FLUSH_MS. */
const FLUSH_BATCH = 256;
const FLUSH_MS = 10;
/** A chain stops (until the next flush) while this many delivered entries wait to be deleted. */
const MAX_UNDELETED = 2048;
/** Keep-alive connections to the downstream; the requests in flight are pipelined over them
 * (./downstream-client.ts). */
const CONNECTIONS = 4;
/** Entries a chain reads at once (one indexed query). */
const READ_AHEAD = 16;

export class OutboxSender {
  /** Stations whose chain runs: one delivery in flight each, at most `concurrency`. */
  private readonly chains = new Set<string>();
  /** Stations with delivered entries not yet deleted, and how many: their head in the store is
   * stale until the flush, so no new chain starts from it. */
  private readonly undeleted = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  /** Delivered entries, deleted together by the next flush. */
  private delivered: { id: number; station: string }[] = [];
  private readonly timers: Timers;
  private readonly client: DownstreamClient;
  private readonly random: () => number;
  private readonly base: number;
  private readonly concurrency: number;
  private timer: unknown;
  private timerAt = Infinity;
  private flushTimer: unknown;
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
    this.client = new DownstreamClient(o.endpoint, {
      connections: CONNECTIONS, depth: Math.ceil(this.concurrency / CONNECTIONS), timeoutMs: o.timeoutMs, timers: this.timers,
    });
  }

  /** Starts delivering what the outbox already holds (entries left by a previous run). */
  start(): void { this.wake(); }

  /** New entries were committed: deliver them soon (never inside the caller's request). */
  wake(): void {
    if (this.chains.size < this.concurrency) this.schedule();
  }

  /** Stops the loop; waits for requests in flight (each bounded by the timeout) and deletes what
   * was delivered. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    if (this.flushTimer !== undefined) this.timers.clearTimeout(this.flushTimer);
    await Promise.all([...this.running]);
    this.flushDelivered();
    this.client.close();
  }

  private busy(station: string): boolean { return this.chains.has(station) || this.undeleted.has(station); }

  /** Starts a chain for each due station head that is not busy, up to `concurrency` chains. */
  private pump(): void {
    if (this.closed) return;
    if (this.timers.now() < this.heldUntil) return; // the retry timer of hold() pumps again
    const free = this.concurrency - this.chains.size;
    // busy stations' heads are due too: ask for enough to find `free` others
    if (free > 0) {
      for (const head of this.o.store.dueHeads(this.timers.now(), free + this.chains.size + this.undeleted.size)) {
        if (this.chains.size >= this.concurrency) break;
        if (!this.busy(head.station_id)) this.startChain(head);
      }
    }
    this.armTimer();
  }

  private startChain(head: OutboxRow): void {
    const station = head.station_id;
    this.chains.add(station);
    const p = this.chain(head)
      .catch((err) => this.hold(err, head))
      .finally(() => { this.chains.delete(station); this.running.delete(p); this.schedule(); });
    this.running.add(p);
  }

  /** Delivers a station's entries one after another from its head, in order, each as soon as the
   * one before it was acknowledged: the deletes follow in batches (flushDelivered), so a
   * delivery waits for no commit. A crash before the flush resends the acknowledged entries not
   * yet deleted, in order, with their keys (at least once, as before). Stops at a failure, at
   * the end of the station's due entries, while the store is held, or when too many deliveries
   * wait to be deleted. */
  private async chain(head: OutboxRow): Promise<void> {
    let e = head;
    let ahead: OutboxRow[] = [];
    let next = 0;
    for (;;) {
      if (!(await this.deliver(e))) return;
      if (this.closed || this.timers.now() < this.heldUntil || this.delivered.length >= MAX_UNDELETED) return;
      if (next === ahead.length) { ahead = this.o.store.entriesAfter(e.station_id, e.id, READ_AHEAD); next = 0; }
      const following = ahead[next++];
      if (following === undefined || following.next_attempt_ms > this.timers.now()) return;
      e = following;
    }
  }

  /** Sleeps until the earliest head that is waiting out its backoff is due. */
  private armTimer(): void {
    const next = this.o.store.nextDue();
    if (next === undefined) {
      if (this.flushing && this.chains.size === 0 && this.undeleted.size === 0) this.reportFlushed(this.flushing);
      return;
    }
    const at = Math.max(next, this.timers.now() + 1);
    if ((this.chains.size > 0 || this.undeleted.size > 0) && next <= this.timers.now()) return; // a chain's end or a flush will pump
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.timers.setTimeout(() => { this.timer = undefined; this.timerAt = Infinity; this.pump(); }, at - this.timers.now());
  }

  /** The store failed to record an outcome (a full or failing disk: a StorageError of
   * src/runtime/storage-health.ts). Deliveries pause for a while instead of hammering the store,
   * then the loop goes on: delivered entries stay queued for deletion (nothing is sent twice), a
   * failure not recorded is retried with the same Idempotency-Key. */
  private hold(err: unknown, e?: OutboxRow): void {
    this.heldUntil = this.timers.now() + OUTCOME_RETRY_MS;
    this.o.log.error({ station: e?.station_id, entry: e?.id, error: (err as Error).message },
      `could not record a delivery's outcome in the station store; deliveries pause for ${OUTCOME_RETRY_MS} ms`);
    if (this.retryArmed) return;
    this.retryArmed = true;
    // the pause ends here (a timer may fire a little before heldUntil by the wall clock)
    this.timers.setTimeout(() => { this.retryArmed = false; this.heldUntil = 0; this.schedule(); }, OUTCOME_RETRY_MS);
  }

  /** One POST; true when it was delivered (then queued for deletion). */
  private async deliver(e: OutboxRow): Promise<boolean> {
    const started = this.timers.now();
    const answer = await this.client.post(e.path, e.body, e.idempotency_key);
    const outcome = "status" in answer ? classifyStatus(answer.status) : "transient";
    if (outcome === "delivered") {
      // the station stays busy until its entry is deleted, so no chain restarts from its old head
      this.delivered.push({ id: e.id, station: e.station_id });
      this.undeleted.set(e.station_id, (this.undeleted.get(e.station_id) ?? 0) + 1);
      this.o.onAttempt?.(outcome, this.timers.now() - started);
      if (this.failing) this.reportRecovered(this.failing);
      if (this.flushing) this.flushing.delivered++;
      if (this.delivered.length >= FLUSH_BATCH) this.schedule();
      else this.flushSoon();
      return true;
    }
    if (this.closed) return false; // the database may be closing; retried next run
    const detail = "status" in answer ? `HTTP ${answer.status}` : answer.error;
    this.o.onAttempt?.(outcome, this.timers.now() - started);
    this.failing ??= { since: started, attempts: 0 };
    this.failing.attempts++;
    this.flushing = undefined;
    const attempts = e.attempts + 1;
    const delay = outcome === "rejected" ? this.o.maxBackoffMs : backoffDelay(attempts, this.base, this.o.maxBackoffMs, this.random());
    // The entry becomes its station's head once the entries delivered before it are deleted; the
    // head then takes this due time (store.markDelivered).
    this.o.store.markFailed(e.id, attempts, this.timers.now() + delay, detail);
    const fields = { station: e.station_id, path: e.path, entry: e.id, attempts, retryInMs: delay, error: detail };
    if (outcome === "rejected") this.o.log.error(fields, "downstream rejected a delivery; check DATA_SERVER_ENDPOINT");
    else this.o.log.warn(fields, "downstream delivery failed; will retry");
    return false;
  }

  /** One tick of the loop, soon: delete what was delivered, then start what is due. setImmediate
   * runs it after this turn's I/O callbacks, so requests that arrived meanwhile go first. */
  private schedule(): void {
    if (this.closed || this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => { this.pumpQueued = false; this.flushDelivered(); this.pump(); });
  }

  /** A tick within FLUSH_MS, so that the deletes of a busy drain share commits. */
  private flushSoon(): void {
    if (this.flushTimer !== undefined || this.closed) return;
    this.flushTimer = this.timers.setTimeout(() => { this.flushTimer = undefined; this.schedule(); }, FLUSH_MS);
  }

  /** Deletes the delivered entries in one transaction; their stations' next entries become heads. */
  private flushDelivered(): void {
    if (this.delivered.length === 0) return;
    if (!this.closed && this.timers.now() < this.heldUntil) return; // the retry timer of hold() flushes
    const done = this.delivered;
    this.delivered = [];
    try {
      this.o.store.markDelivered(done.map((d) => d.id));
    } catch (err) {
      this.delivered = done.concat(this.delivered); // their stations stay busy: order is kept
      if (!this.closed) this.hold(err);
      return;
    }
    for (const d of done) {
      const left = this.undeleted.get(d.station)! - 1;
      if (left === 0) this.undeleted.delete(d.station);
      else this.undeleted.set(d.station, left);
    }
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
