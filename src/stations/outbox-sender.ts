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
import { splitCredentials } from "../runtime/url-credentials";
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
   * sent as Basic authorization (fetch refuses a URL with credentials). */
  endpoint: string;
  timeoutMs: number;
  maxBackoffMs: number;
  baseBackoffMs?: number;
  concurrency?: number;
  log: Logger;
  timers?: Timers;
  fetch?: typeof fetch;
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
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly timers: Timers;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;
  private readonly base: number;
  private readonly concurrency: number;
  /** The endpoint without its credentials, with a trailing slash removed; the headers of a POST. */
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private timer: unknown;
  private timerAt = Infinity;
  private pumpQueued = false;
  private closed = false;
  /** Since when deliveries fail, and how many attempts failed; undefined while they succeed. */
  private failing?: { since: number; attempts: number };
  /** After a recovery, until the outbox is empty: when it recovered and what it delivered since. */
  private flushing?: { since: number; delivered: number };
  /** No delivery starts before this time: the store could not record an outcome (a full disk). */
  private heldUntil = 0;

  constructor(private readonly o: OutboxSenderOptions) {
    this.timers = o.timers ?? realTimers;
    this.fetch = o.fetch ?? globalThis.fetch;
    this.random = o.random ?? Math.random;
    this.base = o.baseBackoffMs ?? 250;
    this.concurrency = o.concurrency ?? 8;
    const { url, authorization } = splitCredentials(o.endpoint);
    this.url = url.replace(/\/+$/, "");
    this.headers = { "content-type": "application/json", ...(authorization ? { authorization } : {}) };
  }

  /** Starts delivering what the outbox already holds (entries left by a previous run). */
  start(): void { this.wake(); }

  /** New entries were committed: deliver them soon (never inside the caller's request). */
  wake(): void {
    if (this.closed || this.pumpQueued || this.inFlight.size >= this.concurrency) return;
    this.pumpQueued = true;
    setImmediate(() => { this.pumpQueued = false; this.pump(); });
  }

  /** Stops the loop; waits for requests in flight (each bounded by the timeout). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    await Promise.all([...this.inFlight.values()]);
  }

  private pump(): void {
    if (this.closed) return;
    const now = this.timers.now();
    if (now < this.heldUntil) return this.armTimer();
    for (const head of this.o.store.dueHeads(now, this.concurrency)) {
      if (this.inFlight.size >= this.concurrency) break;
      if (this.inFlight.has(head.station_id)) continue;
      const p = this.deliver(head).catch((err) => this.outcomeNotRecorded(head, err)).finally(() => {
        this.inFlight.delete(head.station_id);
        this.pump();
      });
      this.inFlight.set(head.station_id, p);
    }
    this.armTimer();
  }

  /** Sleeps until the earliest head that is waiting out its backoff is due. */
  private armTimer(): void {
    const next = this.o.store.nextDue();
    if (next === undefined) {
      if (this.flushing && this.inFlight.size === 0) this.reportFlushed(this.flushing);
      return;
    }
    const at = Math.max(next, this.timers.now() + 1, this.heldUntil);
    if (this.inFlight.size > 0 && next <= this.timers.now()) return; // a completion will pump
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.timers.setTimeout(() => { this.timer = undefined; this.timerAt = Infinity; this.pump(); }, at - this.timers.now());
  }

  /** The store failed to record a delivery's outcome (a full or failing disk: a StorageError of
   * ./storage-health.ts): the entry stays as it was, so deliveries pause for a while instead of
   * sending it again at once; the downstream may get it twice, with the same Idempotency-Key. */
  private outcomeNotRecorded(e: OutboxRow, err: unknown): void {
    this.heldUntil = this.timers.now() + OUTCOME_RETRY_MS;
    this.o.log.error({ station: e.station_id, entry: e.id, error: (err as Error).message },
      `could not record a delivery's outcome in the station store; deliveries pause for ${OUTCOME_RETRY_MS} ms`);
  }

  private async deliver(e: OutboxRow): Promise<void> {
    const started = this.timers.now();
    const { outcome, detail } = await this.post(e);
    if (this.closed && outcome !== "delivered") return; // the database may be closing; retried next run
    this.o.onAttempt?.(outcome, this.timers.now() - started);
    if (outcome === "delivered") {
      this.o.store.markDelivered(e.id);
      if (this.failing) this.reportRecovered(this.failing);
      if (this.flushing) this.flushing.delivered++;
      return;
    }
    this.failing ??= { since: started, attempts: 0 };
    this.failing.attempts++;
    this.flushing = undefined;
    const attempts = e.attempts + 1;
    const delay = outcome === "rejected" ? this.o.maxBackoffMs : backoffDelay(attempts, this.base, this.o.maxBackoffMs, this.random());
    this.o.store.markFailed(e.id, attempts, this.timers.now() + delay, detail);
    const fields = { station: e.station_id, path: e.path, entry: e.id, attempts, retryInMs: delay, error: detail };
    if (outcome === "rejected") this.o.log.error(fields, "downstream rejected a delivery; check DATA_SERVER_ENDPOINT");
    else this.o.log.warn(fields, "downstream delivery failed; will retry");
  }

  private reportRecovered(failing: { since: number; attempts: number }): void {
    const now = this.timers.now();
    this.failing = undefined;
    this.flushing = { since: now, delivered: 0 };
    const queued = this.o.store.outboxStats().depth;
    this.o.log.info({ failing_seconds: (now - failing.since) / 1000, failed_attempts: failing.attempts, queued },
      "downstream recovered; delivering the queued results");
  }

  private reportFlushed(flushing: { since: number; delivered: number }): void {
    this.flushing = undefined;
    this.o.log.info({ delivered: flushing.delivered, seconds: (this.timers.now() - flushing.since) / 1000 },
      "downstream backlog flushed");
  }

  private async post(e: OutboxRow): Promise<{ outcome: DeliveryOutcome; detail: string }> {
    const ctrl = new AbortController();
    const timer = this.timers.setTimeout(() => ctrl.abort(), this.o.timeoutMs);
    try {
      const res = await this.fetch(this.url + e.path, {
        method: "POST",
        headers: { ...this.headers, "idempotency-key": e.idempotency_key },
        body: e.body,
        redirect: "manual",
        signal: ctrl.signal,
      });
      await res.arrayBuffer(); // read to the end (frees the connection); also under the timeout
      return { outcome: classifyStatus(res.status), detail: `HTTP ${res.status}` };
    } catch (err) {
      const detail = ctrl.signal.aborted ? `no answer within ${this.o.timeoutMs} ms`
        : String((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
      return { outcome: "transient", detail };
    } finally {
      this.timers.clearTimeout(timer);
    }
  }
}
