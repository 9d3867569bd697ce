import { test } from "uvu";
import * as assert from "uvu/assert";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import pino from "pino";
import { limitBody } from "./body-limit";
import { makeErrorHandler } from "./error-handler";
import { PayloadTooLargeError } from "./errors";

// Through @hono/node-server, as the services serve: a declared Content-Length and a chunked body
// take different paths through the middleware.
const app = new Hono();
app.onError(makeErrorHandler(pino({ level: "silent" })));
app.post("/x", limitBody(100, () => { throw new PayloadTooLargeError(100, "[Test] body_limit"); }), async (c) => c.text(await c.req.text()));
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
await new Promise((r) => server.once("listening", r));
const port = (server.address() as AddressInfo).port;

function post(body: string, chunked: boolean): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = chunked ? { "transfer-encoding": "chunked" } : { "content-length": Buffer.byteLength(body) };
    const req = request({ host: "127.0.0.1", port, path: "/x", method: "POST", headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (b) => (text += b));
      res.on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject);
    if (chunked) { req.write(body.slice(0, 60)); req.end(body.slice(60)); } else req.end(body);
  });
}

for (const chunked of [false, true]) {
  const how = chunked ? "chunked" : "Content-Length";
  test(`${how}: a body at the limit is read whole`, async () => {
    const body = "y".repeat(100);
    assert.equal(await post(body, chunked), { status: 200, text: body });
  });
  test(`${how}: one byte over the limit → 413 naming the setting`, async () => {
    const r = await post("y".repeat(101), chunked);
    assert.is(r.status, 413);
    assert.match(r.text, /larger than the limit of 100 bytes \(\[Test\] body_limit\)/);
  });
}

test.after(() => { server.close(); });
test.run();
