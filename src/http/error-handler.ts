// The one place that maps errors to responses: {"status": "error", "msg": "..."} with the
// error's status. Anything that is not an HttpError is a fault of ours: logged with its stack,
// answered 500 with a generic message (no stack traces or paths leak to clients).
import type { Context } from "hono";
import type { Logger } from "pino";
import { ClientClosedRequestError, HttpError } from "./errors";

export function errorBody(msg: string) {
  return { status: "error" as const, msg };
}

export function makeErrorHandler(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof ClientClosedRequestError) {
      log.debug({ path: c.req.path }, err.message);
      return new Response(null, { status: 499 });
    }
    if (err instanceof HttpError) {
      if (err.status >= 500) log.warn({ status: err.status, path: c.req.path, error: err.message }, "request failed upstream");
      return c.json(errorBody(err.message), err.status);
    }
    log.error({ err, path: c.req.path }, "unhandled error");
    return c.json(errorBody("internal error; see the service log"), 500);
  };
}

export function notFoundHandler(c: Context) {
  return c.json(errorBody(`no route for ${c.req.method} ${c.req.path}`), 404);
}
