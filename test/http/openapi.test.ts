// /openapi.json of both APIs (issue 15 part 6): a valid OpenAPI 3.1 document (checked by a real
// validator), every route the app answers is in it, every path in it is answered, and its request
// schemas are the validating ones (an example it gives is accepted, a body it rejects is refused).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Validator } from "@seriousme/openapi-schema-validator";
import { loadConfig } from "../../src/config";
import { createMetricsRegistry } from "../../src/runtime/metrics";
import { createStationService } from "../../src/app/station-service";
import { createTrafficService } from "../../src/app/traffic-service";
import type { Service } from "../../src/app/service";
import { StatusParts } from "../../src/app/console-files";

type Doc = { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { example?: unknown }> } }>> };

async function services(): Promise<Record<"station" | "traffic", Service>> {
  const config = loadConfig({ overrides: { Paths: { data_dir: mkdtempSync(join(tmpdir(), "rbao-openapi-")) } } });
  const deps = { config, log: pino({ level: "silent" }), metrics: createMetricsRegistry({ defaultMetrics: false }), statusParts: new StatusParts() };
  return { station: await createStationService(deps), traffic: await createTrafficService(deps) };
}

/** "METHOD /path/{param}" of every handler the Hono app has (middleware and the 405 catch-alls aside). */
function appRoutes(service: Service): string[] {
  const out = new Set<string>();
  for (const r of service.app.routes) {
    if (r.method === "ALL") continue;
    out.add(`${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
  }
  return [...out].sort();
}

function docRoutes(doc: Doc): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)).sort();
}

const concrete = (path: string) => path.replace("{id}", "station_1").replace("{file}", "console.js");

const all = await services();

for (const [name, service] of Object.entries(all)) {
  test(`${name}: /openapi.json is a valid OpenAPI 3.1 document`, async () => {
    const r = await service.app.request("/openapi.json");
    assert.is(r.status, 200);
    const doc = (await r.json()) as Doc;
    assert.is(doc.openapi, "3.1.0");
    const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    assert.ok(result.valid, JSON.stringify(result.errors, null, 1));
  });

  test(`${name}: every route the app answers is in the document, and only those`, async () => {
    const doc = (await (await service.app.request("/openapi.json")).json()) as Doc;
    assert.equal(docRoutes(doc), appRoutes(service));
  });

  test(`${name}: every path of the document is answered (no "no route" 404)`, async () => {
    if (name === "station") await all.station.app.request("/initialize", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id_estacio: "station_1", variables: { var_1: 32 } }) });
    const doc = (await (await service.app.request("/openapi.json")).json()) as Doc;
    for (const route of docRoutes(doc)) {
      const [method, path] = route.split(" ") as [string, string];
      if (method === "DELETE") continue; // answered below without losing the station the others read
      const r = await service.app.request(concrete(path), { method, headers: { "content-type": "application/json" }, body: method === "POST" ? "{}" : undefined });
      const body = await r.text();
      assert.not.match(body, /no route for/, `${route} -> ${r.status} ${body.slice(0, 200)}`);
      assert.ok(r.status < 500, `${route} -> ${r.status}`);
    }
    if (name === "station") assert.is((await service.app.request("/stations/station_1", { method: "DELETE" })).status, 200);
  });

  test(`${name}: /docs renders every operation of the document`, async () => {
    const doc = (await (await service.app.request("/openapi.json")).json()) as Doc;
    const r = await service.app.request("/docs");
    assert.is(r.status, 200);
    assert.match(r.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    const html = await r.text();
    for (const route of docRoutes(doc)) assert.ok(html.includes(`<code>${route}</code>`), route);
  });
}

test("station: the document's request examples are accepted, in that order, by the API itself", async () => {
  const doc = (await (await all.station.app.request("/openapi.json")).json()) as Doc;
  for (const path of ["/initialize", "/detection"]) {
    const example = doc.paths[path]!.post!.requestBody!.content["application/json"]!.example;
    const r = await all.station.app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(example) });
    assert.is(r.status, 200, `${path}: ${await r.text()}`);
  }
});

test("station: the schemas say what the validators enforce (id pattern, window range, strict objects)", async () => {
  const doc = (await (await all.station.app.request("/openapi.json")).json()) as Doc & { paths: Record<string, any> };
  const schema = doc.paths["/initialize"]!.post.requestBody.content["application/json"].schema;
  assert.is(schema.additionalProperties, false);
  assert.equal(schema.required, ["id_estacio", "variables"]);
  assert.is(schema.properties.id_estacio.maxLength, 128);
  assert.equal([schema.properties.variables.additionalProperties.minimum, schema.properties.variables.additionalProperties.maximum], [8, 4096]);
  const outliers = doc.paths["/stations/{id}/outliers"]!.get.parameters.map((p: { name: string }) => p.name);
  assert.equal(outliers, ["id", "since", "limit"]);
});

test.after(async () => {
  await Promise.all(Object.values(all).map((s) => s.close()));
});

test.run();
