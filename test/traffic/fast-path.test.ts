// The default model's fast path for form `data` (src/http/form-base64.ts, timeseries-columns.ts,
// outliers-json.ts) against the general path over real HTTP: the same series sent so that it
// takes the fast path (URLSearchParams' encoding, curl's raw '+'), and so that it cannot (a JSON
// body with the rows, base64 wrapped in lines, pretty-printed JSON, a field name with an escape)
// must get byte-identical answers, headers included.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService, type RunningService } from "../support/service-process";
import { startStandInBroker } from "./druid-stand-in";
import { b64, minuteRows, readmeQuery } from "./http-helpers";

let svc: RunningService;

test.before(async () => { svc = await startService(); });
test.after(async () => { await svc?.stop(); });

async function post(body: string, type: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${svc.trafficUrl}/api/v1/outliers`, { method: "POST", headers: { "content-type": type }, body });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

const FORM = "application/x-www-form-urlencoded";

test("fast and general paths answer byte for byte the same", async () => {
  for (const [n, every] of [[1440, 0], [1440, 50], [3000, 40]] as const) {
    const rows = minuteRows(n);
    if (every) for (let k = 25; k < n; k += every) rows[k]!.result.bytes += 800_000 * (1 + (k % 3)); // forest ranks
    const withPkts = rows.map((r, i) => ({ timestamp: r.timestamp, result: { pkts: i % 7, bytes: r.result.bytes + 0.25 } }));
    for (const series of [rows, withPkts]) {
      const data = b64(series);
      const general = await post(JSON.stringify({ data: series }), "application/json");
      assert.is(general.status, 200, general.text.slice(0, 200));
      const answers = [
        await post(new URLSearchParams({ data }).toString(), FORM), // fast: %2B %2F %3D
        await post(`data=${data}`, FORM), // fast: curl -d, '+' raw
        await post(new URLSearchParams({ data: data.replace(/(.{76})/g, "$1\n") }).toString(), FORM), // general: wrapped
        await post(new URLSearchParams({ data: b64(JSON.stringify(series, null, 1)) }).toString(), FORM), // general: white space
        await post(new URLSearchParams({ data: b64(JSON.stringify(series).replace(/"timestamp"/, '"timest\\u0061mp"')) }).toString(), FORM),
      ];
      for (const [i, a] of answers.entries()) {
        assert.is(a.status, 200, `${n}/${i}`);
        assert.is(a.type, general.type, `${n}/${i}: content type`);
        assert.ok(a.text === general.text, `${n}/${i}: same answer`);
      }
      const parsed = JSON.parse(general.text);
      assert.is(parsed.predicted.length, n);
      if (every) assert.ok(parsed.anomalies.length > 0);
    }
  }
});

test("a query's broker answer: read by the fast path when compact, by the general path otherwise, the same answer", async () => {
  const rows = minuteRows(1440);
  for (let k = 25; k < 1440; k += 40) rows[k]!.result.bytes += 800_000; // forest ranks
  const broker = await startStandInBroker({ kind: "json", body: rows });
  const withBroker = await startService({ configIni: `[Druid]\ndruid_endpoint = ${broker.endpoint}\n` });
  try {
    const ask = async () => {
      const res = await fetch(`${withBroker.trafficUrl}/api/v1/outliers`, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams({ query: b64(readmeQuery) }).toString() });
      return { status: res.status, text: await res.text() };
    };
    const general = await post(JSON.stringify({ data: rows }), "application/json");
    const compact = await ask(); // the stand-in writes JSON.stringify(rows): the fast path
    broker.reply = { kind: "text", status: 200, body: JSON.stringify(rows, null, 2), contentType: "application/json" }; // general path
    const pretty = await ask();
    for (const [name, a] of [["compact", compact], ["pretty", pretty]] as const) {
      assert.is(a.status, 200, `${name}: ${a.text.slice(0, 200)}`);
      assert.ok(a.text === general.text, `${name}: same answer as the data path`);
    }
    assert.is(broker.queries.length, 2, "one broker query per request");
    assert.ok(JSON.parse(compact.text).anomalies.length > 0);
    broker.reply = { kind: "text", status: 200, body: '[{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":NaN}}]', contentType: "application/json" };
    const bad = await ask();
    assert.is(bad.status, 502, "a broker answer that is not JSON is still the broker's fault");
    broker.reply = { kind: "json", body: [] };
    const empty = await ask();
    assert.is(empty.status, 400);
    assert.match(JSON.parse(empty.text).msg, /matched no data/);
  } finally {
    await withBroker.stop();
    await broker.close();
  }
});

test("fast path errors are the general path's: too few points, a bad row", async () => {
  const one = await post(new URLSearchParams({ data: b64(minuteRows(1)) }).toString(), FORM);
  assert.is(one.status, 400);
  assert.match(JSON.parse(one.text).msg, /needs at least 2 points, got 1/);
  const rows: unknown[] = minuteRows(10);
  rows[4] = { timestamp: "2024-02-30T00:00:00Z", result: { bytes: 1 } };
  const bad = await post(new URLSearchParams({ data: b64(rows) }).toString(), FORM);
  assert.is(bad.status, 400);
  assert.match(JSON.parse(bad.text).msg, /row 4: timestamp "2024-02-30T00:00:00Z"/);
});

test("a corrupted form value gets the general path's answer (the executable's base64 decoder included)", async () => {
  // The fast path checks a piece by the count of bytes Node's decoder gives (src/http/form-base64.ts):
  // every corruption below must answer as the same value sent in a JSON body, which only the
  // general path reads.
  const data = b64(minuteRows(400));
  const at = 4 * 1000 + 2;
  const values = [
    data.slice(0, at) + "*" + data.slice(at), data.slice(0, at) + " " + data.slice(at), data.slice(0, at) + "=" + data.slice(at),
    data.slice(0, at) + "é" + data.slice(at), data.replaceAll("+", "-").replaceAll("/", "_"), `${data}=`, data.replace(/=+$/, ""),
    data.slice(0, at) + "\n" + data.slice(at),
  ];
  let refused = 0;
  for (const v of values) {
    const form = await post(`data=${v.replaceAll("+", "%2B")}`, FORM);
    const json = await post(JSON.stringify({ data: v }), "application/json");
    assert.is(form.status, json.status, v.slice(at - 4, at + 4));
    assert.is(form.text, json.text, v.slice(at - 4, at + 4));
    if (form.status === 400) refused++;
  }
  assert.ok(refused >= 4 && refused < values.length, `both answers seen (${refused} of ${values.length} refused)`);
});

test.run();
