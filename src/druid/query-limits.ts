// What a query must be before it is sent to the broker (issue 17 part 7): a context.timeout the
// client can keep, and a nesting the service can serialise. Anything else is the caller's to fix,
// a DruidError "bad-query" (400), never a failure to reach the broker nor a fault of ours.
import { DruidError } from "./druid-error";
import type { DruidQuery } from "./query-builder";

/** The accepted context.timeout, ms: at least 1, at most an hour (as [Druid] timeout_ms). A
 * longer one would overflow Node's timers (2^31-1 ms) or keep a request open for days. */
export const QUERY_TIMEOUT_MAX_MS = 3_600_000;

/** The deepest nesting of objects and arrays accepted in a query (the query object is level 1).
 * A Druid filter of and/or/not is rarely ten levels deep; a much deeper one would overflow the
 * stack of JSON.stringify and of the series key's canonical form. */
export const QUERY_MAX_DEPTH = 64;

/** context.timeout of the query in ms (a number or a numeric string), or undefined when it has
 * none; a DruidError "bad-query" when it is not a whole number of ms in 1..QUERY_TIMEOUT_MAX_MS. */
export function queryTimeoutMs(query: DruidQuery): number | undefined {
  const ctx = query.context;
  if (!ctx || typeof ctx !== "object") return undefined;
  const raw = (ctx as Record<string, unknown>).timeout;
  if (raw === undefined || raw === null) return undefined;
  const t = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof t === "number" && Number.isInteger(t) && t >= 1 && t <= QUERY_TIMEOUT_MAX_MS) return t;
  const shown = JSON.stringify(raw)?.slice(0, 40) ?? String(raw);
  throw new DruidError("bad-query", `the query's context.timeout is ${shown}; send a whole number of milliseconds from 1 to ${QUERY_TIMEOUT_MAX_MS}, or none to use [Druid] timeout_ms`);
}

/** Throws a DruidError "bad-query" when the query nests deeper than QUERY_MAX_DEPTH. Iterative:
 * a recursive walk would itself overflow on the queries it is there to refuse. */
export function checkQueryDepth(query: DruidQuery): void {
  const stack: [unknown, number][] = [[query, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > QUERY_MAX_DEPTH)
      throw new DruidError("bad-query", `the query nests objects and arrays more than ${QUERY_MAX_DEPTH} levels deep (the limit); flatten its filter, e.g. one "and"/"or" with many fields instead of nested ones`);
    const children = Array.isArray(value) ? value : Object.values(value as object);
    for (const child of children) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
}
