// [Druid] allowed_datasources (issue 17 part 5): the traffic API forwards a query to the broker
// with the service's credentials, so it may only read the datasources the setting names. Druid's
// dataSource is a name, a {"type": "table", "name"} or a {"type": "union", "dataSources": [...]}
// of those (druid.apache.org/docs/latest/querying/datasource); any other kind (query, join,
// lookup, inline) could read anything and is refused unless the setting is "*".
import type { DruidQuery } from "../druid/query-builder";
import { BadRequestError, ForbiddenError } from "./errors";

/** The table names a dataSource reads, or undefined for a kind that is not made of tables. */
function tablesOf(ds: unknown): string[] | undefined {
  if (typeof ds === "string") return [ds];
  if (ds === null || typeof ds !== "object") return undefined;
  const d = ds as { type?: unknown; name?: unknown; dataSources?: unknown };
  if (d.type === "table" && typeof d.name === "string") return [d.name];
  if (d.type === "union" && Array.isArray(d.dataSources)) {
    const all = d.dataSources.map(tablesOf);
    return all.every((t) => t !== undefined) ? all.flat() : undefined;
  }
  return undefined;
}

/** Throws a 403 naming the setting when the query reads a datasource `allowed` does not list
 * ("*" in it allows any). */
export function checkDataSource(query: DruidQuery, allowed: readonly string[]): void {
  if (allowed.includes("*")) return;
  const list = allowed.map((n) => JSON.stringify(n)).join(", ");
  if (query.dataSource === undefined) throw new BadRequestError(`the query has no dataSource; name one of ${list}`);
  const tables = tablesOf(query.dataSource);
  if (tables === undefined)
    throw new ForbiddenError(`the query's dataSource is not a table name: only ${list} may be read ([Druid] allowed_datasources; "*" allows any dataSource)`);
  const refused = tables.filter((t) => !allowed.includes(t));
  if (refused.length)
    throw new ForbiddenError(`dataSource ${refused.map((n) => JSON.stringify(n)).join(", ")} may not be read: [Druid] allowed_datasources allows ${list}`);
}
