// A named deep model over the Druid path (docs/design.md § Traffic metric set): the query the
// broker receives has its aggregations/postAggregations replaced by the traffic metric set,
// per-second values divided by the granularity in seconds; the default model's query goes out
// unchanged. Real service with the original's traffic.keras imported into its models dir, stand-in
// broker.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { importKeras } from "../../src/deep/files/keras-io";
import { TRAFFIC_METRICS } from "../../src/druid/query-builder";
import { startService, type RunningService } from "../support/service-process";
import { startStandInBroker, upstreamJson, type StandInBroker } from "./druid-stand-in";
import { fixturePath } from "../support/fixtures";
import { b64, postForm, readmeQuery } from "./http-helpers";

let svc: RunningService;
let broker: StandInBroker;
const dataDir = mkdtempSync(join(tmpdir(), "rbao-deep-query-"));

test.before(async () => {
  broker = await startStandInBroker({ kind: "json", body: upstreamJson("outliers_test_data.json") });
  await importKeras({ kerasFile: fixturePath("upstream/traffic.keras"), name: "orig", modelsDir: join(dataDir, "models") });
  svc = await startService({ dataDir, configIni: `[Druid]\ndruid_endpoint = ${broker.endpoint}\n[Outliers]\ntraining_enabled = false\n` });
});

test.after(async () => {
  await svc?.stop();
  await broker?.close();
});

type Named = { name: string; fields?: unknown[] };

function constantsOf(node: unknown, out: number[] = []): number[] {
  if (Array.isArray(node)) node.forEach((n) => constantsOf(n, out));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "constant") out.push(o.value as number);
    Object.values(o).forEach((v) => constantsOf(v, out));
  }
  return out;
}

test("deep model: the broker gets the full traffic metric set, rates per 300 s for pt5m", async () => {
  const query = { ...readmeQuery, granularity: { type: "period", period: "pt5m", origin: "2023-09-21T09:00:00Z" } };
  const r = await postForm(`${svc.trafficUrl}/api/v1/outliers`, { query: b64(query), model: b64("orig") });
  assert.is(r.status, 200, JSON.stringify(r.body).slice(0, 300));
  assert.is(r.body.model, "orig");
  const sent = broker.queries.at(-1)!;
  const names = [...(sent.aggregations as Named[]), ...(sent.postAggregations as Named[])].map((a) => a.name);
  assert.equal(names, [...TRAFFIC_METRICS]);
  assert.equal(constantsOf((sent.postAggregations as Named[]).find((p) => p.name === "bps")), [8, 300]);
  for (const key of ["dataSource", "filter", "intervals", "granularity", "context"] as const) assert.equal(sent[key], query[key], key);
});

test("default model: the query goes out as sent", async () => {
  const r = await postForm(`${svc.trafficUrl}/api/v1/outliers`, { query: b64(readmeQuery) });
  assert.is(r.status, 200);
  assert.is(r.body.model, "default");
  assert.equal(broker.queries.at(-1), readmeQuery);
});

test("deep model with a granularity of no fixed length: 400 before anything reaches the broker", async () => {
  const before = broker.queries.length;
  const r = await postForm(`${svc.trafficUrl}/api/v1/outliers`, { query: b64({ ...readmeQuery, granularity: "month" }), model: b64("orig") });
  assert.is(r.status, 400);
  assert.match(r.body.msg, /granularity "month" is not supported/);
  assert.is(broker.queries.length, before);
});

test.run();
