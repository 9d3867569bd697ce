// The Druid broker client: POSTs a query as JSON to [Druid] druid_endpoint and returns the
// validated timeseries rows. Timeout: the query's context.timeout (ms, as Druid reads it), else
// [Druid] timeout_ms. A query out of ./query-limits.ts's bounds is refused before it is sent.
// Every failure becomes a DruidError whose kind says what went wrong and whose message says what
// the broker said, or that it could not be reached; never a stack trace or a local path.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Config } from "../config/schema";
import type { TimeseriesRow } from "../detect/traffic-model";
import { splitCredentials, withoutCredentials } from "../runtime/url-credentials";
import { DruidError } from "./druid-error";
import { parseTimeseries, TimeseriesError } from "./timeseries";
import { checkQueryDepth, queryTimeoutMs } from "./query-limits";
import type { DruidQuery } from "./query-builder";

export interface DruidClientOptions {
  endpoint: string;
  /** Used when the query's context has no timeout. */
  timeoutMs: number;
  /** The longest answer read, bytes ([Druid] max_answer_bytes). */
  maxAnswerBytes: number;
}

/** Broker text shown to clients: one line, bounded. */
function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function describeFailure(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ECONNRESET" || code === "EPIPE") return "the connection was closed";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "host unreachable";
  return code ?? "network error";
}

interface Reply { status: number; contentType: string; body: Buffer; location?: string }

/** The broker began to answer, then the connection ended before the answer did. */
class CutOff extends Error {}
/** The answer is longer than the limit. */
class TooLong extends Error {}

interface Post { url: string; headers: Record<string, string>; body: string; signal: AbortSignal; maxBytes: number }

/** POSTs with node:http(s) (about a millisecond less per query than fetch, measured on a week of
 * minutes); resolves with the whole answer, rejects on any failure or when `signal` aborts, while
 * connecting or while the answer is still arriving, and (TooLong) as soon as the answer exceeds
 * maxBytes: a string that long could not even be made. A kept-alive connection the broker has
 * closed in the meantime fails at once (ECONNRESET on a reused socket): the query, a read, is then
 * sent once more on a new connection, as Node's documentation advises. */
function post(p: Post, retried = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let tooLong = false;
    const send = p.url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = send(p.url, { method: "POST", headers: { ...p.headers, "content-length": String(Buffer.byteLength(p.body)) }, signal: p.signal }, (res) => {
      const refuse = () => { tooLong = true; reject(new TooLong()); req.destroy(); };
      if (Number(res.headers["content-length"] ?? 0) > p.maxBytes) return refuse();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > p.maxBytes) refuse();
        else chunks.push(chunk);
      });
      res.on("end", () => resolve({
        status: res.statusCode ?? 0, contentType: res.headers["content-type"] ?? "no content type",
        body: Buffer.concat(chunks, size), location: res.headers.location,
      }));
      res.on("error", () => reject(new CutOff()));
      res.on("aborted", () => reject(new CutOff()));
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (tooLong) return;
      if (!retried && req.reusedSocket && err.code === "ECONNRESET" && !p.signal.aborted) resolve(post(p, true));
      else reject(err);
    });
    req.end(p.body);
  });
}

/** Extracts Druid's own error text from an error answer ({"error", "errorMessage", ...}). */
function brokerError(body: string): string {
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    const parts = [j.error, j.errorMessage].filter((v): v is string => typeof v === "string" && v.length > 0);
    if (parts.length) return excerpt(parts.join(": "));
  } catch { /* not JSON: show the text */ }
  return body.trim() ? excerpt(body) : "(empty body)";
}

/** A broker's successful answer: its body's bytes (UTF-8; a column reader reads them as they
 * are, without a text of ~700 kB for a week of minutes) and content type. */
export interface BrokerAnswer {
  bytes: Buffer;
  contentType: string;
}

/** How the last request to the broker went (the status page's Druid reachability). */
export interface DruidContact {
  at: string;
  ok: boolean;
  /** What the broker answered, or why there was no usable answer. */
  detail: string;
}

export class DruidClient {
  private readonly where: string;
  private readonly headers: Record<string, string>;
  /** The last contact with the broker, by any request (the status page reads this instead of
   * asking the broker on every refresh); undefined before the first. */
  lastContact: DruidContact | undefined;

