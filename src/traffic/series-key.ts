// Which series a traffic request is about (issue 18 part 4): the redborder manager asks about the
// same series again and again with a moving interval, so a query's series is its normalised
// dataSource, filter, granularity (as seconds: "pt1m" = "minute") and the judged metric with the
// aggregator that defines it, not its intervals or context. Posted `data` has no identity unless
// the caller names the series. Keys are SHA-256 hex of canonical JSON (object keys sorted).
import { createHash } from "node:crypto";
import { granularitySeconds } from "../druid/granularity";
import type { DruidQuery } from "../druid/query-builder";

/** JSON with object keys sorted at every level (arrays keep their order). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The aggregator or post-aggregator of the query named `metric`, if any. */
function definitionOf(query: DruidQuery, metric: string): unknown {
  for (const list of [query.aggregations, query.postAggregations]) {
    if (!Array.isArray(list)) continue;
    const found = list.find((a) => a !== null && typeof a === "object" && (a as { name?: unknown }).name === metric);
    if (found) return found;
  }
  return null;
}

/** The series of a (checked) timeseries query's metric. */
export function querySeriesKey(query: DruidQuery, metric: string): string {
  return sha256(canonical({
    kind: "query", dataSource: query.dataSource ?? null, filter: query.filter ?? null,
    granularity: granularitySeconds(query.granularity), metric, definition: definitionOf(query, metric),
  }));
}

/** The series a caller named (field `series`) for posted data. */
export function namedSeriesKey(name: string, metric: string): string {
  return sha256(canonical({ kind: "named", name, metric }));
}
