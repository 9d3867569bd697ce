// A downstream on loopback that writes its answers byte for byte (node:http's server would frame
// them itself): for the pipelining client's tests (./downstream-client.test.ts). It reads the
// requests of each connection (head + Content-Length body) and hands each to `answer`, with the
// connection, which writes what it likes, or nothing, or ends or destroys the socket.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface RawRequest {
  line: string;
  headers: Record<string, string>;
  body: string;
  /** The connection's number (from 0, in the order accepted) and the request's on it. */
  connection: number;
  index: number;
  /** How many requests the read that completed this one held (pipelined requests come together). */
  batch: number;
}

export class RawDownstream {
  readonly requests: RawRequest[] = [];
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server, public readonly port: number) {}

  static async start(answer: (r: RawRequest, socket: Socket) => void): Promise<RawDownstream> {
    let self: RawDownstream | undefined;
    const server = createServer((socket) => {
      const n = self!.connections++;
      self!.sockets.add(socket);
      socket.on("close", () => self!.sockets.delete(socket));
      socket.on("error", () => {});
      let buf = "", index = 0;
      socket.on("data", (chunk) => {
        buf += chunk.toString("latin1");
        const done: RawRequest[] = [];
        for (;;) {
          const end = buf.indexOf("\r\n\r\n");
          if (end < 0) break;
          const [line, ...rest] = buf.slice(0, end).split("\r\n");
          const headers = Object.fromEntries(rest.map((h) => [h.slice(0, h.indexOf(":")).toLowerCase(), h.slice(h.indexOf(":") + 1).trim()]));
          const length = Number(headers["content-length"] ?? 0);
          if (buf.length < end + 4 + length) break;
          done.push({ line: line!, headers, body: buf.slice(end + 4, end + 4 + length), connection: n, index: index++, batch: 0 });
          buf = buf.slice(end + 4 + length);
        }
        for (const r of done) {
          r.batch = done.length;
          self!.requests.push(r);
          if (!socket.destroyed) answer(r, socket);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    self = new RawDownstream(server, (server.address() as AddressInfo).port);
    return self;
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  /** Connections open now. */
  get open(): number { return this.sockets.size; }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
