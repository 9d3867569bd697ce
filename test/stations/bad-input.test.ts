// Malformed requests against the real service process: each is answered 4xx with
// {"status": "error", "msg"} naming the field and what is accepted; afterwards the service is
// healthy and no station changed (the stations' full read-side views are byte-identical).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService, type RunningService } from "../support/service-process";

interface Case {
  name: string;
  path?: string;
  method?: string;
  /** Sent as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string;
  contentType?: string;
  status: number;
  msg: RegExp;
}

const ts = "2021-01-01 00:00:00";
const ok = (values: Record<string, unknown>) => ({ id_estacio: "st_1", numero_mostres: 1, mostres: [{ timestamp: ts, values }] });
const det = (mostres: unknown, extra: Record<string, unknown> = {}) => ({ id_estacio: "st_1", mostres, ...extra });
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

const cases: Case[] = [
  // /initialize
  { name: "init: id of 0", path: "/initialize", body: { id_estacio: 0, variables: { a: 32 } }, status: 400, msg: /^id_estacio: .*numeric ids are not accepted/ },
  { name: "init: id over 128 characters", path: "/initialize", body: { id_estacio: "x".repeat(129), variables: { a: 32 } }, status: 400, msg: /^id_estacio: must be a string of 1-128 characters.*got 129 characters/ },
  { name: "init: empty id", path: "/initialize", body: { id_estacio: "", variables: { a: 32 } }, status: 400, msg: /^id_estacio: must be a string of 1-128/ },
  { name: "init: id with a slash", path: "/initialize", body: { id_estacio: "a/b", variables: { a: 32 } }, status: 400, msg: /^id_estacio: .*letters or digits \(any script\), '_'/ },
  { name: "init: id '.'", path: "/initialize", body: { id_estacio: ".", variables: { a: 32 } }, status: 400, msg: /^id_estacio: must not be "\." or "\.\."/ },
  { name: "init: id '..'", path: "/initialize", body: { id_estacio: "..", variables: { a: 32 } }, status: 400, msg: /^id_estacio: must not be "\." or "\.\.".*got "\.\."/ },
  { name: "init: missing id", path: "/initialize", body: { variables: { a: 32 } }, status: 400, msg: /^id_estacio: .*got nothing/ },
  { name: "init: missing variables", path: "/initialize", body: { id_estacio: "st_2" }, status: 400, msg: /^variables: must be an object/ },
  { name: "init: variables as an array", path: "/initialize", body: { id_estacio: "st_2", variables: [32] }, status: 400, msg: /^variables: must be an object.*got an array/ },
  { name: "init: no variables", path: "/initialize", body: { id_estacio: "st_2", variables: {} }, status: 400, msg: /^variables: must name at least one variable/ },
  { name: "init: window below 8", path: "/initialize", body: { id_estacio: "st_2", variables: { a: 7 } }, status: 400, msg: /^variables\.a: window must be an integer in \[8, 4096\] \(got number 7\)/ },
  { name: "init: window above 4096", path: "/initialize", body: { id_estacio: "st_2", variables: { a: 4097 } }, status: 400, msg: /^variables\.a: window must be an integer in \[8, 4096\]/ },
  { name: "init: non-integer window", path: "/initialize", body: { id_estacio: "st_2", variables: { a: 32.5 } }, status: 400, msg: /^variables\.a: .*got number 32\.5/ },
  { name: "init: window as a string", path: "/initialize", body: { id_estacio: "st_2", variables: { a: "32" } }, status: 400, msg: /^variables\.a: .*got string "32"/ },
  { name: "init: unknown pipeline", path: "/initialize", body: { id_estacio: "st_2", variables: { a: 32 }, pipeline: "lstm" }, status: 400, msg: /^pipeline: must be one of default, batch, sliding, kalman-batch, kalman-sliding/ },
  { name: "init: unknown field", path: "/initialize", body: { id_estacio: "st_2", variables: { a: 32 }, windows: 1 }, status: 400, msg: /unknown field\(s\) "windows"; accepted fields: id_estacio, variables, pipeline/ },
  { name: "init: reserved variable name", path: "/initialize", body: { id_estacio: "st_2", variables: { timestamp: 32 } }, status: 400, msg: /^variables\.timestamp: variable name must be/ },
  // /detection: transport
  { name: "non-JSON body", path: "/detection", raw: "id_estacio=st_1", status: 400, msg: /^body is not valid JSON/ },
  { name: "empty body", path: "/detection", raw: "", status: 400, msg: /^body is not valid JSON/ },
  { name: "wrong content type", path: "/detection", raw: JSON.stringify(ok({ a: 1 })), contentType: "text/plain", status: 415, msg: /Content-Type: application\/json \(got "text\/plain"\)/ },
  { name: "10 MB body", path: "/detection", raw: JSON.stringify(det([{ timestamp: ts, values: { a: 1 } }], { pad: "x".repeat(10 * 1024 * 1024) })), status: 413, msg: /larger than the limit of 1048576 bytes \(\[Stations\] body_limit\)/ },
  { name: "deeply nested JSON", path: "/detection", raw: `{"id_estacio":"st_1","mostres":${nested(100_000)}}`, status: 400, msg: /mostres|JSON/ },
  { name: "NaN literal", path: "/detection", raw: `{"id_estacio":"st_1","mostres":[{"timestamp":"${ts}","values":{"a":NaN}}]}`, status: 400, msg: /^body is not valid JSON/ },
  { name: "Infinity literal", path: "/detection", raw: `{"id_estacio":"st_1","mostres":[{"timestamp":"${ts}","values":{"a":Infinity}}]}`, status: 400, msg: /^body is not valid JSON/ },
  // /detection: shape
  { name: "body is an array", path: "/detection", body: [ok({ a: 1 })], status: 400, msg: /^body must be a JSON object.*got an array/ },
  { name: "missing mostres", path: "/detection", body: { id_estacio: "st_1", numero_mostres: 1 }, status: 400, msg: /^mostres: must be an array of samples \(got nothing\)/ },
  { name: "empty mostres", path: "/detection", body: det([]), status: 400, msg: /^mostres: must hold at least one sample/ },
  { name: "mostres as an object", path: "/detection", body: det({ timestamp: ts, a: 1 }), status: 400, msg: /^mostres: must be an array/ },
  { name: "numero_mostres not matching", path: "/detection", body: det([{ timestamp: ts, values: { a: 1 } }], { numero_mostres: 2 }), status: 400, msg: /^numero_mostres: is 2 but "mostres" holds 1 samples/ },
  { name: "numero_mostres as a string", path: "/detection", body: det([{ timestamp: ts, values: { a: 1 } }], { numero_mostres: "1" }), status: 400, msg: /^numero_mostres: must be a positive integer/ },
  { name: "id of 0", path: "/detection", body: { ...ok({ a: 1 }), id_estacio: 0 }, status: 400, msg: /^id_estacio: .*numeric ids are not accepted/ },
  { name: "id over 128 characters", path: "/detection", body: { ...ok({ a: 1 }), id_estacio: "é".repeat(129) }, status: 400, msg: /^id_estacio: .*got 129 characters/ },
  { name: "sample without timestamp", path: "/detection", body: det([{ values: { a: 1 } }]), status: 400, msg: /^mostres\[0\]\.timestamp: must be a date-time string.*got nothing/ },
  { name: "unreadable timestamp", path: "/detection", body: det([{ timestamp: "yesterday", values: { a: 1 } }]), status: 400, msg: /^mostres\[0\]\.timestamp: .*got string "yesterday"/ },
  { name: "numeric timestamp", path: "/detection", body: det([{ timestamp: 1609459200, values: { a: 1 } }]), status: 400, msg: /^mostres\[0\]\.timestamp: .*got number/ },
  { name: "sample is a number", path: "/detection", body: det([5]), status: 400, msg: /^mostres\[0\]: each sample must be an object/ },
  { name: "values as an array", path: "/detection", body: det([{ timestamp: ts, values: [1, 2] }]), status: 400, msg: /^mostres\[0\]\.values: must be an object/ },
  { name: "values and flat keys mixed", path: "/detection", body: det([{ timestamp: ts, values: { a: 1 }, b: 2 }]), status: 400, msg: /^mostres\[0\]\.b: a sample with "values" takes only/ },
  { name: "sample with no values", path: "/detection", body: det([{ timestamp: ts }]), status: 400, msg: /^mostres\[0\]: the sample has no variable values/ },
  // /detection: values
  { name: "null value", path: "/detection", body: ok({ a: null }), status: 400, msg: /^mostres\[0\]\.values\.a: must be a finite number with \|value\| <= 1e15 \(got null\)/ },
  { name: "string value", path: "/detection", body: ok({ a: "0.5" }), status: 400, msg: /^mostres\[0\]\.values\.a: .*got string "0\.5"/ },
  { name: "boolean value", path: "/detection", body: ok({ a: true }), status: 400, msg: /^mostres\[0\]\.values\.a: .*got boolean true/ },
  { name: "object value (flat)", path: "/detection", body: det([{ timestamp: ts, a: { v: 1 } }]), status: 400, msg: /^mostres\[0\]\.a: .*got an object/ },
  { name: "huge number", path: "/detection", body: ok({ a: 1e300 }), status: 400, msg: /^mostres\[0\]\.values\.a: .*got number 1e\+300/ },
  { name: "number overflowing to Infinity", path: "/detection", raw: `{"id_estacio":"st_1","mostres":[{"timestamp":"${ts}","values":{"a":1e999}}]}`, status: 400, msg: /^mostres\[0\]\.values\.a: must be a finite number/ },
  { name: "one bad sample among good ones", path: "/detection", body: det([{ timestamp: ts, values: { a: 1 } }, { timestamp: ts, values: { a: 1, b: "x" } }, { timestamp: ts, a: 2 }]), status: 400, msg: /^mostres\[1\]\.values\.b: / },
  { name: "unknown variable", path: "/detection", body: ok({ a: 1, zz: 2 }), status: 400, msg: /^mostres\[0\]: variable "zz" is not initialized for station "st_1" \(its variables: "a", "b"\)/ },
  { name: "unknown station", path: "/detection", body: { ...ok({ a: 1 }), id_estacio: "never_seen" }, status: 404, msg: /station "never_seen" is not initialized; POST \/initialize first/ },
  // read side
  { name: "GET station with an invalid id", method: "GET", path: `/stations/${"x".repeat(200)}`, status: 400, msg: /^id_estacio: must be a string of 1-128/ },
  { name: "GET unknown station", method: "GET", path: "/stations/nope", status: 404, msg: /no station "nope"/ },
  { name: "outliers since garbage", method: "GET", path: "/stations/st_1/outliers?since=soon", status: 400, msg: /^since: must be a sample time/ },
  { name: "outliers limit 0", method: "GET", path: "/stations/st_1/outliers?limit=0", status: 400, msg: /^limit: must be an integer in \[1, 100000\]/ },
  { name: "DELETE unknown station", method: "DELETE", path: "/stations/nope", status: 404, msg: /no station "nope"/ },
];

let svc: RunningService;

async function send(c: Case): Promise<Response> {
  const method = c.method ?? "POST";
  const init: RequestInit = { method };
  if (method === "POST") {
    init.headers = { "content-type": c.contentType ?? "application/json" };
    init.body = c.raw ?? JSON.stringify(c.body);
  }
  return fetch(svc.stationUrl + c.path, init);
}

async function snapshot(): Promise<string> {
  const list = await (await fetch(`${svc.stationUrl}/stations`)).text();
  const views = await Promise.all(["st_1", "estació_ü_1"].map(async (id) => (await fetch(`${svc.stationUrl}/stations/${encodeURIComponent(id)}`)).text()));
  return [list, ...views].join("\n");
}

test.before(async () => {
  svc = await startService();
  const init = async (body: unknown) => assert.is((await fetch(`${svc.stationUrl}/initialize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).status, 200);
  await init({ id_estacio: "st_1", variables: { a: 8, b: 16 } });
  await init({ id_estacio: "estació_ü_1", variables: { temp_ºC: 8 } });
  const r = await send({ name: "", path: "/detection", body: { id_estacio: "st_1", numero_mostres: 2, mostres: [{ timestamp: ts, values: { a: 1, b: 2 } }, { timestamp: "2021-01-01 00:01:00", a: 1.5 }] }, status: 200, msg: /./ });
  assert.is(r.status, 200);
});
test.after(async () => { await svc.stop(); });

test(`${cases.length} malformed requests: 4xx naming the field; afterwards healthy and nothing changed`, async () => {
  assert.ok(cases.length >= 30);
  const before = await snapshot();
  for (const c of cases) {
    const r = await send(c);
    const text = await r.text();
    assert.is(r.status, c.status, `${c.name}: status (body ${text.slice(0, 200)})`);
    const body = JSON.parse(text) as { status: string; msg: string };
    assert.is(body.status, c.status === 404 && c.path === "/detection" ? "Station not initialized" : "error", `${c.name}: status field`);
    assert.match(body.msg, c.msg, `${c.name}: msg was ${body.msg}`);
  }
  assert.is(await snapshot(), before);
  const health = await fetch(`${svc.stationUrl}/health`);
  assert.is(health.status, 200);
  assert.is(((await health.json()) as { stations: number }).stations, 2);
});

test("ids with '_' and unicode work, and the service still processes valid blocks", async () => {
  const r = await send({ name: "", path: "/detection", body: { id_estacio: "estació_ü_1", mostres: [{ timestamp: ts, values: { temp_ºC: 21.5 } }] }, status: 200, msg: /./ });
  assert.is(r.status, 200);
  assert.equal(await r.json(), { status: "Ok", outliers: [] });
  const view = (await (await fetch(`${svc.stationUrl}/stations/${encodeURIComponent("estació_ü_1")}`)).json()) as { station: { samples: number; variables: { name: string }[] } };
  assert.is(view.station.samples, 1);
  assert.is(view.station.variables[0]!.name, "temp_ºC");
});

test("a client that closes the connection mid-upload is logged at debug and counted as 499, not as a 5xx", async () => {
  const { connect } = await import("node:net");
  const port = Number(new URL(svc.stationUrl).port);
  await new Promise<void>((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => {
      s.write('POST /detection HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"id_estacio": "st_1", ');
      setTimeout(() => { s.destroy(); resolve(); }, 100);
    });
    s.on("error", reject);
  });
  const deadline = Date.now() + 5000;
  let counted: string[] = [];
  while (counted.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    counted = (await (await fetch(`${svc.stationUrl}/metrics`)).text()).split("\n").filter((l) => l.startsWith("rb_aioutliers_station_http_requests_total{") && l.includes('"/detection"') && /status="(499|5\d\d)"/.test(l));
  }
  assert.equal(counted.map((l) => /status="(\d+)"/.exec(l)![1]), ["499"], counted.join("\n"));
  assert.not.match(svc.output(), /unhandled error/);
  assert.is((await fetch(`${svc.stationUrl}/health`)).status, 200);
});

test("the body limit is configurable", async () => {
  const small = await startService({ configIni: "[Stations]\nbody_limit = 65536\n" });
  try {
    const r = await fetch(`${small.stationUrl}/detection`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(100_000) }) });
    assert.is(r.status, 413);
    assert.match(((await r.json()) as { msg: string }).msg, /limit of 65536 bytes/);
  } finally { await small.stop(); }
});

test.run();
