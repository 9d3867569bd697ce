// The outbox's pipelining HTTP/1.1 client (src/stations/downstream-client.ts) against a loopback
// server that writes its answers byte for byte: requests pipelined over few connections, each
// answer to its own request whatever the framing, a close announced or not, errors and timeouts
// mid-pipeline (every request in flight on that connection fails; the sender retries them).
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Socket } from "node:net";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import type { AddressInfo } from "node:net";
import { DownstreamClient, type PostAnswer } from "../../src/stations/downstream-client";
import { realTimers } from "../../src/stations/outbox-sender";
import { RawDownstream, type RawRequest } from "./raw-downstream";

const client = (url: string, o: { connections?: number; depth?: number; timeoutMs?: number } = {}) =>
  new DownstreamClient(url, { connections: o.connections ?? 2, depth: o.depth ?? 4, timeoutMs: o.timeoutMs ?? 5000, timers: realTimers });

/** An answer with the status named by the request's key ("k-201" → 201), framed by length or chunked. */
function byKey(r: RawRequest, socket: Socket, extra = "") {
  const status = Number(r.headers["idempotency-key"]!.split("-")[1]);
  if (status === 204) { socket.write(`HTTP/1.1 204 X\r\n${extra}\r\n`); return; } // never a body
  socket.write(r.index % 2
    ? `HTTP/1.1 ${status} X\r\nTransfer-Encoding: chunked\r\n${extra}\r\n2\r\nok\r\n0\r\n\r\n`
    : `HTTP/1.1 ${status} X\r\nContent-Length: 2\r\n${extra}\r\nok`);
}

const statuses = (answers: PostAnswer[]) => answers.map((a) => ("status" in a ? a.status : a.error));

test("requests of one turn are pipelined over at most `connections` connections; each gets its own answer", async () => {
  const down = await RawDownstream.start((r, s) => byKey(r, s));
  const c = client(`http://us:pw@127.0.0.1:${down.port}/base/`, { connections: 2, depth: 4 });
  const want = [200, 201, 500, 404, 200, 503, 204, 429];
  const answers = await Promise.all(want.map((s, i) => c.post("/outliers", `{"n":${i},"é":1}`, `k-${s}-${i}`)));
  assert.equal(statuses(answers), want);
  assert.is(down.connections, 2);
  assert.ok(Math.max(...down.requests.map((r) => r.batch)) > 1, "several requests came in one read");
  const r = down.requests.find((q) => q.headers["idempotency-key"] === "k-500-2")!;
  assert.is(r.line, "POST /base/outliers HTTP/1.1");
  assert.is(r.headers.host, `127.0.0.1:${down.port}`);
  assert.is(r.headers["content-type"], "application/json");
  assert.is(r.headers.authorization, `Basic ${Buffer.from("us:pw").toString("base64")}`);
  assert.is(r.body, '{"n":2,"é":1}'.replace("é", Buffer.from("é").toString("latin1")), "the body as sent, its length in bytes");
  // one at a time: the connections are kept and reused
  for (let i = 0; i < 5; i++) assert.equal(statuses([await c.post("/x", "{}", `k-200-${i}`)]), [200]);
  assert.is(down.connections, 2);
  c.close();
  await down.close();
});

test("a slow downstream gets more connections instead of queues; once quick again the extra ones close", async () => {
  // answers each request 40 ms after the one before it on its connection (one at a time, as most servers)
  let slow = true;
  const free = new Map<number, number>();
  const down = await RawDownstream.start((r, s) => {
    const at = Math.max(Date.now(), free.get(r.connection) ?? 0) + (slow ? 40 : 0);
    free.set(r.connection, at);
    setTimeout(() => { if (!s.destroyed) s.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"); }, at - Date.now());
  });
  // The client's clock stands still once the downstream is quick: a pause of this process (a loaded
  // CI machine) of SLOW_MS (20 ms) made a quick answer look slow once, and 4 connections were used.
  let frozen: number | undefined;
  const c = new DownstreamClient(down.url, { connections: 2, depth: 8, timeoutMs: 5000, timers: { ...realTimers, now: () => frozen ?? Date.now() } });
  // 16 chains (one request in flight each, as the sender's stations) of 6 requests
  const chains = async (n: number, each: number, from: number) => {
    await Promise.all(Array.from({ length: n }, async (_, k) => {
      for (let i = 0; i < each; i++) assert.equal(statuses([await c.post("/outliers", "{}", `k-${k}-${i}`)]), [200]);
    }));
    return down.requests.slice(from);
  };
  await chains(16, 6, 0);
  assert.ok(down.connections > 2, `${down.connections} connections for a slow downstream`);
  slow = false;
  frozen = Date.now();
  const quick = await chains(16, 6, down.requests.length);
  const used = new Set(quick.slice(32).map((r) => r.connection)); // past its first turns
  assert.ok(used.size <= 2, `a quick downstream is served over the first two connections: ${[...used].join(", ")}`);
  await new Promise((r) => setTimeout(r, 2600));
  assert.is(down.open, 2, "the extra connections closed after 2 s idle");
  c.close();
  await down.close();
});

test("a server that announces its close has not read the requests behind: they are sent again, not failed", async () => {
  // the first connection answers its first request with Connection: close and ends
  const down = await RawDownstream.start((r, s) => {
    if (r.connection === 0) { if (r.index === 0) { byKey(r, s, "Connection: close\r\n"); s.end(); } return; }
    byKey(r, s);
  });
  const c = client(down.url, { connections: 1, depth: 4 });
  const answers = await Promise.all([0, 1, 2, 3].map((i) => c.post("/outliers", "{}", `k-200-${i}`)));
  assert.equal(statuses(answers), [200, 200, 200, 200]);
  const first = down.requests.filter((r) => r.connection === 0).map((r) => r.headers["idempotency-key"]);
  assert.equal(first, ["k-200-0", "k-200-1", "k-200-2", "k-200-3"], "all four were written to the first connection");
  const again = down.requests.filter((r) => r.connection > 0);
  assert.equal(again.map((r) => r.headers["idempotency-key"]).sort(), ["k-200-1", "k-200-2", "k-200-3"]);
  assert.ok(again.every((r) => r.index === 0), "after a close, one request at a time per connection");
  c.close();
  await down.close();
});

test("an HTTP/1.0 server that closes after each answer gets every request, one per connection", async () => {
  const down = await RawDownstream.start((_r, s) => { s.end("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"); });
  const c = client(down.url, { connections: 2, depth: 4 });
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => c.post("/outliers", "{}", `k-${i}`)));
  assert.equal(statuses(answers), Array(12).fill(200));
  const keys = new Set(down.requests.map((r) => r.headers["idempotency-key"]));
  assert.is(keys.size, 12);
  c.close();
  await down.close();
});

