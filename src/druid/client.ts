// The Druid broker client: POSTs a query as JSON to [Druid] druid_endpoint and returns the
// validated timeseries rows. Timeout: the query's context.timeout (ms, as Druid reads it), else
// [Druid] timeout_ms. Every failure becomes an UpstreamError (502) whose message says what the
// broker said, or that it could not be reached; never a stack trace or a local path.
import type { TimeseriesRow } from "../detect/traffic-model";
import { BadRequestError, UpstreamError } from "../http/errors";
import { parseTimeseries, TimeseriesError } from "./timeseries";
import type { DruidQuery } from "./query-builder";

export interface DruidClientOptions {
  endpoint: string;
  /** Used when the query's context has no timeout. */
  timeoutMs: number;
}

/** Broker text shown to clients: one line, bounded. */
function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The endpoint without user:password (fetch refuses URLs with credentials, and messages must
 * not show them), and the Basic authorization they stand for (Druid's basic auth). */
function splitCredentials(endpoint: string): { url: string; authorization?: string } {
  const u = new URL(endpoint);
  if (!u.username && !u.password) return { url: u.toString() };
  const user = decodeURIComponent(u.username), password = decodeURIComponent(u.password);
  u.username = ""; u.password = "";
  return { url: u.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

/** context.timeout of a Druid query in ms when it is a positive number (or numeric string). */
export function queryTimeoutMs(query: DruidQuery): number | undefined {
  const ctx = query.context;
  if (!ctx || typeof ctx !== "object") return undefined;
  const t = Number((ctx as Record<string, unknown>).timeout);
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

function describeFetchFailure(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "the connection was closed";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "host unreachable";
  return code ?? "network error";
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

/** A broker's successful answer: its body and content type. */
export interface BrokerAnswer {
  body: string;
  contentType: string;
}

export class DruidClient {
  private readonly where: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: DruidClientOptions) {
    const { url, authorization } = splitCredentials(opts.endpoint);
    this.where = url;
    this.headers = { "content-type": "application/json", accept: "application/json", ...(authorization ? { authorization } : {}) };
  }

  /** The broker's answer to `query`: the rows, validated. */
  async query(query: DruidQuery): Promise<TimeseriesRow[]> {
    return this.rows(await this.answer(query));
  }

  /** The broker's successful answer to `query`, as text (for readers of their own, like the
   * default model's column reader); every failure to get one is an UpstreamError. */
  async answer(query: DruidQuery): Promise<BrokerAnswer> {
    const timeoutMs = queryTimeoutMs(query) ?? this.opts.timeoutMs;
    let response: Response;
    let body: string;
    try {
      response = await fetch(this.where, {
        method: "POST",
        headers: this.headers,
        body: JSON.stringify(query),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.text();
    } catch (err) {
      const name = (err as Error).name;
      if (name === "TimeoutError" || name === "AbortError")
        throw new UpstreamError(`the Druid broker at ${this.where} did not answer within ${timeoutMs} ms (the query's context.timeout, else [Druid] timeout_ms)`);
      throw new UpstreamError(`could not reach the Druid broker at ${this.where}: ${describeFetchFailure(err)}`);
    }
    if (!response.ok)
      throw new UpstreamError(`the Druid broker at ${this.where} answered HTTP ${response.status}: ${brokerError(body)}`);
    return { body, contentType: response.headers.get("content-type") ?? "no content type" };
  }

  /** The rows of an answer, validated; an answer that is not a timeseries is an UpstreamError,
   * an empty one a BadRequestError (the query matched nothing). */
  rows({ body, contentType }: BrokerAnswer): TimeseriesRow[] {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new UpstreamError(`the Druid broker at ${this.where} answered something that is not JSON (${excerpt(contentType, 60)}): ${excerpt(body, 100)}`);
    }
    try {
      return parseTimeseries(json);
    } catch (e) {
      if (Array.isArray(json) && json.length === 0)
        throw new BadRequestError("the Druid query matched no data (the broker answered an empty series); check its intervals, filter and dataSource");
      if (e instanceof TimeseriesError) throw new UpstreamError(`the Druid broker's answer is not a usable timeseries: ${e.message}`);
      throw e;
    }
  }
}
