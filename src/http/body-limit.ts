// The request body's size limit of both ports ([Stations] and [Outliers] body_limit). A declared
// Content-Length is checked here, as hono's bodyLimit checks it, but without bodyLimit's look at
// the request's body stream: that look makes @hono/node-server build a real (undici) Request with
// its AbortSignal and a web stream for every request, and read the body through the stream
// instead of straight from the socket (a megabyte form costs a few ms more that way, and every
// small station block pays for the Request). A body of no declared length (chunked) goes through
// bodyLimit, which counts it as it arrives.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/** `tooLarge` throws the port's 413. */
export function limitBody(maxSize: number, tooLarge: () => never): MiddlewareHandler {
  const streamLimit = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) return streamLimit(c, next);
    if (parseInt(length, 10) > maxSize) tooLarge();
    await next();
  };
}
