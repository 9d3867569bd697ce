// A stand-in for the Druid broker in HTTP tests: a real HTTP server on loopback that takes
// POST /druid/v2/ with a JSON query, records it, checks it is a timeseries query, and answers
// what the test set: a file from test/fixtures/upstream, an error status, non-JSON, nothing for
// a while (slow), or part of an answer (then closed, or stalled). Speaks the broker's protocol as the client uses it, nothing more.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFixtureJson } from "../support/fixtures";
import type { AddressInfo } from "node:net";

export function upstreamJson(name: string): unknown {
  return readFixtureJson(`upstream/${name}`);
}

export type BrokerReply =
  | { kind: "json"; body: unknown; status?: number }
  | { kind: "text"; body: string; status: number; contentType?: string }
  | { kind: "hang"; ms: number; body?: unknown }
  /** 200 and the first `bytes` of `body`'s JSON, then the connection closed ("cut") or left
   * open ("stall"). */
  | { kind: "cut"; bytes: number; body: unknown }
  | { kind: "stall"; bytes: number; body: unknown };

export interface StandInBroker {
  endpoint: string;
  /** Queries received, parsed, in order. */
  queries: Record<string, unknown>[];
  reply: BrokerReply;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (s += d));
    req.on("end", () => resolve(s));
    req.on("error", reject);
  });
}

export async function startStandInBroker(reply: BrokerReply): Promise<StandInBroker> {
  const broker: StandInBroker = { endpoint: "", queries: [], reply, close: async () => {} };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const text = await readBody(req);
    if (req.method !== "POST" || req.url !== "/druid/v2/" || !(req.headers["content-type"] ?? "").startsWith("application/json")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not found" }));
      return;
    }
    let query: Record<string, unknown>;
    try {
      query = JSON.parse(text) as Record<string, unknown>;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "Malformed query", errorMessage: "not JSON" }));
      return;
    }
    broker.queries.push(query);
    const r = broker.reply;
    if (r.kind === "hang") {
      const timer = setTimeout(() => {
        if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(r.body ?? []));
      }, r.ms);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    if (r.kind === "cut" || r.kind === "stall") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(JSON.stringify(r.body).slice(0, r.bytes));
      if (r.kind === "cut") setTimeout(() => res.destroy(), 20);
      return;
    }
    if (r.kind === "text") {
      res.writeHead(r.status, { "content-type": r.contentType ?? "text/html" }).end(r.body);
      return;
    }
    res.writeHead(r.status ?? 200, { "content-type": "application/json" }).end(JSON.stringify(r.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  broker.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/druid/v2/`;
  broker.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return broker;
}
