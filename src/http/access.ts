// Access to both ports (issue 17 part 5; docs/operations.md § Access): with [Server] auth_token
// set, every request that writes or deletes (any method but GET, HEAD and OPTIONS) must carry
// `Authorization: Bearer <token>` (RFC 6750), and with [Server] auth_reads reads must too, except
// the paths that stay open: /health (systemd, container health checks) and the status page's
// shell (/, /ui/*, /docs, /openapi.json: the page must load to ask for the token, and the API's
// description holds no data). One middleware in front of each app's routes, not a check per
// handler. The token is compared as SHA-256 digests with timingSafeEqual: equal lengths, and
// the time taken says nothing about how much of a guess was right.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { errorBody } from "./error-handler";

export interface AccessOptions {
  /** [Server] auth_token; "" asks for nothing. */
  token: string;
  /** [Server] auth_reads. */
  reads: boolean;
}

const READS = new Set(["GET", "HEAD", "OPTIONS"]);
const OPEN_PATHS = new Set(["/health", "/", "/docs", "/openapi.json"]);
const isOpen = (path: string) => OPEN_PATHS.has(path) || path.startsWith("/ui/");
const digest = (text: string) => createHash("sha256").update(text).digest();

/** What the service asks the token for, as the status page's shell and GET /status say it (never
 * the token itself): the page offers the token entry before the first write, or asks at load. */
export function accessNeeds(o: AccessOptions): { writes: boolean; reads: boolean } {
  return { writes: o.token !== "", reads: o.token !== "" && o.reads };
}

/** The token of an `Authorization: Bearer ...` header; undefined when there is none. */
function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? "");
  return m?.[1];
}

export function requireToken(o: AccessOptions): MiddlewareHandler {
  if (o.token === "") return async (_c, next) => { await next(); };
  const expected = digest(o.token);
  return async (c, next) => {
    const read = READS.has(c.req.method);
    if (read && (!o.reads || isOpen(c.req.path))) return next();
    const given = bearer(c.req.header("authorization"));
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    const what = read ? "reading this API ([Server] auth_reads is on)" : `${c.req.method} ${c.req.path}`;
    const msg = given === undefined
      ? `${what} needs the service's token: send the header "Authorization: Bearer <token>", the token being [Server] auth_token`
      : `the bearer token sent is not the service's token ([Server] auth_token); ${what} needs it`;
    const challenge = given === undefined ? 'Bearer realm="rb-aioutliers"' : 'Bearer realm="rb-aioutliers", error="invalid_token"';
    return c.json(errorBody(msg), 401, { "www-authenticate": challenge });
  };
}
