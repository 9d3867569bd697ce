// A deterministic synthetic redborder traffic series (the full metric set of docs/design.md §
// Traffic metric set), to train and test our own default model without anyone's real traffic. Every
// minute's values are a pure function of (seed, minute since the epoch): daily and weekly
// seasonality, smooth multiplicative noise, white noise and occasional short bursts; coarser
// buckets sum the minutes, so every granularity and every time window of the same seed agree.
import type { TimeseriesRow } from "../src/detect/traffic-model";

/** A uniform [0, 1) number from a 32-bit hash of (seed, key) (splitmix-like mixing). */
export function hash01(seed: number, key: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(key | 0, 0xc2b2ae35) ^ Math.imul(Math.floor(key / 4294967296), 0x27d4eb2f)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Standard normal from two hashed uniforms (Box-Muller). */
const normal = (seed: number, key: number) =>
  Math.sqrt(-2 * Math.log(1 - hash01(seed, 2 * key))) * Math.cos(2 * Math.PI * hash01(seed, 2 * key + 1));

/** Smooth noise: linear interpolation of hourly normals (a slowly varying load level). */
function smooth(seed: number, minute: number, period: number): number {
  const k = Math.floor(minute / period), f = minute / period - k;
  return (1 - f) * normal(seed, k) + f * normal(seed, k + 1);
}

export interface MinuteTraffic { bytes: number; pkts: number; flows: number; clients: number }

/** Traffic of one minute (minute = minutes since 1970-01-01T00:00Z, UTC wall clock). */
export function minuteTraffic(seed: number, minute: number): MinuteTraffic {
  const hour = (minute % 1440) / 60, weekday = (Math.floor(minute / 1440) + 3) % 7; // 1970-01-01 was a Thursday (Monday = 0)
  // Daily shape: quiet night, morning ramp, afternoon peak, evening tail.
  const daily = 0.15 + 0.85 * Math.exp(-0.5 * ((hour - 14.5) / 3.8) ** 2) + 0.25 * Math.exp(-0.5 * ((hour - 21) / 1.5) ** 2);
  const weekly = weekday >= 5 ? 0.45 : 1;
  const level = Math.exp(0.15 * smooth(seed, minute, 60) + 0.08 * normal(seed + 1, minute));
  const burst = hash01(seed + 2, Math.floor(minute / 5)) < 0.004 ? 2 + 3 * hash01(seed + 3, minute) : 1;
  const clients = Math.max(1, Math.round(220 * daily * weekly * Math.exp(0.05 * normal(seed + 4, minute))));
  const bytes = Math.round(6.5e6 * daily * weekly * level * burst);
  const pkts = Math.round(bytes / (780 + 60 * normal(seed + 5, minute)));
  const flows = Math.max(1, Math.round(clients * (2.4 + 0.3 * normal(seed + 6, minute)) * (burst > 1 ? 1.6 : 1)));
  return { bytes, pkts, flows, clients };
}

/** The 11 traffic metrics of a bucket from its summed counts (the post-aggregations of
 * docs/design.md § Traffic metric set). */
export function trafficMetrics(t: MinuteTraffic, seconds: number): Record<string, number> {
  const { bytes, pkts, flows, clients } = t;
  const bps = (bytes * 8) / seconds;
  return {
    bytes, pkts, clients, flows, bps, pps: pkts / seconds, fps: flows / seconds,
    bytes_per_client: bytes / clients, bits_per_sec_per_client: bps / clients,
    flows_per_client: flows / clients, flows_per_sec_per_client: flows / seconds / clients,
  };
}

/**
 * Druid-style rows for [startMs, endMs) in buckets of `seconds` (a multiple of 60). Clients of a
 * bucket are the largest per-minute count (a distinct count does not sum).
 */
export function syntheticTraffic(seed: number, startMs: number, endMs: number, seconds: number): TimeseriesRow[] {
  if (seconds % 60 !== 0) throw new RangeError("synthetic traffic has a resolution of one minute");
  const per = seconds / 60, rows: TimeseriesRow[] = [];
  for (let t = Math.floor(startMs / 60_000 / per) * per; t * 60_000 < endMs; t += per) {
    if (t * 60_000 < startMs) continue;
    const sum: MinuteTraffic = { bytes: 0, pkts: 0, flows: 0, clients: 0 };
    for (let m = t; m < t + per; m++) {
      const x = minuteTraffic(seed, m);
      sum.bytes += x.bytes; sum.pkts += x.pkts; sum.flows += x.flows; sum.clients = Math.max(sum.clients, x.clients);
    }
    rows.push({ timestamp: new Date(t * 60_000).toISOString(), result: trafficMetrics(sum, seconds) });
  }
  return rows;
}

export interface InjectedAnomaly { start: number; length: number; factor: number }

/**
 * Copies of `rows` with anomalies: in each span the byte, packet and flow counts are multiplied
 * by `factor` (a flood above 1, an outage below 1) and the derived metrics recomputed. Returns
 * the rows and a per-row label.
 */
export function injectAnomalies(rows: TimeseriesRow[], anomalies: InjectedAnomaly[], seconds: number): { rows: TimeseriesRow[]; labels: boolean[] } {
  const labels = rows.map(() => false);
  const out = rows.map((r) => ({ timestamp: r.timestamp, result: { ...r.result } }));
  for (const a of anomalies) {
    for (let i = a.start; i < Math.min(rows.length, a.start + a.length); i++) {
      const r = rows[i].result;
      out[i].result = trafficMetrics({
        bytes: Math.round(r.bytes * a.factor), pkts: Math.round(r.pkts * a.factor),
        flows: Math.max(1, Math.round(r.flows * a.factor)), clients: r.clients,
      }, seconds);
      labels[i] = true;
    }
  }
  return { rows: out, labels };
}
