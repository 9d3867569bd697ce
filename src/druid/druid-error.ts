// Why a Druid query gave no usable rows. The kind says what went wrong; the message says it for the
// operator (the broker's address without credentials, what it answered, which setting to look at).
// src/http/error-handler.ts turns an empty answer and a bad query into a 400 (the request is to
// change) and every other kind into a 502 (the broker failed us).

export type DruidErrorKind =
  /** No connection: refused, host not found, reset. */
  | "unreachable"
  /** No complete answer within the query's context.timeout, else [Druid] timeout_ms. */
  | "timeout"
  /** The answer is longer than [Druid] max_answer_bytes. */
  | "too-large"
  /** The broker answered, but not with a timeseries: an HTTP error or redirect, text that is not
   * JSON, rows of the wrong shape, or a connection cut before the answer ended. */
  | "bad-answer"
  /** The broker answered an empty series: the query matched no data. */
  | "empty"
  /** The query was not sent: out of ./query-limits.ts's bounds (context.timeout, nesting). */
  | "bad-query";

export class DruidError extends Error {
  constructor(readonly kind: DruidErrorKind, message: string) {
    super(message);
  }
  override name = "DruidError";
}
