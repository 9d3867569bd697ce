// Which result field of the rows the model judges: the `monitors` column when present, else the
// configured [Outliers] metric when the rows have it, else the first result field (the original
// read pandas column 1, the first field after the timestamp).
import type { TimeseriesRow } from "../detect/traffic-model";
import { BadRequestError } from "./errors";

/** The same choice from the first row's field names (in order), for readers that have no row
 * objects; undefined when `configured` names a property every object has (`in` would see it). */
export function metricOfFields(fields: readonly string[], configured: string): string | undefined {
  if (fields.includes("monitors")) return "monitors";
  if (fields.includes(configured)) return configured;
  return configured in {} ? undefined : fields[0];
}

export function chooseMetric(rows: TimeseriesRow[], configured: string): string {
  const first = rows[0]!.result;
  const fields = Object.keys(first);
  if (fields.length === 0)
    throw new BadRequestError(`row 0 has no result fields; each row's "result" must hold the metric to judge (e.g. "${configured}")`);
  const metric = "monitors" in first ? "monitors" : configured in first ? configured : fields[0]!;
  for (let i = 1; i < rows.length; i++) {
    if (!(metric in rows[i]!.result))
      throw new BadRequestError(`metric "${metric}" is missing in row ${i}; every row's "result" must have the same metric (the first row has: ${fields.slice(0, 12).join(", ")})`);
  }
  return metric;
}
