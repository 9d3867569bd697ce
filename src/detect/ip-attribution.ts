// Which IPs caused each traffic outlier (POST /api/v1/ip_identifier), after OutlierIdentifier of
// rb-aioutliers: every (ip, timestamp) row gets [hour, minute, day of month, day of week
// (Monday = 0), day of year, rolling mean and rolling sample std of bytes over 5 rows, bytes == 0];
// an isolation forest (seeded) over all rows marks the 5% with the lowest scores as anomalous
// (sklearn contamination=0.05), and an outlier is caused by the IPs whose row at its timestamp
// is anomalous. The original rolled over all IPs' rows concatenated, so one IP's window spilled
// into the next IP's; here the windows are per IP and in time order ("the IP's own traffic").
import { IsolationForest } from "./isolation-forest";
import { ModelInputError } from "./model-catalog";
import { percentile } from "./percentile";
import { epochMs, wallClock } from "./iso-time";
import { dayOfWeek } from "./time-encoding";

export interface IpRow { timestamp: string; result?: { bytes?: number } }
export interface IpOutlier { timestamp: string }

const ROLLING = 5;
const CONTAMINATION = 0.05;

function dayOfYear(year: number, month: number, day: number): number {
  return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
}

export function attributeOutliers(outliers: IpOutlier[], allIpsData: Record<string, IpRow[]>, seed = 42): { ips: { caused_by: string[] }[] } {
  const ips: string[] = [], times: number[] = [], X: number[][] = [];
  for (const [ip, series] of Object.entries(allIpsData)) {
    const rows = series.map((r, i) => {
      const clock = typeof r?.timestamp === "string" ? wallClock(r.timestamp) : undefined;
      const at = clock ? epochMs(r.timestamp) : NaN;
      if (!clock || Number.isNaN(at)) throw new ModelInputError(`all_ips_data["${ip.slice(0, 60)}"][${i}]: timestamp is not an ISO-8601 time`);
      const bytes = r.result?.bytes ?? 0;
      if (typeof bytes !== "number" || !Number.isFinite(bytes)) throw new ModelInputError(`all_ips_data["${ip.slice(0, 60)}"][${i}]: result.bytes is not a finite number`);
      return { clock, at, bytes };
    }).sort((a, b) => a.at - b.at);
    rows.forEach((r, i) => {
      const window = rows.slice(Math.max(0, i - ROLLING + 1), i + 1).map((w) => w.bytes);
      const mean = window.reduce((s, v) => s + v, 0) / window.length;
      const std = window.length > 1 ? Math.sqrt(window.reduce((s, v) => s + (v - mean) ** 2, 0) / (window.length - 1)) : 0;
      const { year, month, day, hour, minute } = r.clock;
      X.push([hour, minute, day, dayOfWeek(year, month, day), dayOfYear(year, month, day), mean, std, r.bytes === 0 ? 1 : 0]);
      ips.push(ip);
      times.push(r.at);
    });
  }
  const causes = X.length > 0 ? causesByTime(new IsolationForest({ seed }).fit(X).scoreSamples(X), ips, times) : new Map<number, string[]>();
  const none: string[] = [];
  return {
    ips: outliers.map((o, k) => {
      const at = typeof o?.timestamp === "string" ? epochMs(o.timestamp) : NaN;
      if (Number.isNaN(at)) throw new ModelInputError(`outliers[${k}]: timestamp is missing or not an ISO-8601 time`);
      // Outliers at one instant share one list: the answer is linear in the outliers, not in
      // outliers × anomalous rows (a list per outlier made 100k outliers at one time quadratic).
      return { caused_by: causes.get(at) ?? none };
    }),
  };
}

/** The IPs of the anomalous rows (the CONTAMINATION share with the lowest scores) at each time,
 * each IP once, in row order. */
function causesByTime(scores: ArrayLike<number>, ips: string[], times: number[]): Map<number, string[]> {
  const offset = percentile(scores, 100 * CONTAMINATION);
  const seen = new Map<number, Set<string>>();
  const out = new Map<number, string[]>();
  for (let i = 0; i < scores.length; i++) {
    if (!(scores[i]! < offset)) continue;
    const at = times[i]!;
    let ipsAt = seen.get(at);
    if (!ipsAt) { ipsAt = new Set(); seen.set(at, ipsAt); out.set(at, []); }
    if (!ipsAt.has(ips[i]!)) { ipsAt.add(ips[i]!); out.get(at)!.push(ips[i]!); }
  }
  return out;
}
