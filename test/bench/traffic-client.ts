// What the traffic benches share: the bursty series, the request timed to the answer's last byte,
// and the quantile of sorted times.
import { Agent, request } from "node:http";
import { minuteRows } from "../traffic/http-helpers";

/** Every 50th point spiked: 2% of the points, twice the contamination cap. */
export function burstyRows(n: number) {
  const rows = minuteRows(n);
  for (let k = 25; k < n; k += 50) rows[k]!.result.bytes += 800_000;
  return rows;
}

/** The sorted times' q-quantile (p99 of 200: the second slowest). */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** POSTs the form body; resolves when the answer's last byte has arrived, with the time that took
 * (what an HTTP client waits for: reading the JSON afterwards is the client's own work, so it is
 * done after the clock stops). */
export function post(url: URL, body: Buffer, agent: Agent): Promise<{ ms: number; status: number; answer: Buffer }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request(url, {
      method: "POST", agent,
      headers: { "content-type": "application/x-www-form-urlencoded", "content-length": body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ ms: performance.now() - t, status: res.statusCode!, answer: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
