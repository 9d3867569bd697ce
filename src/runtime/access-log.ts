// The access log: one line per served request at info, on both ports, written when the answer has
// been handed to the kernel: method, path (without the query string, which may carry data), status,
// milliseconds from the request's arrival, bytes sent (headers included: what went on the wire,
// also for answers of unknown length). A request whose client hung up before the answer was sent
// is logged at debug.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";

interface RequestEmitter {
  on(event: "request", listener: (req: IncomingMessage, res: ServerResponse) => void): unknown;
}

export function logRequests(server: RequestEmitter, log: Logger, api: string): void {
  server.on("request", (req, res) => {
    const started = performance.now();
    const socket = req.socket;
    const before = socket.bytesWritten;
    res.once("close", () => {
      const q = req.url?.indexOf("?") ?? -1;
      const fields = {
        api, method: req.method, path: q >= 0 ? req.url!.slice(0, q) : req.url, status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10, bytes: socket.bytesWritten - before,
      };
      if (res.writableFinished) log.info(fields, "request");
      else log.debug(fields, "client closed the connection before the answer was sent");
    });
  });
}
