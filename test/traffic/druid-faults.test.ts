// The traffic API when the Druid broker misbehaves (issue 4 part 6): down, slow past the
// timeout (the query's context.timeout, else [Druid] timeout_ms), answering 500, non-JSON, or
// JSON that is no timeseries → 502 with a message saying what the broker said or that it could
// not be reached; an empty answer → 400. Real service, real HTTP, stand-in broker.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService, type RunningService } from "../support/service-process";
import { startStandInBroker, upstreamJson, type StandInBroker } from "./druid-stand-in";
import { b64, leaksInternals, postForm, readmeQuery } from "./http-helpers";

let svc: RunningService;
let broker: StandInBroker;
let url: string;
const CONFIG_TIMEOUT_MS = 800;
const testData = upstreamJson("outliers_test_data.json");

test.before(async () => {
  broker = await startStandInBroker({ kind: "json", body: testData });
  svc = await startService({ configIni: `[Druid]\ndruid_endpoint = ${broker.endpoint}\ntimeout_ms = ${CONFIG_TIMEOUT_MS}\n` });
  url = svc.trafficUrl;
});

test.after(async () => {
  await svc?.stop();
  await broker?.close();
});

const ask = (query: unknown = readmeQuery) => postForm(`${url}/calculate`, { query: b64(query) });

function assertBadGateway(r: { status: number; body: { status: string; msg: string } }, msg: RegExp) {
  assert.is(r.status, 502, JSON.stringify(r.body));
  assert.is(r.body.status, "error");
  assert.match(r.body.msg, msg);
  assert.not.ok(leaksInternals(r.body.msg), r.body.msg);
}

test("a healthy broker answer works (baseline)", async () => {
  broker.reply = { kind: "json", body: testData };
  const r = await ask();
  assert.is(r.status, 200);
});

test("broker answers 500 with Druid's error body → 502 quoting it", async () => {
  broker.reply = { kind: "json", status: 500, body: { error: "Unknown exception", errorMessage: "Failure getting results for query[abc]", errorClass: "java.lang.RuntimeException", host: null } };
  assertBadGateway(await ask(), /answered HTTP 500: Unknown exception: Failure getting results for query\[abc\]/);
});

test("broker answers non-JSON → 502 saying so", async () => {
  broker.reply = { kind: "text", status: 200, body: "<html><body>Bad gateway of some proxy</body></html>", contentType: "text/html" };
  assertBadGateway(await ask(), /answered something that is not JSON \(text\/html\): <html><body>Bad gateway/);
  broker.reply = { kind: "text", status: 503, body: "<html>Service Unavailable</html>" };
  assertBadGateway(await ask(), /answered HTTP 503: <html>Service Unavailable<\/html>/);
});

test("broker answers JSON that is not a timeseries → 502", async () => {
  broker.reply = { kind: "json", body: { status: "ok" } };
  assertBadGateway(await ask(), /not a usable timeseries: expected a Druid timeseries response/);
  broker.reply = { kind: "json", body: [{ timestamp: "2023-09-21T09:00:00.000Z", result: { bytes: "many" } }] };
  assertBadGateway(await ask(), /not a usable timeseries: row 0: result field "bytes" is "many"/);
});

test("broker answers an empty series → 400 (the query matched nothing)", async () => {
  broker.reply = { kind: "json", body: [] };
  const r = await ask();
  assert.is(r.status, 400);
  assert.match(r.body.msg, /matched no data.*intervals, filter/);
});

test("slow broker: the query's context.timeout wins, else [Druid] timeout_ms", async () => {
  broker.reply = { kind: "hang", ms: 5000, body: testData };
  let t = Date.now();
  assertBadGateway(await ask({ ...readmeQuery, context: { timeout: 300 } }), /did not answer within 300 ms/);
  const withContext = Date.now() - t;
  assert.ok(withContext >= 280 && withContext < 3000, `${withContext} ms`);
  t = Date.now();
  const { context: _drop, ...noContext } = readmeQuery;
  assertBadGateway(await ask(noContext), new RegExp(`did not answer within ${CONFIG_TIMEOUT_MS} ms`));
  const withConfig = Date.now() - t;
  assert.ok(withConfig >= CONFIG_TIMEOUT_MS - 20 && withConfig < 4000, `${withConfig} ms`);
});

test("context.timeout outside 1..3600000 ms → 400 naming the range; the broker is not asked", async () => {
  broker.reply = { kind: "json", body: testData };
  const before = broker.queries.length;
  for (const timeout of [1e12, 0.5, 3e9, 0, "soon"]) {
    const r = await ask({ ...readmeQuery, context: { timeout } });
    assert.is(r.status, 400, `${timeout}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.msg, /context\.timeout is .*from 1 to 3600000/);
  }
  assert.is(broker.queries.length, before);
});

test("a filter nested 20k deep → 400 naming the depth limit, not a broker failure", async () => {
  broker.reply = { kind: "json", body: testData };
  const before = broker.queries.length;
  // Built as text: JSON.stringify of such an object would overflow this test's own stack.
  const levels = 20_000;
  const filter = '{"type":"not","field":'.repeat(levels - 1) + '{"type":"selector","dimension":"a","value":"b"}' + "}".repeat(levels - 1);
  const text = JSON.stringify({ ...readmeQuery, filter: "FILTER" }).replace('"FILTER"', filter);
  const r = await postForm(`${url}/calculate`, { query: b64(text) });
  assert.is(r.status, 400, JSON.stringify(r.body).slice(0, 300));
  assert.match(r.body.msg, /more than 64 levels deep \(the limit\)/);
  assert.is(broker.queries.length, before);
  // the same query as a JSON body
  const j = await fetch(`${url}/calculate`, { method: "POST", headers: { "content-type": "application/json" }, body: `{"query":${text}}` });
  assert.is(j.status, 400);
  assert.match(((await j.json()) as { msg: string }).msg, /64 levels deep/);
});

test("broker stops mid-answer: closed → 502 saying so; stalled → 502 at the timeout", async () => {
  broker.reply = { kind: "cut", bytes: 300, body: testData };
  assertBadGateway(await ask(), /closed the connection before its answer was complete/);
  broker.reply = { kind: "stall", bytes: 300, body: testData };
  const t = Date.now();
  assertBadGateway(await ask({ ...readmeQuery, context: { timeout: 300 } }), /did not answer within 300 ms/);
  assert.ok(Date.now() - t < 3000, "the timeout covers the answer, not only its start");
  broker.reply = { kind: "json", body: testData };
  assert.is((await ask()).status, 200, "and the next query works");
});

test("broker down → 502 'could not reach' (and the service keeps serving)", async () => {
  await broker.close();
  assertBadGateway(await ask(), /could not reach the Druid broker at http:\/\/127\.0\.0\.1:\d+\/druid\/v2\/: connection refused/);
  const health = await fetch(`${url}/health`);
  assert.is(health.status, 200);
});

test.run();
