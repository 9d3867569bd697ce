// Issue 12 part 6: a data dir made by release 2.0.0 (test/fixtures/upgrade-2.0.0: default-detector
// state version 2, a snapshot plus a journal to replay) keeps working under the current service:
// the stations read back, their variables keep detecting (the v2 states are migrated), the window
// pipeline continues exactly as an uninterrupted run, and nothing answers 500. And a data dir whose
// history is a row per sample (test/fixtures/history-rows, made by main before issue 15's packed
// history) or JSON-packed block rows (test/fixtures/history-blocks, before the binary rows) answers
// the same history, migrated at open.
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openSqlite } from "../../src/runtime/sqlite";
import { fixturePath, readFixtureJson } from "../support/fixtures";
import { startService } from "../support/service-process";
import { blockBody, postJson, referenceOutliers, timestampOf } from "./stream";

const FIXTURE = fixturePath("upgrade-2.0.0/");
const DEFAULT_VARS = ["temp", "hum", "press"];

/** Samples 600..999 of the fixture's stream to est_default, 10,000 on every variable at sample 900:
 * every block answers 200 and the spike is flagged on every variable. */
async function spikeAt900(url: string): Promise<void> {
  for (let from = 600; from < 1000; from += 50) {
    const body = blockBody("est_default", from, 50, DEFAULT_VARS);
    for (const s of body.mostres) if (s.timestamp === timestampOf(899)) for (const v of DEFAULT_VARS) s.values[v] = 10_000;
    const r = await postJson(url, "/detection", body);
    assert.is(r.status, 200, JSON.stringify(r.json));
  }
  const stored = (await (await fetch(`${url}/stations/est_default/outliers?limit=1000`)).json()) as any;
  for (const v of DEFAULT_VARS) {
    assert.ok(stored.outliers.some((o: any) => o.variable === v && o.timestamp === timestampOf(899)), `${v}: the spike at sample 900 is flagged`);
  }
}

test("a 2.0.0 data dir: stations read back, keep detecting, the window pipeline continues exactly", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rbao-upgrade-"));
  cpSync(join(FIXTURE, "stations.sqlite"), join(dataDir, "stations.sqlite"));
  const svc = await startService({ dataDir });
  try {
    const view = (await (await fetch(`${svc.stationUrl}/stations/est_default`)).json()) as any;
    assert.is(view.station.samples, 600);
    assert.equal(view.station.variables.map((v: any) => [v.name, v.pipeline, v.samples_seen]).sort(), [["hum", "default", 600], ["press", "default", 600], ["temp", "default", 600]]);

    await spikeAt900(svc.stationUrl);

    for (let from = 600; from < 1200; from += 50) {
      assert.is((await postJson(svc.stationUrl, "/detection", blockBody("est_window", from, 50, ["temp"]))).status, 200);
    }
    const windowed = (await (await fetch(`${svc.stationUrl}/stations/est_window/outliers?limit=1000`)).json()) as any;
    assert.equal(windowed.outliers.map((o: any) => `${o.variable}@${o.timestamp}`).sort(), referenceOutliers("kalman-batch", { temp: 32 }, 1200));
  } finally {
    const code = await svc.stop();
    assert.is(code, 0);
  }
  assert.not.match(svc.output(), /"level":50|"level":60/, "no error logged");
});