  constructor(private readonly opts: DruidClientOptions) {
    const { url, authorization } = splitCredentials(opts.endpoint);
    this.where = url;
    this.headers = { "content-type": "application/json", accept: "application/json", ...(authorization ? { authorization } : {}) };
  }

  /** The broker's URL without user:password (as messages show it). */
  get endpoint(): string {
    return this.where;
  }

  /** A client for the [Druid] section of the config. */
  static fromConfig(druid: Config["Druid"]): DruidClient {
    return new DruidClient({ endpoint: druid.druid_endpoint, timeoutMs: druid.timeout_ms, maxAnswerBytes: druid.max_answer_bytes });
  }

  /** The broker's answer to `query`: the rows, validated. */
  async query(query: DruidQuery): Promise<TimeseriesRow[]> {
    return this.rows(await this.answer(query));
  }

  /** The broker's successful answer to `query`, as bytes (for readers of their own, like the
   * default model's column reader); every failure to get one is a DruidError. */
  async answer(query: DruidQuery): Promise<BrokerAnswer> {
    // a query out of bounds is refused before the broker is asked (it is no contact)
    checkQueryDepth(query);
    const timeoutMs = queryTimeoutMs(query) ?? this.opts.timeoutMs;
    try {
      const a = await this.ask(query, timeoutMs);
      this.lastContact = { at: new Date().toISOString(), ok: true, detail: `answered ${a.bytes.length} bytes` };
      return a;
    } catch (e) {
      this.lastContact = { at: new Date().toISOString(), ok: false, detail: (e as Error).message };
      throw e;
    }
  }

  private async ask(query: DruidQuery, timeoutMs: number): Promise<BrokerAnswer> {
    const signal = AbortSignal.timeout(timeoutMs);
    let reply: Reply;
    try {
      reply = await post({ url: this.where, headers: this.headers, body: JSON.stringify(query), signal, maxBytes: this.opts.maxAnswerBytes });
    } catch (err) {
      if (signal.aborted)
        throw new DruidError("timeout", `the Druid broker at ${this.where} did not answer within ${timeoutMs} ms (the query's context.timeout, else [Druid] timeout_ms)`);
      if (err instanceof TooLong)
        throw new DruidError("too-large", `the Druid broker at ${this.where} answered more than ${this.opts.maxAnswerBytes} bytes ([Druid] max_answer_bytes); narrow the query's intervals or coarsen its granularity`);
      if (err instanceof CutOff)
        throw new DruidError("bad-answer", `the Druid broker at ${this.where} closed the connection before its answer was complete`);
      throw new DruidError("unreachable", `could not reach the Druid broker at ${this.where}: ${describeFailure(err)}`);
    }
    if (reply.status >= 300 && reply.status <= 399) // not followed: the endpoint is to be fixed
      throw new DruidError("bad-answer", `the Druid broker at ${this.where} answered HTTP ${reply.status}, a redirect${reply.location ? ` to ${excerpt(withoutCredentials(reply.location), 200)}` : ""}; set [Druid] druid_endpoint to the broker's own query URL`);
    if (reply.status < 200 || reply.status > 299)
      throw new DruidError("bad-answer", `the Druid broker at ${this.where} answered HTTP ${reply.status}: ${brokerError(reply.body.toString("utf8"))}`);
    return { bytes: reply.body, contentType: reply.contentType };
  }

  /** The rows of an answer, validated; an answer that is not a timeseries is a "bad-answer",
   * an empty one an "empty" DruidError (the query matched nothing). */
  rows({ bytes, contentType }: BrokerAnswer): TimeseriesRow[] {
    const body = bytes.toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new DruidError("bad-answer", `the Druid broker at ${this.where} answered something that is not JSON (${excerpt(contentType, 60)}): ${excerpt(body, 100)}`);
    }
    try {
      return parseTimeseries(json);
    } catch (e) {
      if (Array.isArray(json) && json.length === 0)
        throw new DruidError("empty", "the Druid query matched no data (the broker answered an empty series); check its intervals, filter and dataSource");
      if (e instanceof TimeseriesError) throw new DruidError("bad-answer", `the Druid broker's answer is not a usable timeseries: ${e.message}`);
      throw e;
    }
  }
}
