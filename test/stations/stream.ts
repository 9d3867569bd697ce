// A reproducible sensor stream for the station tests and bench: level shifts (drift, retrains) and
// spikes (outliers), and helpers to post it.
import { createPipeline, pipelineOptionsFor } from "../../src/detect";

export function value(k: number, v: number): number {
  const noise = Math.sin(k * 12.9898 + v * 78.233) * 43758.5453 % 1;
  return (k % 800 > 400 ? 3 : 0) + Math.sin(k / 9) + 0.2 * noise + (k % 97 === 0 ? 12 : 0);
}

export function timestampOf(k: number): string {
  return new Date(Date.UTC(2021, 0, 1) + k * 60_000).toISOString().replace("T", " ").slice(0, 19);
}

/** A /detection body: samples from..from+n-1 in the README's nested format (`at`: the stream). */
export function blockBody(id: string, from: number, n: number, vars: string[], at: (k: number, v: number) => number = value) {
  const mostres = [];
  for (let k = from; k < from + n; k++) {
    const values: Record<string, number> = {};
    vars.forEach((v, i) => (values[v] = at(k, i)));
    mostres.push({ timestamp: timestampOf(k), values });
  }
  return { id_estacio: id, numero_mostres: n, mostres };
}

export async function postJson(base: string, path: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; json: any }> {
  const r = await fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
  return { status: r.status, json: await r.json() };
}

/** "variable@timestamp" of every outlier an uninterrupted in-process run finds on samples 0..n-1. */
export function referenceOutliers(pipeline: string, windows: Record<string, number>, n: number): string[] {
  const out: string[] = [];
  Object.entries(windows).forEach(([name, w], i) => {
    const p = createPipeline(pipelineOptionsFor(pipeline, w));
    for (let k = 0; k < n; k++) {
      const d = p.update(value(k, i), timestampOf(k));
      if (d) d.labels.forEach((l, j) => { if (l === 1) out.push(`${name}@${d.timestamps[j]}`); });
    }
  });
  return out.sort();
}
