// The Druid queries of a training run (docs/design.md § Training): datasource rb_flow, the model's
// filter, the last 24 hours, one timeseries query per granularity, asking for the traffic metric
// set.
import { withTrafficMetrics, type DruidQuery } from "../../druid/query-builder";

export const TRAINING_GRANULARITIES = ["pt1m", "pt2m", "pt5m", "pt15m", "pt30m", "pt1h", "pt2h", "pt8h"] as const;

export function trainingQueries(filter: unknown, now: Date, hours = 24): DruidQuery[] {
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const start = new Date(end.getTime() - hours * 3_600_000);
  return TRAINING_GRANULARITIES.map((period) => withTrafficMetrics({
    queryType: "timeseries",
    dataSource: "rb_flow",
    granularity: { type: "period", period, origin: start.toISOString() },
    intervals: [`${start.toISOString()}/${end.toISOString()}`],
    ...(filter === undefined ? {} : { filter }),
    context: { timeout: 90_000, skipEmptyBuckets: "true" },
  }));
}
