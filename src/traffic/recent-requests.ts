// The traffic API's last requests, for the status page's traffic section (issue 15 part 1): which
// query or posted series, how many points, which model, how many anomalies, and the tail of the
// series with its forecast and anomalies to plot. A small ring in memory, lost on restart by
// design (it shows what the box is doing now, not a record): at most CAPACITY requests, each with
// at most SERIES_POINTS points of its series (the latest), so it holds a few MB at worst.
import { TimestampColumn } from "../druid/timestamp-column";

/** Requests kept: the newest replace the oldest. */
export const CAPACITY = 20;
/** Points of a request's series kept (its last ones): two days of one-minute points. */
export const SERIES_POINTS = 2880;

export interface RecentRequest {
  /** 1 for the first request since the process started. */
  id: number;
  /** When it was answered (ISO 8601). */
  at: string;
  /** "query" (asked of Druid) or "data" (posted). */
  source: "query" | "data";
  /** The query's dataSource, or null for posted data. */
  datasource: string | null;
  /** The series name the request carried (its `series` field), or null. */
  series_name: string | null;
  model: string;
  metric: string;
  points: number;
  anomalies: number;
  /** Time to answer, ms. */
  ms: number;
}

/** A request's series as judged: timestamps (as the column reader found them in the request's
 * bytes, or strings), values, forecast and anomaly flags, aligned. */
export interface JudgedSeries {
  timestamps: readonly string[] | TimestampColumn;
  values: ArrayLike<number>;
  forecast: ArrayLike<number>;
  anomalous: readonly boolean[];
}

export interface KeptSeries {
  timestamps: string[];
  values: number[];
  forecast: number[];
  anomalous: boolean[];
  /** Points of the request before the kept ones (not kept). */
  left_out: number;
}

/** The last `keep` elements of `a`, copied (the request's arrays are not held) into what `make`
 * gives for their count. The kept numbers and flags go into typed arrays until a request is read
 * (booleans become 0 / 1 there): a kept request outlives two young-generation collections, so what
 * it holds is moved to the old generation, where an array of 2,880 elements is work for every full
 * collection and a typed array's contents are not. */
function tail<T, A extends { [i: number]: unknown }>(a: ArrayLike<T>, keep: number, make: (n: number) => A): A {
  const from = Math.max(0, a.length - keep);
  const out = make(a.length - from);
  for (let i = from; i < a.length; i++) out[i - from] = a[i];
  return out;
}

function countTrue(flags: readonly boolean[]): number {
  let n = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i]) n++;
  return n;
}

export class RecentRequests {
  /** The timestamps are kept as bytes when they came so; everything is made arrays when asked for. */
  private readonly ring: Array<{
    request: RecentRequest; timestamps: string[] | TimestampColumn; values: Float64Array; forecast: Float64Array; anomalous: Uint8Array; left_out: number;
  }> = [];
  private next = 1;

  constructor(private readonly capacity = CAPACITY, private readonly seriesPoints = SERIES_POINTS) {}

  /** Records an answered request; returns its id. */
  add(request: Omit<RecentRequest, "id" | "points" | "anomalies">, judged: JudgedSeries): number {
    const id = this.next++;
    const points = judged.timestamps.length;
    const anomalies = countTrue(judged.anomalous);
    const keep = this.seriesPoints;
    this.ring.push({
      request: { id, ...request, points, anomalies },
      timestamps: judged.timestamps instanceof TimestampColumn ? judged.timestamps.tail(keep) : tail(judged.timestamps, keep, (n) => new Array<string>(n)),
      values: tail(judged.values, keep, (n) => new Float64Array(n)), forecast: tail(judged.forecast, keep, (n) => new Float64Array(n)),
      anomalous: tail(judged.anomalous, keep, (n) => new Uint8Array(n)),
      left_out: Math.max(0, points - keep),
    });
    if (this.ring.length > this.capacity) this.ring.shift();
    return id;
  }

  /** The kept requests, newest first. */
  list(): RecentRequest[] {
    return this.ring.map((r) => r.request).reverse();
  }

  /** A kept request with its series, or undefined when it is not (or no longer) kept. */
  get(id: number): (RecentRequest & { series: KeptSeries }) | undefined {
    const r = this.ring.find((e) => e.request.id === id);
    return r && {
      ...r.request,
      series: {
        timestamps: Array.isArray(r.timestamps) ? r.timestamps : r.timestamps.strings(),
        values: Array.from(r.values), forecast: Array.from(r.forecast), anomalous: Array.from(r.anomalous, (f) => f === 1), left_out: r.left_out,
      },
    };
  }
}
