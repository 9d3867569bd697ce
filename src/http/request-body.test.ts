// bodyBytes through @hono/node-server, as the services serve: a body of declared length read in
// one buffer (sent in one piece and in several, empty), a chunked one, one in process (no socket),
// each the bytes sent; a client that goes away mid-body fails the read, and the server serves on.
// bufferedBody: a small body sent with its headers is whole once the route has awaited once; one
// still arriving, a chunked one and one in process are not taken (and read in full afterwards);
// a request whose body was taken ends as one read through its stream.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyBytes, bufferedBody } from "./request-body";

const failures: string[] = [];
const app = new Hono();
app.post("/x", async (c) => {
  try {
    const b = await bodyBytes(c);
    return c.text(`${b.length} ${createHash("sha256").update(b).digest("hex")}`);
  } catch (e) {
    failures.push((e as Error).message);
    return c.text("failed", 500);
  }
});
/** Whether each request's stream had ended by the turn after its answer's socket was let go
 * (@hono/node-server drains one that has not, on timers). */
const endedAtClose: boolean[] = [];
/** What bufferedBody took after one await ("none", or the length and digest), then what bodyBytes read. */
app.post("/buffered", async (c) => {
  await undefined;
  const whole = bufferedBody(c);
  const env = c.env as { incoming: IncomingMessage; outgoing: ServerResponse } | undefined;
  env?.outgoing.once("close", () => setImmediate(() => endedAtClose.push(env.incoming.readableEnded)));
  const rest = whole ? undefined : await bodyBytes(c);
  return c.text(`${whole ? digest(whole) : "none"} | ${rest ? digest(rest) : "-"}`);
});
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
await new Promise((r) => server.once("listening", r));
const port = (server.address() as AddressInfo).port;

const digest = (b: Buffer) => `${b.length} ${createHash("sha256").update(b).digest("hex")}`;

/** Sends `pieces` (with a pause between them), with the total as Content-Length or chunked. */
function post(pieces: Buffer[], chunked: boolean, path = "/x"): Promise<string> {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  return new Promise((resolve, reject) => {
    const headers = chunked ? { "transfer-encoding": "chunked" } : { "content-length": total };
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (b) => (text += b));
      res.on("end", () => resolve(text));
    });
    req.on("error", reject);
    (async () => {
      for (const p of pieces.slice(0, -1)) { req.write(p); await new Promise((r) => setTimeout(r, 10)); }
      req.end(pieces.at(-1));
    })();
  });
}

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255));

test("a body of declared length, in one piece or several, and a chunked one: the bytes sent", async () => {
  const big = bytes(900_000, 1);
  for (const chunked of [false, true]) {
    assert.is(await post([big], chunked), digest(big), `one piece, chunked: ${chunked}`);
    assert.is(await post([big.subarray(0, 1), big.subarray(1, 400_000), big.subarray(400_000)], chunked), digest(big));
    assert.is(await post([Buffer.alloc(0)], chunked), digest(Buffer.alloc(0)));
  }
  assert.equal(failures, []);
});

test("in process (no socket): the bytes sent", async () => {
  const body = bytes(70_000, 2);
  const res = await app.request("/x", { method: "POST", body, headers: { "content-length": String(body.length) } });
  assert.is(await res.text(), digest(body));
});

test("a client gone mid-body fails the read; the server serves on", async () => {
  await new Promise<void>((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/x", method: "POST", headers: { "content-length": 100_000 }, agent: false });
    req.on("error", () => resolve());
    req.write(bytes(50_000, 3));
    setTimeout(() => { req.destroy(); setTimeout(resolve, 100); }, 50);
  });
  for (let i = 0; i < 50 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(failures.length, 1);
  assert.match(failures[0]!, /prematurely|aborted|ended after/);
  const small = bytes(10, 4);
  assert.is(await post([small], false), digest(small));
});

test("bufferedBody: a small body sent with its headers, whole after one await; not one still arriving, chunked or in process", async () => {
  const small = bytes(1_000, 5), failed = failures.length;
  assert.is(await post([small], false, "/buffered"), `${digest(small)} | -`);
  assert.is(await post([Buffer.alloc(0)], false, "/buffered"), `${digest(Buffer.alloc(0))} | -`);
  assert.is(await post([small.subarray(0, 10), small.subarray(10)], false, "/buffered"), `none | ${digest(small)}`);
  assert.is(await post([small], true, "/buffered"), `none | ${digest(small)}`);
  const res = await app.request("/buffered", { method: "POST", body: small, headers: { "content-length": String(small.length) } });
  assert.is(await res.text(), `none | ${digest(small)}`);
  assert.is(failures.length, failed);
  assert.equal(endedAtClose, [true, true, true, true]);
});

test.after(() => { server.close(); });
test.run();