test("a stored state that cannot be restored (unknown version, corrupt JSON): the variable re-learns, says so, never a 500", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rbao-relearn-"));
  const file = join(dataDir, "stations.sqlite");
  cpSync(join(FIXTURE, "stations.sqlite"), file);
  const db = openSqlite(file);
  const setState = db.prepare("UPDATE variable_states SET state = ? WHERE station_id = 'est_default' AND name = ?");
  const temp = JSON.parse(db.prepare("SELECT state FROM variable_states WHERE station_id = 'est_default' AND name = 'temp'").pluck().get() as string);
  setState.run(JSON.stringify({ ...temp, version: 99 }), "temp");
  setState.run("{\"kind\": \"default\", \"ver", "hum");
  db.close();
  let svc = await startService({ dataDir });
  try {
    // the fixture's snapshot is at sample 300; its 300 journal samples are replayed into the new pipelines
    await spikeAt900(svc.stationUrl);
    const warnings = svc.output().split("\n").filter((l) => l.includes("re-learns"));
    assert.is(warnings.length, 2, "one warning line per variable");
    assert.ok(warnings.every((l) => l.includes('"level":"warn"')), warnings.join("\n"));
    assert.ok(warnings.some((l) => l.includes('"variable":"temp"') && l.includes("version 99")), warnings.join("\n"));
    assert.ok(warnings.some((l) => l.includes('"variable":"hum"') && l.includes("JSON")), warnings.join("\n"));
  } finally {
    assert.is(await svc.stop(), 0);
  }
  assert.not.match(svc.output(), /"level":"(error|fatal)"/, "no error logged");

  // after a restart: the new states restore (no new warning); the field stays until /initialize changes the variable
  svc = await startService({ dataDir });
  try {
    assert.is((await postJson(svc.stationUrl, "/detection", blockBody("est_default", 1000, 50, DEFAULT_VARS))).status, 200);
    const view = (await (await fetch(`${svc.stationUrl}/stations/est_default`)).json()) as any;
    const byName = Object.fromEntries(view.station.variables.map((v: any) => [v.name, v]));
    assert.is(byName.press.relearning, null);
    for (const v of ["temp", "hum"]) {
      assert.is(byName[v].relearning.from_sample, 300, v);
      assert.ok(Date.parse(byName[v].relearning.since) > 0, v);
      assert.is(byName[v].samples_seen, 1050, v);
    }
    assert.match(byName.temp.relearning.reason, /version 99/);
    assert.not.match(svc.output(), /re-learns/);
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: "est_default", pipeline: "default", variables: { temp: 32, hum: 64, press: 32 } })).status, 200);
    const after = (await (await fetch(`${svc.stationUrl}/stations/est_default`)).json()) as any;
    assert.equal(after.station.variables.map((v: any) => [v.name, v.relearning === null]), [["hum", false], ["press", true], ["temp", true]]);
  } finally {
    assert.is(await svc.stop(), 0);
  }
});

test("an unknown pipeline kind in stored state (a name this release does not know): re-learns as the default pipeline, says so, never a 500", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rbao-unknown-kind-"));
  const file = join(dataDir, "stations.sqlite");
  cpSync(join(FIXTURE, "stations.sqlite"), file);
  const db = openSqlite(file);
  const press = JSON.parse(db.prepare("SELECT state FROM variable_states WHERE station_id = 'est_default' AND name = 'press'").pluck().get() as string);
  // press: a pipeline name and state kind from another release; temp: a known name whose state names an unknown kind
  db.prepare("UPDATE variables SET kind = 'htm-legacy' WHERE station_id = 'est_default' AND name = 'press'").run();
  db.prepare("UPDATE variable_states SET state = ? WHERE station_id = 'est_default' AND name = 'press'").run(JSON.stringify({ ...press, kind: "htm-legacy" }));
  db.prepare("UPDATE variable_states SET state = ? WHERE station_id = 'est_default' AND name = 'temp'").run(JSON.stringify({ ...press, kind: "htm-legacy" }));
  db.close();
  const svc = await startService({ dataDir });
  try {
    await spikeAt900(svc.stationUrl);
    const warnings = svc.output().split("\n").filter((l) => l.includes("re-learns"));
    assert.is(warnings.length, 2, warnings.join("\n"));
    assert.ok(warnings.some((l) => l.includes('"variable":"press"') && l.includes("unknown to this release")), warnings.join("\n"));
    const view = (await (await fetch(`${svc.stationUrl}/stations/est_default`)).json()) as any;
    const byName = Object.fromEntries(view.station.variables.map((v: any) => [v.name, v]));
    assert.is(byName.press.pipeline, "default");
    assert.match(byName.press.relearning.reason, /pipeline "htm-legacy" is unknown to this release, so it re-learns as "default"/);
    assert.is(byName.temp.pipeline, "default");
    assert.match(byName.temp.relearning.reason, /unknown pipeline kind 'htm-legacy'/);
    assert.is(byName.hum.relearning, null);
  } finally {
    assert.is(await svc.stop(), 0);
  }
  assert.not.match(svc.output(), /"level":"(error|fatal)"/, "no error logged");
});

