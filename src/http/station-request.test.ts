// readJson through @hono/node-server, as the station API serves: a block sent with its headers
// (taken whole from the request's buffer), one sent in pieces, one chunked and one in process all
// parse alike; a UTF-8 BOM is dropped on every path (as node-server's text() drops it); a body
// that is not JSON is a 400; a client that goes away mid-body is a ClientClosedRequestError.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { readJson } from "./station-request";
import { ClientClosedRequestError } from "./errors";

const failures: unknown[] = [];
const app = new Hono();
app.post("/x", async (c) => {
  try {
    return c.json({ parsed: await readJson(c) });
  } catch (e) {
    failures.push(e);
    return c.text((e as Error).message, 400);
  }
});
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
await new Promise((r) => server.once("listening", r));
const port = (server.address() as AddressInfo).port;

/** Sends `pieces` (a pause between them) with the total as Content-Length or chunked: status and body. */
function post(pieces: Buffer[], chunked: boolean): Promise<[number, string]> {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json", ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": total }) };
    const req = request({ host: "127.0.0.1", port, path: "/x", method: "POST", headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (b) => (text += b));
      res.on("end", () => resolve([res.statusCode!, text]));
    });
    req.on("error", reject);
    (async () => {
      for (const p of pieces.slice(0, -1)) { req.write(p); await new Promise((r) => setTimeout(r, 10)); }
      req.end(pieces.at(-1));
    })();
  });
}

const block = { id_estacio: "estació_1", mostres: [{ timestamp: "2021-01-01 00:00:00", values: { a: 1.5, "temp_ºC": -2 } }] };
const json = Buffer.from(JSON.stringify(block));
const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]);
const answer = JSON.stringify({ parsed: block });

test("a block whole with its headers, in pieces, chunked and in process: the same object; a BOM dropped", async () => {
  for (const body of [json, bom]) {
    assert.equal(await post([body], false), [200, answer]);
    assert.equal(await post([body.subarray(0, 7), body.subarray(7)], false), [200, answer]);
    assert.equal(await post([body], true), [200, answer]);
    const res = await app.request("/x", { method: "POST", body, headers: { "content-type": "application/json", "content-length": String(body.length) } });
    assert.is(await res.text(), answer);
  }
  assert.equal(failures, []);
});

test("not JSON (or empty): a 400 naming it", async () => {
  for (const raw of ["id_estacio=1", ""]) {
    const [status, text] = await post([Buffer.from(raw)], false);
    assert.is(status, 400);
    assert.match(text, /^body is not valid JSON/);
  }
  failures.length = 0;
});

test("a client gone mid-body: ClientClosedRequestError", async () => {
  await new Promise<void>((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/x", method: "POST", headers: { "content-type": "application/json", "content-length": 1000 }, agent: false });
    req.on("error", () => resolve());
    req.write(json);
    setTimeout(() => { req.destroy(); setTimeout(resolve, 100); }, 50);
  });
  for (let i = 0; i < 50 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(failures.length, 1);
  assert.instance(failures[0], ClientClosedRequestError);
});

test.after(() => { server.close(); });
test.run();
