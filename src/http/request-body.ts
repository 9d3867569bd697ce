// A request body's bytes, with one copy of them fewer than @hono/node-server's arrayBuffer():
// that concatenates the socket's chunks and then copies the result once more (its
// toArrayBuffer: ArrayBuffer.prototype.slice), a second ~1 MB buffer and copy for a week of
// minutes posted as a form (docs/traffic.md § Issue 18 part 5: the detector's context terms on
// the second core (2026-12-07, session 11)). A body of declared length, not chunked (the body
// limit has checked that length without touching the stream: ./body-limit.ts), is read from the
// socket into one buffer of that length; any other (chunked, or in process without a socket)
// through arrayBuffer().
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

export async function bodyBytes(c: Context): Promise<Buffer> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const declared = c.req.header("content-length");
  const length = declared === undefined ? NaN : Number(declared);
  if (incoming === undefined || incoming.readableDidRead || c.req.header("transfer-encoding") !== undefined || !Number.isSafeInteger(length) || length < 0)
    return Buffer.from(await c.req.arrayBuffer());
  return readDeclared(incoming, length);
}

/** The body of `length` bytes; rejects when the connection ends before them (Node's parser ends
 * a body at its declared length, so it cannot be longer). */
function readDeclared(incoming: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out = Buffer.allocUnsafe(length);
    let at = 0;
    const done = (error?: Error) => {
      incoming.off("data", onData).off("end", onEnd).off("error", done).off("close", onClose);
      if (error) reject(error);
      else resolve(out);
    };
    const onData = (chunk: Buffer) => {
      if (chunk.length > length - at) return done(new Error(`the request body is longer than its Content-Length (${length})`));
      at += chunk.copy(out, at);
    };
    const onEnd = () => done(at === length ? undefined : new Error(`the request body ended after ${at} of its ${length} bytes`));
    const onClose = () => done(new Error("Client connection prematurely closed."));
    incoming.on("data", onData).on("end", onEnd).on("error", done).on("close", onClose);
  });
}