test("a data dir whose history is a row per sample (main before the packed history): the same answers, then it continues and is trimmed", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rbao-history-rows-"));
  cpSync(fixturePath("history-rows/stations.sqlite"), join(dataDir, "stations.sqlite"));
  const before = readFixtureJson<Record<string, { history: unknown[] }>>("history-rows/history.json");
  const configIni = "[Stations]\nhistory_samples = 200\n";
  const svc = await startService({ dataDir, configIni });
  const history = async (id: string, v: string) => ((await (await fetch(`${svc.stationUrl}/stations/${id}/history?variable=${v}&limit=100000`)).json()) as any).history as any[];
  try {
    for (const [path, answer] of Object.entries(before)) {
      const [id, v] = path.split("/") as [string, string];
      assert.equal(await history(id, v), answer.history, `${path}: the answer the row-per-sample release gave`);
    }
    // 200 more samples: the sample numbers continue; retention (200 samples, trimmed every 256)
    // has dropped the migrated rows of samples 1..256 and keeps 257..500
    for (let from = 300; from < 500; from += 10) assert.is((await postJson(svc.stationUrl, "/detection", blockBody("hist_batch", from, 10, ["a", "b"]))).status, 200);
    const a = await history("hist_batch", "a");
    assert.equal(a.map((h) => h.sample), Array.from({ length: 244 }, (_, i) => 257 + i));
    assert.equal(a.map((h) => h.timestamp), Array.from({ length: 244 }, (_, i) => timestampOf(256 + i)));
  } finally {
    assert.is(await svc.stop(), 0);
  }
  const db = openSqlite(join(dataDir, "stations.sqlite"));
  assert.is(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'history'").pluck().get(), 0, "the per-sample table is gone");
  db.close();
});

test("a data dir whose history is JSON-packed block rows (before the binary rows): the same answers, then it continues and is trimmed", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rbao-history-blocks-"));
  cpSync(fixturePath("history-blocks/stations.sqlite"), join(dataDir, "stations.sqlite"));
  const before = readFixtureJson<Record<string, { history: unknown[] }>>("history-blocks/history.json");
  const svc = await startService({ dataDir, configIni: "[Stations]\nhistory_samples = 200\n" });
  const history = async (id: string, v: string) => ((await (await fetch(`${svc.stationUrl}/stations/${id}/history?variable=${v}&limit=100000`)).json()) as any).history as any[];
  try {
    for (const [path, answer] of Object.entries(before)) {
      const [id, v] = path.split("/") as [string, string];
      assert.equal(await history(id, v), answer.history, `${path}: the answer the JSON-packed release gave`);
    }
    // samples 500..719: retention (200 samples, trimmed every 256) ran at 716 and keeps 521..720
    for (let from = 500; from < 720; from += 10) assert.is((await postJson(svc.stationUrl, "/detection", blockBody("hist_batch", from, 10, ["a", "b"]))).status, 200);
    const a = await history("hist_batch", "a");
    assert.equal(a.map((h) => h.sample), Array.from({ length: 200 }, (_, i) => 521 + i));
    assert.equal(a.map((h) => h.timestamp), Array.from({ length: 200 }, (_, i) => timestampOf(520 + i)));
    // the sparse station's sample numbers continue per variable
    assert.is((await postJson(svc.stationUrl, "/detection", blockBody("hist_sparse", 300, 10, ["x", "y"]))).status, 200);
    assert.equal((await history("hist_sparse", "x")).slice(-10).map((h) => h.sample), Array.from({ length: 10 }, (_, i) => 151 + i));
    assert.equal((await history("hist_sparse", "y")).slice(-10).map((h) => h.sample), Array.from({ length: 10 }, (_, i) => 151 + i));
  } finally {
    assert.is(await svc.stop(), 0);
  }
  const db = openSqlite(join(dataDir, "stations.sqlite"));
  assert.is(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'history_blocks'").pluck().get(), 0, "the JSON-packed table is gone");
  db.close();
});

test.run();
