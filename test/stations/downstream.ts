// A stand-in for the downstream data server (the seed's protocol: POST /outliers/validate and
// POST /outliers with JSON bodies), on loopback. `mode` decides how it answers, and can change
// while a test runs: "ok" (200), "down" (connection refused: the server is closed), "status"
// (answers `status`), "hang" (accepts and never answers).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  key: string;
  body: unknown;
  /** The Authorization header it came with, if any. */
  authorization?: string;
}

export type Mode = "ok" | "down" | "status" | "hang";

export class Downstream {
  received: Received[] = [];
  attempts = 0;
  /** TCP connections accepted (keep-alive clients reuse theirs). */
  connections = 0;
  status = 503;
  /** Answers `status` to the attempts (counted from 1) it is true of, whatever the mode: failures
   * at chosen points of a run, not at chosen times (which a fast machine races past). */
  failsAttempt?: (attempt: number) => boolean;
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();
  private constructor(public port: number, private mode: Mode) {}

  static async start(mode: Mode = "ok", port = 0): Promise<Downstream> {
    const d = new Downstream(port, mode);
    await d.listen(); // also fixes the port, so "down" then "ok" comes back on the same one
    if (mode === "down") await d.shut();
    return d;
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async setMode(mode: Mode): Promise<void> {
    if (mode === "down" && this.server) await this.shut();
    if (mode !== "down" && !this.server) await this.listen();
    this.mode = mode;
  }

  /** Keys delivered, in arrival order, de-duplicated (at-least-once delivery may repeat one). */
  uniqueKeys(): string[] { return [...new Set(this.received.map((r) => r.key))]; }

  async close(): Promise<void> { await this.shut(); }

  private listen(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on("connection", () => this.connections++);
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, "127.0.0.1", () => {
      this.port = (server.address() as AddressInfo).port;
      resolve();
    }));
  }

  private async shut(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // events, not `for await`: the sink's CPU per delivery in the drain bench, where the sink must
    // not be the limit (test/bench/outbox-drain.bench.ts), was 0.039 ms with an async iterator, 0.034 without
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => { text += chunk; });
    req.on("end", () => this.answer(req, res, text));
  }

  private answer(req: IncomingMessage, res: ServerResponse, text: string): void {
    this.attempts++;
    if (this.mode === "hang") { this.hanging.add(res); return; }
    if (this.mode === "status" || this.failsAttempt?.(this.attempts)) { res.writeHead(this.status).end(); return; }
    this.received.push({ path: req.url ?? "", key: String(req.headers["idempotency-key"] ?? ""), body: JSON.parse(text), authorization: req.headers.authorization });
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  }
}
