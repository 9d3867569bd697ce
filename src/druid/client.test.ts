// The client's own rules (the HTTP behaviour against a stand-in broker is in
// test/traffic/druid-faults.test.ts): the timeout it picks, that credentials in the endpoint
// never reach a message, and that a closed kept-alive connection is not a failure.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DruidClient } from "./client";
import { DruidError } from "./druid-error";
import { QUERY_MAX_DEPTH, QUERY_TIMEOUT_MAX_MS, checkQueryDepth, queryTimeoutMs } from "./query-limits";

test("timeout: context.timeout (number or numeric string) when in 1..an hour, none when absent", () => {
  assert.is(queryTimeoutMs({ context: { timeout: 90000 } }), 90000);
  assert.is(queryTimeoutMs({ context: { timeout: "1500" } }), 1500);
  assert.is(queryTimeoutMs({ context: { timeout: 1 } }), 1);
  assert.is(queryTimeoutMs({ context: { timeout: QUERY_TIMEOUT_MAX_MS } }), QUERY_TIMEOUT_MAX_MS);
  for (const q of [{}, { context: null }, { context: { timeout: null } }, { context: "x" }])
    assert.is(queryTimeoutMs(q as Record<string, unknown>), undefined, JSON.stringify(q));
});

test("timeout: anything else present is a bad query naming the accepted range", () => {
  for (const t of [0, 0.5, -5, 1e12, 3e9, QUERY_TIMEOUT_MAX_MS + 1, "soon", "", true, [1000], { ms: 1 }]) {
    try {
      queryTimeoutMs({ context: { timeout: t } });
      assert.unreachable(`timeout ${JSON.stringify(t)} accepted`);
    } catch (e) {
      assert.instance(e, DruidError, JSON.stringify(t));
      assert.is((e as DruidError).kind, "bad-query");
      assert.match((e as Error).message, `from 1 to ${QUERY_TIMEOUT_MAX_MS}`);
    }
  }
});

test("depth: QUERY_MAX_DEPTH levels pass, one more is a bad query; 20k levels do not overflow the check", () => {
  const nested = (levels: number) => {
    let q: Record<string, unknown> = { type: "selector", dimension: "a", value: "b" };
    for (let i = 1; i < levels; i++) q = { type: "not", field: q };
    return q;
  };
  checkQueryDepth(nested(QUERY_MAX_DEPTH));
  for (const levels of [QUERY_MAX_DEPTH + 1, 20_000])
    assert.throws(() => checkQueryDepth(nested(levels)), (e: unknown) => e instanceof DruidError && e.kind === "bad-query" && e.message.includes(`${QUERY_MAX_DEPTH} levels`));
  // arrays count as levels too
  assert.throws(() => checkQueryDepth({ a: JSON.parse("[".repeat(QUERY_MAX_DEPTH) + "]".repeat(QUERY_MAX_DEPTH)) }));
});

test("user:password of the endpoint becomes Basic auth and never appears in an error message", async () => {
  let authorization: string | undefined;
  const server = createServer((req, res) => {
    authorization = req.headers.authorization;
    res.writeHead(500, { "content-type": "application/json" }).end('{"error":"boom"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  try {
    const client = new DruidClient({ endpoint: `http://admin:s3cret@127.0.0.1:${port}/druid/v2/`, timeoutMs: 2000, maxAnswerBytes: 1 << 20 });
    try {
      await client.query({ queryType: "timeseries" });
      assert.unreachable();
    } catch (e) {
      assert.is((e as DruidError).kind, "bad-answer");
      assert.match((e as Error).message, new RegExp(`at http://127\\.0\\.0\\.1:${port}/druid/v2/ answered HTTP 500: boom`));
      assert.not.match((e as Error).message, /s3cret|admin/);
      assert.is(authorization, `Basic ${Buffer.from("admin:s3cret").toString("base64")}`);
    }
  } finally {
    server.close();
  }
});

test("a redirect is reported with where it points (without credentials), not followed", async () => {
  let asked = 0;
  const server = createServer((req, res) => {
    asked++;
    req.resume();
    res.writeHead(307, { location: "http://user:pw@druid-router:8888/druid/v2/" }).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const client = new DruidClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/druid/v2/`, timeoutMs: 2000, maxAnswerBytes: 1 << 20 });
    try {
      await client.query({ queryType: "timeseries" });
      assert.unreachable();
    } catch (e) {
      assert.is((e as DruidError).kind, "bad-answer");
      assert.match((e as Error).message, /answered HTTP 307, a redirect to http:\/\/druid-router:8888\/druid\/v2\/; set \[Druid\] druid_endpoint/);
      assert.not.match((e as Error).message, /user|pw@/);
      assert.is(asked, 1);
    }
  } finally {
    server.close();
  }
});

test("an answer over max_answer_bytes is refused as soon as it is known: declared or streamed", async () => {
  const big = `[${'{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":1}},'.repeat(30_000)}{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":1}}]`;
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === "/declared/") res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(big) }).end(big);
    else { res.writeHead(200, { "content-type": "application/json" }); res.write(big.slice(0, 600_000)); setTimeout(() => res.end(big.slice(600_000)), 50); }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const path of ["/declared/", "/streamed/"]) {
      const client = new DruidClient({ endpoint: `${base}${path}`, timeoutMs: 2000, maxAnswerBytes: 1 << 20 });
      try {
        await client.query({ queryType: "timeseries" });
        assert.unreachable();
      } catch (e) {
        assert.is((e as DruidError).kind, "too-large", path);
        assert.match((e as Error).message, /answered more than 1048576 bytes \(\[Druid\] max_answer_bytes\); narrow the query's intervals/);
      }
      const roomy = new DruidClient({ endpoint: `${base}${path}`, timeoutMs: 2000, maxAnswerBytes: 4 << 20 });
      assert.is((await roomy.query({ queryType: "timeseries" })).length, 30_001, `${path} under the limit`);
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("a kept-alive connection the broker closed in between: the query is sent again, not failed", async () => {
  let served = 0;
  const rows = JSON.stringify([{ timestamp: "2024-05-20T00:00:00Z", result: { bytes: 1 } }]);
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => { served++; res.writeHead(200, { "content-type": "application/json" }).end(rows); });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const client = new DruidClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/druid/v2/`, timeoutMs: 2000, maxAnswerBytes: 1 << 20 });
  try {
    for (let i = 0; i < 20; i++) {
      assert.is((await client.query({ queryType: "timeseries" })).length, 1, `query ${i}`);
      server.closeAllConnections(); // the client may still hold the socket as idle
    }
    assert.is(served, 20);
  } finally {
    server.close();
  }
});

test.run();
