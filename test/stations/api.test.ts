// The station API end to end against the real process: both sample formats processed, outliers in
// the response and on the read side, 404 for an unknown station, re-initialization keeping state,
// restart resuming (ids with '_' and unicode included), delete, /metrics, and no queueing without
// a downstream endpoint.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService } from "../support/service-process";
import { blockBody, postJson, referenceOutliers, timestampOf, value } from "./stream";

const get = async (base: string, path: string) => {
  const r = await fetch(base + path);
  return { status: r.status, json: (await r.json()) as any };
};

test("nested and flat samples both feed the pipelines; outliers come back with their own timestamps", async () => {
  const svc = await startService({ configIni: "[Stations]\ndefault_pipeline = batch\n" });
  try {
    const windows = { a: 8, b: 16 };
    assert.equal((await postJson(svc.stationUrl, "/initialize", { id_estacio: "st_1", variables: windows })).json, { status: "Ok" });
    const got: string[] = [];
    for (let b = 0; b < 40; b++) {
      const body = blockBody("st_1", b * 10, 10, ["a", "b"]);
      // every other block in the flat format of the old server's code
      const mostres = b % 2 ? body.mostres.map((s) => ({ timestamp: s.timestamp, ...s.values })) : body.mostres;
      const r = await postJson(svc.stationUrl, "/detection", { ...body, mostres });
      assert.is(r.status, 200);
      assert.is(r.json.status, "Ok");
      for (const o of r.json.outliers) {
        assert.is(o.id_estacio, "st_1");
        got.push(...o.dates.map((d: string) => `${o.variable}@${d}`));
      }
    }
    const expected = referenceOutliers("batch", windows, 400);
    assert.ok(expected.length > 0);
    assert.equal(got.sort(), expected);
    const stored = await get(svc.stationUrl, "/stations/st_1/outliers");
    assert.equal(stored.json.outliers.map((o: any) => `${o.variable}@${o.timestamp}`).sort(), expected);
    assert.ok(stored.json.outliers.every((o: any) => o.score > 0.8 && o.score <= 1));
    const since = timestampOf(200);
    const later = await get(svc.stationUrl, `/stations/st_1/outliers?since=${encodeURIComponent(since)}`);
    assert.equal(later.json.outliers.map((o: any) => `${o.variable}@${o.timestamp}`).sort(), expected.filter((e) => e.split("@")[1]! >= since));

    const view = (await get(svc.stationUrl, "/stations/st_1")).json.station;
    assert.is(view.samples, 400);
    assert.is(view.blocks, 40);
    assert.equal(view.variables.map((v: any) => [v.name, v.window, v.pipeline, v.samples_seen]), [["a", 8, "batch", 400], ["b", 16, "batch", 400]]);
    assert.ok(view.variables.every((v: any) => v.retrains >= 1 && v.last_decision.timestamp));
    assert.ok(view.variables.every((v: any) => typeof v.last_drift_test.drift === "boolean" && v.last_drift_test.wilcoxon.p >= 0 && "sens_slope" in v.last_drift_test.mann_kendall));

    const metrics = await (await fetch(`${svc.stationUrl}/metrics`)).text();
    assert.match(metrics, /rb_aioutliers_station_samples_total 800/);
    assert.match(metrics, new RegExp(`rb_aioutliers_station_outliers_total ${expected.length}\\b`));
    assert.match(metrics, /rb_aioutliers_station_http_requests_total\{method="POST",route="\/detection",status="200"\} 40/);
    assert.match(metrics, /rb_aioutliers_station_retrains_total \d+/);
    assert.match(metrics, /rb_aioutliers_station_outbox_depth 0/);

    const unknown = await postJson(svc.stationUrl, "/detection", blockBody("nobody", 0, 1, ["a"]));
    assert.is(unknown.status, 404);
    assert.is(unknown.json.status, "Station not initialized");
    const h = (await get(svc.stationUrl, "/health")).json;
    assert.equal(h.outbox, { endpoint: null, depth: 0, oldest_age_seconds: 0, last_error: null }, "no endpoint: nothing queued");
  } finally {
    await svc.stop();
  }
});

test("a restart resumes every station exactly; re-initializing keeps state; delete removes a station", async () => {
  let svc = await startService();
  const id = "estació_nº_1";
  const windows = { "temp_ºC": 16, hum: 32 };
  try {
    await postJson(svc.stationUrl, "/initialize", { id_estacio: id, variables: windows, pipeline: "kalman-sliding" });
    await postJson(svc.stationUrl, "/initialize", { id_estacio: "other_1", variables: { x: 8 } });
    const got: string[] = [];
    const collect = (r: { json: any }) => r.json.outliers.forEach((o: any) => got.push(...o.dates.map((d: string) => `${o.variable}@${d}`)));
    for (let b = 0; b < 30; b++) collect(await postJson(svc.stationUrl, "/detection", blockBody(id, b * 10, 10, Object.keys(windows))));
    assert.is((await svc.stop()), 0);
    svc = await startService({ dataDir: svc.dataDir });
    // the same variables and windows again (pipeline omitted): the trained state is kept
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: id, variables: windows })).status, 200);
    for (let b = 30; b < 60; b++) collect(await postJson(svc.stationUrl, "/detection", blockBody(id, b * 10, 10, Object.keys(windows))));
    assert.equal(got.sort(), referenceOutliers("kalman-sliding", windows, 600));
    const list = (await get(svc.stationUrl, "/stations")).json.stations.map((s: any) => [s.id_estacio, s.samples]);
    assert.equal(list, [[id, 600], ["other_1", 0]]);

    assert.is((await fetch(`${svc.stationUrl}/stations/other_1`, { method: "DELETE" })).status, 200);
    assert.is((await get(svc.stationUrl, "/stations/other_1")).status, 404);
    assert.is((await postJson(svc.stationUrl, "/detection", { id_estacio: "other_1", mostres: [{ timestamp: timestampOf(0), x: value(0, 0) }] })).status, 404);
  } finally {
    await svc.stop();
  }
});

test("cad-ose through /initialize: outliers found, delivered with their own timestamps, identical across a restart", async () => {
  let svc = await startService();
  const id = "cad_1";
  const windows = { x: 64 }; // cad-ose learns its value range over the first 64 samples
  try {
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: id, variables: windows, pipeline: "cad-ose" })).status, 200);
    const got: string[] = [];
    const collect = (r: { json: any }) => r.json.outliers.forEach((o: any) => got.push(...o.dates.map((d: string) => `${o.variable}@${d}`)));
    for (let b = 0; b < 25; b++) collect(await postJson(svc.stationUrl, "/detection", blockBody(id, b * 20, 20, ["x"])));
    assert.is(await svc.stop(), 0);
    svc = await startService({ dataDir: svc.dataDir });
    for (let b = 25; b < 50; b++) collect(await postJson(svc.stationUrl, "/detection", blockBody(id, b * 20, 20, ["x"])));
    const expected = referenceOutliers("cad-ose", windows, 1000);
    assert.ok(expected.length > 0, "the stream's spikes and shifts give cad-ose outliers");
    assert.equal(got.sort(), expected);
    const vars = (await get(svc.stationUrl, `/stations/${id}`)).json.station.variables;
    assert.equal([vars[0].pipeline, vars[0].samples_seen, vars[0].last_drift_test], ["cad-ose", 1000, null]);
  } finally {
    await svc.stop();
  }
});

test.run();
