// Rewrites a Druid timeseries query for a deep (named) model: the query's aggregations and
// postAggregations are replaced by the redborder traffic metric set the model was trained on
// (docs/design.md § Traffic metric set; the original's query_builder.py + aggregations.json +
// postAggregations.json). Per-second values divide by the query's granularity in seconds.
import { granularitySeconds } from "./granularity";

export type DruidQuery = Record<string, unknown>;

/** The 11 metrics of the redborder traffic set, in the order the deep model uses them. */
export const TRAFFIC_METRICS = [
  "bytes", "pkts", "clients", "flows", "bps", "pps", "fps",
  "bytes_per_client", "bits_per_sec_per_client", "flows_per_client", "flows_per_sec_per_client",
] as const;

function trafficAggregations(): Record<string, unknown>[] {
  return [
    { type: "longSum", name: "bytes", fieldName: "sum_bytes" },
    { type: "longSum", name: "pkts", fieldName: "sum_pkts" },
    { type: "hyperUnique", name: "clients", fieldName: "clients" },
    { type: "longSum", name: "flows", fieldName: "events" },
  ];
}

const field = (fieldName: string) => ({ type: "fieldAccess", fieldName });
const clients = () => ({ type: "hyperUniqueCardinality", fieldName: "clients" });
const constant = (value: number) => ({ type: "constant", value });
const divide = (name: string, a: unknown, b: unknown) => ({ type: "arithmetic", name, fn: "/", fields: [a, b] });
const bits = () => ({ type: "arithmetic", name: "bits", fn: "*", fields: [field("bytes"), constant(8)] });

/** The traffic set's post-aggregations for buckets of `seconds` seconds. */
function trafficPostAggregations(seconds: number): Record<string, unknown>[] {
  const perSecond = (name: string, what: unknown) => divide(name, what, constant(seconds));
  return [
    perSecond("bps", bits()),
    perSecond("pps", field("pkts")),
    perSecond("fps", field("flows")),
    divide("bytes_per_client", field("bytes"), clients()),
    divide("bits_per_sec_per_client", perSecond("bps", bits()), clients()),
    divide("flows_per_client", field("flows"), clients()),
    divide("flows_per_sec_per_client", perSecond("fps", field("flows")), clients()),
  ];
}

/** A copy of `query` asking for the whole traffic metric set; the input is not modified.
 * Throws GranularityError when the granularity has no fixed length. */
export function withTrafficMetrics(query: DruidQuery): DruidQuery {
  const seconds = granularitySeconds(query.granularity);
  return { ...query, aggregations: trafficAggregations(), postAggregations: trafficPostAggregations(seconds) };
}
