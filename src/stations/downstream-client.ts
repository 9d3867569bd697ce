// The outbox sender's HTTP client for the downstream data server: POSTs over a few keep-alive
// connections with HTTP/1.1 pipelining (docs/stations.md § Outbox backlog and drain (issue 17
// part 2)). The sender keeps one entry in flight per station, so the requests in flight are of
// different stations; up to `depth` of them share a connection, and the requests queued in one
// event-loop turn go out in one write per connection, their answers read in order (./http1-responses.ts).
// A node:http request cost ~0.05 ms of CPU and a write per delivery; `fetch` ~1.5 ms.
// Most servers answer a connection's requests one after the other, so a slow downstream would
// make the requests behind a slow answer wait: a connection whose oldest request waits SLOW_MS
// takes no more, and further connections are opened (up to one per request in flight, as
// without pipelining); they close once they idle (measured, 32 requests in flight, a downstream
// taking 10 / 50 ms per request: 1,281 / 357 answers/s, where 4 fixed connections gave 408 / 89).
//
// What can go wrong on a connection: an error, an unexpected end, an unreadable answer or a
// request's timeout (which covers its whole answer) ends the connection, and every request still
// in flight on it gets an error (a transient failure: the sender retries it with the same
// Idempotency-Key; at least once). A server that announces it closes (Connection: close, HTTP/1.0)
// has not read the requests written after the one it answered: those are sent again on another
// connection, not failed, and no more than one request at a time is written to a connection
// until a server's answer keeps its connection open again.
import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { splitCredentials } from "../runtime/url-credentials";
import { Http1Responses } from "./http1-responses";
import type { Timers } from "./outbox-sender";

/** The downstream's status code, or why there was none (a connection error code, the timeout). */
export type PostAnswer = { status: number } | { error: string };

interface Pending {
  request: string;
  settle(answer: PostAnswer): void;
  /** When it was written (timers.now()). */
  sentAt: number;
  /** Written behind another request still unanswered on its connection. */
  pipelined: boolean;
}

interface Connection {
  socket: Socket;
  responses: Http1Responses;
  /** Written, unanswered, oldest first: the answers come in this order. */
  inFlight: Pending[];
  /** Requests of this turn, written together by the next flush. */
  out: string;
  /** No more requests may be written to it (it ended, failed, or the server announced its close). */
  done: boolean;
}

/** A connection whose oldest request in flight waits this long takes no more behind it. */
const SLOW_MS = 20;
/** Connections past the first `connections` close after this long without traffic. */
const SURPLUS_IDLE_MS = 2000;

export class DownstreamClient {
  private readonly connections = new Set<Connection>();
  /** Requests no connection took yet (all at their depth), oldest first. */
  private queue: Pending[] = [];
  private flushQueued = false;
  /** Whether requests may be written behind one another: until a server announces a close. */
  private pipelining = true;
  /** The server answered a request and then never the one written behind it: it does not take
   * pipelined requests (a broken server or proxy), so none are written again. */
  private pipeliningRefused = false;
  private readonly target: { host: string; port: number; tls: boolean; servername?: string };
  /** The request line's path prefix and the headers every request carries. */
  private readonly base: string;
  private readonly headers: string;

  constructor(endpoint: string, private readonly o: {
    /** Connections used while the downstream answers promptly, and requests in flight on each;
     * up to connections × depth connections while it does not (or does not keep them open). */
    connections: number; depth: number; timeoutMs: number; timers: Timers;
  }) {
    const { url, authorization } = splitCredentials(endpoint);
    const parsed = new URL(url);
    const tls = parsed.protocol === "https:";
    // brackets off an IPv6 literal: connect takes the bare address
    const host = parsed.hostname.replace(/^\[|\]$/g, "");
    this.target = { host, port: Number(parsed.port || (tls ? 443 : 80)), tls, servername: tls && isIP(host) === 0 ? host : undefined };
    this.base = parsed.pathname.replace(/\/+$/, "");
    this.headers = `Host: ${parsed.host}\r\nContent-Type: application/json\r\n${authorization ? `Authorization: ${authorization}\r\n` : ""}`;
  }

