// Reading a station API request: its JSON body and the station id of its path (the routes of
// ./station-app.ts and ./station-record-routes.ts).
import type { Context } from "hono";
import { z } from "zod";
import { BadRequestError, ClientClosedRequestError, UnsupportedMediaTypeError } from "./errors";
import { parseOrThrow, stationIdSchema } from "./station-schemas";
import { bufferedBody } from "./request-body";

export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type))
    throw new UnsupportedMediaTypeError(`send the body as JSON with Content-Type: application/json (got ${type ? JSON.stringify(type) : "no Content-Type"})`);
  const text = await bodyText(c);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BadRequestError(`body is not valid JSON (${(e as Error).message}); send a JSON object`);
  }
}

const utf8 = new TextDecoder();

/** The body as text, decoded as @hono/node-server's text() decodes it (a UTF-8 BOM dropped). A
 * block is usually whole in the request's buffer once the route awaits once (./request-body.ts);
 * otherwise, and in process, it is read as it comes. */
async function bodyText(c: Context): Promise<string> {
  if (c.env?.incoming !== undefined) {
    await undefined; // the parser pushes the body after the 'request' event this route runs in
    const whole = bufferedBody(c);
    if (whole) return utf8.decode(whole);
  }
  return c.req.text().catch((e: unknown) => {
    // the client went away mid-upload (node's "aborted", ECONNRESET): not a fault of ours
    if (c.req.raw.signal.aborted || (e as { code?: string }).code === "ECONNRESET") throw new ClientClosedRequestError(c.req.path);
    throw e;
  });
}

const pathIdSchema = z.object({ id_estacio: stationIdSchema });

/** The station id of /stations/:id (URL-decoded), checked like the bodies' `id_estacio`. */
export function idParam(c: Context): string {
  return parseOrThrow(pathIdSchema, { id_estacio: c.req.param("id") }).id_estacio;
}
