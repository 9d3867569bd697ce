// The one place that maps errors to responses (as hono's one onError): the HTTP layer's own
// HttpErrors carry their status; the domains' errors carry a kind (src/druid/druid-error.ts,
// src/stations/station-errors.ts, ModelInputError of src/detect/model-catalog.ts, the field
// readers' errors), mapped to a status here. The body is {"status": "error", "msg": "..."}, except
// the original station server's {"status": "Station not initialized", "msg"} for an unknown
// station. Anything else is a fault of ours: logged with its stack, answered 500 with a generic
// message (no stack traces or paths leak to clients).
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import { ModelInputError } from "../detect/model-catalog";
import { DruidError } from "../druid/druid-error";
import { GranularityError } from "../druid/granularity";
import { TimeseriesError } from "../druid/timeseries";
import { StationError, StorageError } from "../stations/station-errors";
import { Base64FieldError } from "./base64-field";
import { ClientClosedRequestError, HttpError } from "./errors";

export function errorBody(msg: string) {
  return { status: "error" as const, msg };
}

export interface ErrorResponse {
  status: ContentfulStatusCode;
  body: { status: string; msg: string };
}

/** The answer to an error a handler let through, or undefined when it is a fault of ours. */
export function errorResponse(err: Error): ErrorResponse | undefined {
  const answer = (status: ContentfulStatusCode) => ({ status, body: errorBody(err.message) });
  if (err instanceof HttpError) return answer(err.status);
  // An empty answer means the query matched nothing, a bad query was never sent: the request is
  // to change, not the broker.
  if (err instanceof DruidError) return answer(err.kind === "empty" || err.kind === "bad-query" ? 400 : 502);
  if (err instanceof StationError) {
    switch (err.kind) {
      case "not-initialized": return { status: 404, body: { status: "Station not initialized", msg: err.message } };
      case "older-sample": return answer(409);
      case "key-reused": return answer(422);
      case "variable-unknown": return answer(400);
      case "window-refused": return answer(400);
      case "too-costly": return answer(413);
    }
  }
  // A store's disk (the station store's, the traffic series memory's) is full (507 Insufficient
  // Storage, RFC 4918), read-only or failing (503): the request can be sent again once it is fixed.
  if (err instanceof StorageError) return answer(err.kind === "full" ? 507 : 503);
  // Input a model cannot judge, and request fields that are not what they must be: the message
  // says what to send.
  if (err instanceof ModelInputError || err instanceof Base64FieldError || err instanceof GranularityError || err instanceof TimeseriesError)
    return answer(400);
  return undefined;
}

export function makeErrorHandler(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof ClientClosedRequestError) {
      log.debug({ path: c.req.path }, err.message);
      return new Response(null, { status: 499 });
    }
    const r = errorResponse(err);
    if (r) {
      if (r.status >= 500) log.warn({ status: r.status, path: c.req.path, error: err.message }, "request failed upstream");
      return c.json(r.body, r.status);
    }
    log.error({ err, path: c.req.path }, "unhandled error");
    return c.json(errorBody("internal error; see the service log"), 500);
  };
}

export function notFoundHandler(c: Context) {
  return c.json(errorBody(`no route for ${c.req.method} ${c.req.path}`), 404);
}
