// A stand-in Druid broker for the training tests: answers POSTed timeseries queries (the Druid
// broker protocol: JSON query in, JSON array of {timestamp, result} out) with the synthetic
// traffic of build/synthetic-traffic.ts for the query's interval and granularity, and records
// every query. `fail` makes it answer HTTP 500 with a Druid error body. With `granularities`, it
// answers only those (an empty series for the others, which a training skips): less data, shorter runs.
import { createServer, type Server } from "node:http";
import { granularitySeconds } from "../../src/druid/granularity";
import { syntheticTraffic } from "../../build/synthetic-traffic";

export interface StandInDruid {
  url: string;
  queries: Record<string, any>[];
  fail: boolean;
  close(): Promise<void>;
}

export async function startStandInDruid(seed: number, o: { granularities?: string[] } = {}): Promise<StandInDruid> {
  const state = { queries: [] as Record<string, any>[], fail: false };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (b) => (body += b));
    req.on("end", () => {
      const q = JSON.parse(body);
      state.queries.push(q);
      if (state.fail) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "Unknown exception", errorMessage: "stand-in broker told to fail" }));
        return;
      }
      const [start, end] = String(q.intervals[0]).split("/").map(Date.parse);
      const answered = !o.granularities || o.granularities.includes(q.granularity?.period ?? q.granularity);
      const rows = answered ? syntheticTraffic(seed, start, end, granularitySeconds(q.granularity)) : [];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(rows));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/druid/v2/`,
    get queries() { return state.queries; },
    get fail() { return state.fail; },
    set fail(v: boolean) { state.fail = v; },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
