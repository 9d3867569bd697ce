// Seconds per time bucket of a Druid query's granularity, for the per-second post-aggregations
// of the traffic metric set (docs/design.md § Traffic metric set). Accepts the forms the redborder
// manager sends: a simple name ("minute", "fifteen_minute", ...), an ISO-8601 period ("pt5m",
// "PT1H", "P1D") as a string or as {"type": "period", "period": ...}, and {"type": "duration",
// "duration": <ms>}. Anything without a fixed length (months, "all", "none", bad text) is refused:
// per-second rates would be wrong. The original (query_builder.py) read only granularity.period and
// defaulted to "minute".

const SIMPLE: Record<string, number> = {
  second: 1, minute: 60, five_minute: 300, ten_minute: 600, fifteen_minute: 900,
  thirty_minute: 1800, hour: 3600, six_hour: 21600, eight_hour: 28800, day: 86400, week: 604800,
};

const UNIT_SECONDS: Record<string, number> = { W: 604800, D: 86400, H: 3600, M: 60, S: 1 };

export class GranularityError extends Error {
  override name = "GranularityError";
}

const ACCEPTED = "a fixed-length granularity: minute, fifteen_minute, thirty_minute, hour, day (or another " +
  "Druid simple name), an ISO-8601 period such as pt1m, pt5m, pt1h, pt8h, p1d, or {\"type\":\"duration\",\"duration\":ms}";

/** Seconds of an ISO-8601 period of weeks/days/hours/minutes/seconds ("PT5M" = 300), or undefined. */
function periodSeconds(period: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(period.trim());
  if (!m || period.trim().length <= 1 || /T$/i.test(period.trim())) return undefined;
  const [w, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  const total = w! * UNIT_SECONDS.W! + d! * UNIT_SECONDS.D! + h! * UNIT_SECONDS.H! + mi! * UNIT_SECONDS.M! + s!;
  return total > 0 ? total : undefined;
}

/** Seconds per bucket of `granularity` (a query's `granularity` value); absent = "minute" as in
 * the original. Throws GranularityError naming what is accepted. */
export function granularitySeconds(granularity: unknown): number {
  if (granularity === undefined || granularity === null) return SIMPLE.minute!;
  if (typeof granularity === "string") {
    const simple = SIMPLE[granularity.toLowerCase()];
    const seconds = simple ?? periodSeconds(granularity);
    if (seconds === undefined) throw new GranularityError(`granularity ${JSON.stringify(granularity).slice(0, 60)} is not supported; send ${ACCEPTED}`);
    return seconds;
  }
  if (typeof granularity === "object" && !Array.isArray(granularity)) {
    const g = granularity as Record<string, unknown>;
    if (g.type === "period" && typeof g.period === "string") {
      const seconds = periodSeconds(g.period);
      if (seconds !== undefined) return seconds;
      throw new GranularityError(`granularity period ${JSON.stringify(g.period).slice(0, 60)} is not supported; send ${ACCEPTED}`);
    }
    if (g.type === "duration" && typeof g.duration === "number" && g.duration >= 1000 && g.duration % 1000 === 0)
      return g.duration / 1000;
  }
  throw new GranularityError(`granularity ${JSON.stringify(granularity).slice(0, 80)} is not supported; send ${ACCEPTED}`);
}
