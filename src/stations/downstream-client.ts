// The outbox sender's HTTP client for the downstream data server: POSTs over a keep-alive
// node:http(s) Agent, one socket per delivery in flight. `fetch` (undici) cost ~2 ms of CPU per
// delivery under load (issue 17 part 2, docs/stations.md § Outbox backlog and drain (issue 17
// part 2)); a plain request on a reused socket is a fraction of that. The timeout covers the whole answer (headers
// and body), as before.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { splitCredentials } from "../runtime/url-credentials";
import type { Timers } from "./outbox-sender";

/** The downstream's status code, or why there was none (a connection error code, the timeout). */
export type PostAnswer = { status: number } | { error: string };

export class DownstreamClient {
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;
  /** host, port and the base path, parsed once (a URL string per request is parsed per request). */
  private readonly target: { protocol: string; hostname: string; port: string; base: string };
  /** content-type, and Authorization from the endpoint's user:password (never sent in the URL). */
  private readonly headers: Record<string, string>;

  constructor(endpoint: string, private readonly o: { sockets: number; timeoutMs: number; timers: Timers }) {
    const { url, authorization } = splitCredentials(endpoint);
    const parsed = new URL(url);
    const https = parsed.protocol === "https:";
    const agentOptions = { keepAlive: true, maxSockets: o.sockets, maxFreeSockets: o.sockets };
    this.agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.request = https ? httpsRequest : httpRequest;
    // brackets off an IPv6 literal: the options take the bare address
    this.target = { protocol: parsed.protocol, hostname: parsed.hostname.replace(/^\[|\]$/g, ""), port: parsed.port, base: parsed.pathname.replace(/\/+$/, "") };
    this.headers = { "content-type": "application/json", ...(authorization ? { authorization } : {}) };
  }

  post(path: string, body: string, idempotencyKey: string): Promise<PostAnswer> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (answer: PostAnswer) => {
        if (settled) return;
        settled = true;
        this.o.timers.clearTimeout(timer);
        resolve(answer);
      };
      const t = this.target;
      const req = this.request({
        protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.base + path,
        method: "POST",
        agent: this.agent,
        headers: { ...this.headers, "content-length": Buffer.byteLength(body), "idempotency-key": idempotencyKey },
      }, (res: IncomingMessage) => {
        res.on("error", (err) => settle({ error: errorDetail(err) }));
        res.on("end", () => settle({ status: res.statusCode ?? 0 }));
        res.resume(); // read to the end: frees the socket for the next delivery
      });
      const timer = this.o.timers.setTimeout(() => {
        settle({ error: `no answer within ${this.o.timeoutMs} ms` });
        req.destroy();
      }, this.o.timeoutMs);
      req.on("error", (err) => settle({ error: errorDetail(err) }));
      req.end(body);
    });
  }

  /** Closes the idle sockets (and any still open). */
  close(): void { this.agent.destroy(); }
}

function errorDetail(err: Error): string {
  return String((err as NodeJS.ErrnoException).code ?? err.message);
}