test("a connection that fails mid-pipeline fails every request in flight on it; the next goes on a new one", async () => {
  // the first connection answers its first request and is reset at its second
  const down = await RawDownstream.start((r, s) => {
    if (r.connection === 0 && r.index === 1) s.resetAndDestroy();
    else if (r.connection > 0 || r.index === 0) byKey(r, s);
  });
  const c = client(down.url, { connections: 1, depth: 4 });
  const answers = statuses(await Promise.all([0, 1, 2, 3].map((i) => c.post("/outliers", "{}", `k-200-${i}`))));
  assert.is(answers[0], 200);
  assert.equal(answers.slice(1).map((a) => typeof a), ["string", "string", "string"], String(answers));
  assert.equal(statuses([await c.post("/outliers", "{}", "k-201-9")]), [201]);
  c.close();
  await down.close();
});

test("a request without an answer times out and fails those behind it on its connection", async () => {
  const down = await RawDownstream.start((r, s) => { if (r.connection > 0) byKey(r, s); }); // the first never answers
  const c = client(down.url, { connections: 1, depth: 4, timeoutMs: 300 });
  const t0 = performance.now();
  const answers = statuses(await Promise.all([0, 1, 2].map((i) => c.post("/outliers", "{}", `k-200-${i}`))));
  assert.ok(performance.now() - t0 < 2000);
  assert.is(answers[0], "no answer within 300 ms");
  assert.equal(answers.slice(1), ["an earlier request on the connection got no answer", "an earlier request on the connection got no answer"]);
  assert.equal(statuses([await c.post("/outliers", "{}", "k-200-9")]), [200]);
  c.close();
  await down.close();
});

test("a server that answers a request and never the one written behind it gets no more pipelined requests", async () => {
  // it answers only what it reads alone (a broken server or proxy that drops pipelined requests)
  const down = await RawDownstream.start((r, s) => { if (r.batch === 1 || r.index === 0) byKey(r, s); });
  const c = client(down.url, { connections: 1, depth: 4, timeoutMs: 300 });
  const first = statuses(await Promise.all([0, 1, 2].map((i) => c.post("/outliers", "{}", `k-200-${i}`))));
  assert.equal(first, [200, "no answer within 300 ms", "an earlier request on the connection got no answer"]);
  const before = down.requests.length;
  // from now on one request at a time per connection: every one is answered
  assert.equal(statuses(await Promise.all([3, 4, 5, 6].map((i) => c.post("/outliers", "{}", `k-200-${i}`)))), [200, 200, 200, 200]);
  assert.ok(down.requests.slice(before).every((r) => r.batch === 1), "no two requests in one read after the refusal");
  c.close();
  await down.close();
});

test("an unreadable answer ends the connection; a refused connection says so", async () => {
  const down = await RawDownstream.start((_r, s) => { s.write("SSH-2.0-OpenSSH\r\n\r\n"); });
  const c = client(down.url);
  const [a] = statuses([await c.post("/outliers", "{}", "k-1")]);
  assert.match(String(a), /^unreadable answer: not an HTTP\/1\.x status line/);
  c.close();
  await down.close();
  const gone = client(down.url);
  assert.equal(statuses([await gone.post("/outliers", "{}", "k-1")]), ["ECONNREFUSED"]);
  gone.close();
});

test("https: the certificate is checked, and requests are pipelined over TLS", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-tls-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  } catch {
    console.log("SKIP https test: no openssl to make a certificate");
    return;
  }
  const sockets: Socket[] = []; // past the handshake
  const server = createTlsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (socket) => {
    sockets.push(socket);
    socket.on("data", (chunk) => {
      const n = chunk.toString("latin1").split("\r\n\r\n").length - 1; // requests (empty bodies) in this read
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".repeat(n));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `https://localhost:${(server.address() as AddressInfo).port}`;
  const refused = client(url);
  assert.equal(statuses([await refused.post("/outliers", "", "k-1")]), ["DEPTH_ZERO_SELF_SIGNED_CERT"]);
  refused.close();
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"; // this test's certificate is its own
  const c = client(url, { connections: 1, depth: 4 });
  try {
    const answers = await Promise.all([0, 1, 2, 3].map((i) => c.post("/outliers", "", `k-${i}`)));
    assert.equal(statuses(answers), [200, 200, 200, 200]);
    assert.is(sockets.length, 1, "one connection took all four");
  } finally {
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    c.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
});

test.run();
