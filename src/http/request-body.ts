// A request body's bytes, with one copy of them fewer than @hono/node-server's arrayBuffer():
// that concatenates the socket's chunks and then copies the result once more (its
// toArrayBuffer: ArrayBuffer.prototype.slice), a second ~1 MB buffer and copy for a week of
// minutes posted as a form (docs/traffic.md § Issue 18 part 5: the detector's context terms on
// the second core (2026-12-07, session 11)). A body of declared length, not chunked (the body
// limit has checked that length without touching the stream: ./body-limit.ts), is read from the
// socket into one buffer of that length; any other (chunked, or in process without a socket)
// through arrayBuffer().
//
// A small body usually came in the same read from the socket as its headers: by the time the
// route has awaited once, Node's HTTP parser has pushed all of it into the IncomingMessage.
// `bufferedBody` takes such a body at once, with one read() and no stream
// events (a /detection block: 'data', then 'end' a tick later, then the promises over them;
// docs/stations.md § Floor (issue 17 part 3), session 13).
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/** The socket's request when its body has a declared length, is not chunked, and nobody has read
 * from it yet; undefined otherwise (in process, chunked, already read). */
function declared(c: Context): { incoming: IncomingMessage; length: number } | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const header = c.req.header("content-length");
  const length = header === undefined ? NaN : Number(header);
  if (incoming === undefined || incoming.readableDidRead || c.req.header("transfer-encoding") !== undefined || !Number.isSafeInteger(length) || length < 0)
    return undefined;
  return { incoming, length };
}

/** The whole body when the parser has already buffered all of it (every declared byte in the
 * stream's buffer, no reader attached, the connection open); undefined
 * otherwise, when the body must be read as it comes (nothing has been taken from it then). */
export function bufferedBody(c: Context): Buffer | undefined {
  const d = declared(c);
  return d && whole(d.incoming, d.length);
}

export async function bodyBytes(c: Context): Promise<Buffer> {
  const d = declared(c);
  if (d === undefined) return Buffer.from(await c.req.arrayBuffer());
  return whole(d.incoming, d.length) ?? readDeclared(d.incoming, d.length);
}

/** The body if every declared byte is in the stream's buffer (the parser may not yet have seen the
 * message end: it runs the route's microtasks between the body's bytes and the end); the stream is
 * then resumed, so that it ends (Node ends a stream at a read after its end, and @hono/node-server
 * drains a request whose stream has not ended once the answer is sent, on timers). */
function whole(incoming: IncomingMessage, length: number): Buffer | undefined {
  if (incoming.destroyed || incoming.readableFlowing !== null || incoming.readableEncoding !== null || incoming.readableLength !== length)
    return undefined;
  const body = length === 0 ? Buffer.alloc(0) : incoming.read() as Buffer | null;
  if (body === null || body.length !== length) throw new Error(`the request body's ${length} buffered bytes read as ${body?.length ?? 0}`);
  incoming.resume();
  return body;
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