  post(path: string, body: string, idempotencyKey: string): Promise<PostAnswer> {
    return new Promise((resolve) => {
      let settled = false;
      const timer = this.o.timers.setTimeout(() => {
        const on = [...this.connections].find((c) => c.inFlight.includes(p));
        // the requests ahead of it were answered, it never was: the server ignores pipelined requests
        if (p.pipelined && on?.inFlight[0] === p) this.pipeliningRefused = true;
        settle({ error: `no answer within ${this.o.timeoutMs} ms` });
        // its answer would come before those behind it: the connection is of no further use
        if (on) this.fail(on, "an earlier request on the connection got no answer");
        else this.queue = this.queue.filter((q) => q !== p);
      }, this.o.timeoutMs);
      const settle = (answer: PostAnswer) => {
        if (settled) return;
        settled = true;
        this.o.timers.clearTimeout(timer);
        resolve(answer);
      };
      const p: Pending = {
        request: `POST ${this.base}${path} HTTP/1.1\r\n${this.headers}Idempotency-Key: ${idempotencyKey}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        settle,
        sentAt: 0,
        pipelined: false,
      };
      this.queue.push(p);
      this.flushSoon();
    });
  }

  /** Ends every connection; requests still in flight get an error. */
  close(): void {
    for (const c of [...this.connections]) this.fail(c, "client closed");
    for (const p of this.queue.splice(0)) p.settle({ error: "client closed" });
  }

  /** The requests of this turn (a drain answers many in one read) go out together. */
  private flushSoon(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    process.nextTick(() => { this.flushQueued = false; this.flush(); });
  }

  private flush(): void {
    const now = this.o.timers.now();
    while (this.queue.length > 0) {
      const c = this.pick(now);
      if (c === undefined) break; // every connection at its depth: an answer flushes again
      const p = this.queue.shift()!;
      p.sentAt = now;
      p.pipelined = c.inFlight.length > 0;
      c.inFlight.push(p);
      c.out += p.request;
    }
    for (const c of this.connections) {
      if (c.out === "") continue;
      c.socket.write(c.out);
      c.out = "";
      c.socket.ref(); // an idle one does not hold the process open (as node:http's free sockets)
    }
  }

  /** Of the first `connections` connections (the oldest), the one with the fewest requests in
   * flight that can take one more: below the depth, and answering promptly (its oldest request
   * was sent less than SLOW_MS ago); a new one while fewer than `connections` are open and none is
   * idle. Past those, for a downstream that answers slowly (or without pipelining), the other
   * connections the same way, and new ones up to one per request in flight. */
  private pick(now: number): Connection | undefined {
    const depth = this.pipelining && !this.pipeliningRefused ? this.o.depth : 1;
    let first: Connection | undefined, more: Connection | undefined, n = 0;
    for (const c of this.connections) {
      const core = n++ < this.o.connections;
      if (c.inFlight.length >= depth || (c.inFlight.length > 0 && now - c.inFlight[0]!.sentAt >= SLOW_MS)) continue;
      if (core && (first === undefined || c.inFlight.length < first.inFlight.length)) first = c;
      if (!core && (more === undefined || c.inFlight.length < more.inFlight.length)) more = c;
    }
    if (first !== undefined && first.inFlight.length === 0) return first;
    if (this.connections.size < this.o.connections) return this.open();
    if (first !== undefined) return first;
    if (more !== undefined && more.inFlight.length === 0) return more;
    if (this.connections.size < this.o.connections * this.o.depth) return this.open();
    return more;
  }

  private open(): Connection {
    const t = this.target;
    const socket = t.tls
      ? tlsConnect({ host: t.host, port: t.port, servername: t.servername })
      : netConnect({ host: t.host, port: t.port });
    socket.setNoDelay(true);
    // the connections opened for a slow downstream close once it is quick again and they idle
    socket.setTimeout(SURPLUS_IDLE_MS, () => { if (c.inFlight.length === 0 && this.connections.size > this.o.connections) this.retire(c); });
    const c: Connection = { socket, responses: new Http1Responses(), inFlight: [], out: "", done: false };
    this.connections.add(c);
    socket.on("data", (chunk: Buffer) => this.read(c, chunk));
    socket.on("end", () => {
      const last = c.responses.end();
      if (last !== undefined) this.answer(c, last);
      this.fail(c, c.inFlight.length > 0 ? "connection closed by the server" : "idle connection closed");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => this.fail(c, String(err.code ?? err.message)));
    socket.on("close", () => this.fail(c, "connection closed"));
    return c;
  }

  private read(c: Connection, chunk: Buffer): void {
    let answers;
    try {
      answers = c.responses.push(chunk);
    } catch (err) {
      this.fail(c, `unreadable answer: ${(err as Error).message}`);
      return;
    }
    for (const a of answers) {
      if (c.done) return;
      this.answer(c, a);
    }
  }

  private answer(c: Connection, a: { status: number; close: boolean }): void {
    const p = c.inFlight.shift();
    if (p === undefined) { this.fail(c, "an answer to no request"); return; }
    p.settle({ status: a.status });
    if (a.close) {
      // it read none of the requests behind this one: they go again, on another connection
      this.pipelining = c.inFlight.length === 0 && this.pipelining;
      this.queue.unshift(...c.inFlight.splice(0));
      this.retire(c);
    } else {
      this.pipelining = true;
      if (c.inFlight.length === 0) c.socket.unref();
    }
    this.flushSoon();
  }

  /** Ends the connection; what is still in flight on it gets `error` (retried by the sender). */
  private fail(c: Connection, error: string): void {
    this.retire(c);
    for (const p of c.inFlight.splice(0)) p.settle({ error });
  }

  private retire(c: Connection): void {
    if (!this.connections.delete(c)) return;
    c.done = true;
    c.socket.destroy();
    if (this.queue.length > 0) this.flushSoon();
  }
}
