// Issue 15 parts 2-4 against the real process: each variable's history (value, score, label per
// sample, decided late by a batch pipeline, bounded by [Stations] history_samples, kept across a
// restart, paged by cursor), the station's events (newest first, by kind), and maintenance
// windows (outliers inside one are recorded and shown as suppressed but neither answered nor
// delivered downstream; windows survive a restart; overlapping, reversed and absurd ones are 400s).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPipeline, pipelineOptionsFor } from "../../src/detect";
import { startService } from "../support/service-process";
import { Downstream } from "./downstream";
import { blockBody, postJson, timestampOf, value } from "./stream";

const get = async (base: string, path: string) => {
  const r = await fetch(base + path);
  return { status: r.status, json: (await r.json()) as any };
};
const del = async (base: string, path: string) => {
  const r = await fetch(base + path, { method: "DELETE" });
  return { status: r.status, json: (await r.json()) as any };
};

/** Per sample k of variable `index`: its score and label from an uninterrupted in-process run,
 * matched by the decisions' own timestamps (null when no decision covered it). */
function reference(pipeline: string, window: number, index: number, n: number) {
  const p = createPipeline(pipelineOptionsFor(pipeline, window));
  const byTime = new Map<string, { score: number; label: number }>();
  for (let k = 0; k < n; k++) {
    const d = p.update(value(k, index), timestampOf(k));
    d?.timestamps.forEach((t, j) => byTime.set(t, { score: d.scores[j]!, label: d.labels[j]! }));
  }
  return Array.from({ length: n }, (_, k) => byTime.get(timestampOf(k)) ?? { score: null, label: null });
}

/** Every page of a paged endpoint, following next_cursor. */
async function allPages(base: string, path: string, key: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: number | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const r = await get(base, `${path}${path.includes("?") ? "&" : "?"}limit=7${cursor === null ? "" : `&cursor=${cursor}`}`);
    assert.is(r.status, 200, JSON.stringify(r.json));
    out.push(...r.json[key]);
    cursor = r.json.next_cursor;
    if (cursor === null) return out;
  }
  throw new Error("more than 1000 pages");
}

test("history: every sample with its late batch decision, the last history_samples kept, across a restart; events newest first", async () => {
  const KEEP = 150;
  const configIni = `[Stations]\nhistory_samples = ${KEEP}\n`;
  let svc = await startService({ configIni });
  const id = "hist_1", windows = { a: 16, b: 32 };
  try {
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: id, variables: windows, pipeline: "batch" })).status, 200);
    for (let b = 0; b < 20; b++) assert.is((await postJson(svc.stationUrl, "/detection", blockBody(id, b * 10, 10, ["a", "b"]))).status, 200);
    assert.is(await svc.stop(), 0);
    svc = await startService({ configIni, dataDir: svc.dataDir });
    // then blocks of 7-11 samples up to sample 409
    for (let k = 200, b = 0; k < 410; b++) {
      const size = Math.min(7 + (b % 5), 410 - k);
      assert.is((await postJson(svc.stationUrl, "/detection", blockBody(id, k, size, ["a", "b"]))).status, 200);
      k += size;
    }
    const n = 410;
    assert.is((await get(svc.stationUrl, `/stations/${id}`)).json.station.samples, n);
    const ks = Array.from({ length: n }, (_, k) => k);

    for (const [index, [name, w]] of Object.entries(windows).entries()) {
      const all = await allPages(svc.stationUrl, `/stations/${id}/history?variable=${name}`, "history");
      // trimmed every 256 samples: at least the last KEEP, fewer than KEEP + 256
      assert.ok(all.length >= KEEP && all.length < KEEP + 256 && all.length < n, `${name}: ${all.length} rows kept`);
      const history = all.slice(-KEEP);
      // the stream the service saw is samples ks; the reference runs the same sequence
      const p = createPipeline(pipelineOptionsFor("batch", w));
      const expected = new Map<string, { score: number; label: number }>();
      for (const k of ks) {
        const d = p.update(value(k, index), timestampOf(k));
        d?.timestamps.forEach((t, j) => expected.set(t, { score: d.scores[j]!, label: d.labels[j]! }));
      }
      const tail = ks.slice(-KEEP);
      assert.equal(history.map((h) => h.sample), Array.from({ length: KEEP }, (_, i) => n - KEEP + 1 + i));
      assert.equal(history.map((h) => h.timestamp), tail.map(timestampOf));
      assert.equal(history.map((h) => h.value), tail.map((k) => value(k, index)));
      // Labels exactly; scores to 1e-12: the service may run on another Node than this test (the
      // executable embeds Node 24), whose Math.log/exp can differ in the last bit.
      const want = tail.map((k) => expected.get(timestampOf(k)));
      assert.equal(history.map((h) => h.label), want.map((e) => (e ? e.label : null)));
      history.forEach((h, i) => {
        const e = want[i];
        assert.ok(e ? h.score !== null && Math.abs(h.score - e.score) <= 1e-12 : h.score === null, `${name} sample ${h.sample}: score ${h.score}, expected ${e?.score ?? null}`);
      });
      const undecided = history.filter((h) => h.label === null).length;
      assert.ok(undecided > 0 && undecided < w, `${name}: the samples of the window not yet full are undecided (${undecided})`);
      assert.ok(history.some((h) => h.label === 1), `${name}: some outliers in the kept history`);
    }
    const since = await get(svc.stationUrl, `/stations/${id}/history?variable=a&since=${encodeURIComponent(timestampOf(ks.at(-5)!))}`);
    assert.equal(since.json.history.map((h: any) => h.timestamp), ks.slice(-5).map(timestampOf));
    assert.is(since.json.next_cursor, null);

    const events = await allPages(svc.stationUrl, `/stations/${id}/events`, "events");
    const ids = events.map((e) => e.id);
    assert.equal(ids, [...ids].sort((x, y) => y - x), "newest first");
    const kinds = new Set(events.map((e) => e.kind));
    assert.ok(kinds.has("drift") && kinds.has("retrain") && kinds.has("outlier"), [...kinds].join());
    const retrains = (await get(svc.stationUrl, `/stations/${id}`)).json.station.variables.map((v: any) => v.retrains).reduce((x: number, y: number) => x + y);
    assert.is(events.filter((e) => e.kind === "retrain").length, retrains, "one retrain event per retrain");
    const outliers = (await get(svc.stationUrl, `/stations/${id}/outliers?limit=100000`)).json.outliers;
    assert.equal(events.filter((e) => e.kind === "outlier").map((e) => `${e.variable}@${e.timestamp}`).sort(), outliers.map((o: any) => `${o.variable}@${o.timestamp}`).sort());
    assert.ok(events.filter((e) => e.kind === "outlier").every((e) => e.detail.suppressed === false && e.detail.score > 0.5));
    assert.ok(events.filter((e) => e.kind === "drift").every((e) => typeof e.detail.drift === "boolean" && e.detail.wilcoxon.p >= 0));
    const drifts = await allPages(svc.stationUrl, `/stations/${id}/events?kind=drift`, "events");
    assert.equal(drifts.map((e) => e.id), events.filter((e) => e.kind === "drift").map((e) => e.id));

    const bad = async (path: string, re: RegExp) => {
      const r = await get(svc.stationUrl, path);
      assert.is(r.status, 400, path);
      assert.match(r.json.msg, re);
    };
    await bad(`/stations/${id}/history`, /variable: is required/);
    await bad(`/stations/${id}/history?variable=c`, /"c" is not a variable of station "hist_1" \(its variables: "a", "b"\)/);
    await bad(`/stations/${id}/history?variable=a&limit=0`, /limit: must be an integer in \[1, 100000\]/);
    await bad(`/stations/${id}/history?variable=a&cursor=x`, /cursor: must be the next_cursor/);
    await bad(`/stations/${id}/events?kind=boom`, /kind: must be one of drift, retrain, outlier, maintenance/);
    await bad(`/stations/${id}/events?since=yesterday`, /since: must be a sample time/);
    await bad(`/stations/${id}/events?colour=red`, /unknown field\(s\) "colour"/);
    assert.is((await get(svc.stationUrl, "/stations/nobody/events")).status, 404);

    // a fresh variable (window changed) starts a fresh history; a removed one loses its own
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: id, variables: { a: 8 } })).status, 200);
    assert.equal((await get(svc.stationUrl, `/stations/${id}/history?variable=a`)).json.history, []);
    assert.is((await del(svc.stationUrl, `/stations/${id}`)).status, 200);
    assert.is((await get(svc.stationUrl, `/stations/${id}/events`)).status, 404);
  } finally {
    await svc.stop();
  }
});

test("maintenance windows: outliers inside are recorded and shown as suppressed, not answered or delivered; windows survive a restart; bad windows are 400s", async () => {
  const down = await Downstream.start("ok");
  // History on (it is off by default): the suppressed outliers must keep their labels there.
  const configIni = "[Stations]\noutbox_max_backoff_ms = 200\nhistory_samples = 10080\n";
  let svc = await startService({ configIni, env: { DATA_SERVER_ENDPOINT: down.url } });
  const id = "maint_1", windows = { a: 32, b: 32 };
  const ref = { a: reference("default", 32, 0, 600), b: reference("default", 32, 1, 600) };
  const flagged = (name: "a" | "b", from: number, to: number) => ref[name].flatMap((r, k) => (k >= from && k < to && r.label === 1 ? [timestampOf(k)] : []));
  try {
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: id, variables: windows })).status, 200);
    const post = (body: unknown) => postJson(svc.stationUrl, `/stations/${id}/maintenance`, body);
    // samples 300..499 of "a" are under maintenance
    const w1 = await post({ from: timestampOf(300), to: timestampOf(500), variables: ["a"], reason: "sensor cleaning" });
    assert.is(w1.status, 201, JSON.stringify(w1.json));
    assert.equal(w1.json.window, { id: w1.json.window.id, from: "2021-01-01T05:00:00.000Z", to: "2021-01-01T08:20:00.000Z", variables: ["a"], reason: "sensor cleaning", created_at: w1.json.window.created_at });

    const bad = async (body: unknown, re: RegExp) => {
      const r = await post(body);
      assert.is(r.status, 400, JSON.stringify(body));
      assert.match(r.json.msg, re);
    };
    await bad({ from: timestampOf(400), to: timestampOf(600), reason: "again" }, new RegExp(`overlaps window ${w1.json.window.id} \\(2021-01-01T05:00:00.000Z to 2021-01-01T08:20:00.000Z, "a", "sensor cleaning"\\)`));
    await bad({ from: timestampOf(400), to: timestampOf(300), reason: "reversed" }, /to: must be after "from"/);
    await bad({ from: timestampOf(400), to: timestampOf(400), reason: "empty" }, /to: must be after "from"/);
    await bad({ from: "2021-01-01 00:00:00", to: "2023-01-01 00:00:00", reason: "long" }, /730\.0 days long; at most 366 days/);
    await bad({ from: "1021-01-01 00:00:00", to: "1021-01-02 00:00:00", reason: "typo" }, /from: must be within the years 2000-2099/);
    await bad({ from: "tomorrow", to: timestampOf(10), reason: "x" }, /from: must be a date-time string/);
    await bad({ from: timestampOf(0), to: timestampOf(10), reason: "" }, /reason: must be 1-500 characters/);
    await bad({ from: timestampOf(0), to: timestampOf(10) }, /reason: must be a string saying why/);
    await bad({ from: timestampOf(0), to: timestampOf(10), reason: "x", variables: ["c"] }, /"c" not initialized for this station \(its variables: "a", "b"\)/);
    await bad({ from: timestampOf(0), to: timestampOf(10), reason: "x", variables: [] }, /variables: must name at least one variable/);
    await bad({ from: timestampOf(0), to: timestampOf(10), reason: "x", when: 1 }, /unknown field\(s\) "when"/);
    // not overlapping: another variable, or adjacent ([from, to) windows)
    assert.is((await post({ from: timestampOf(400), to: timestampOf(450), variables: ["b"], reason: "b only" })).status, 201);
    const w3 = await post({ from: timestampOf(500), to: timestampOf(520), reason: "adjacent" });
    assert.is(w3.status, 201);
    assert.is((await del(svc.stationUrl, `/stations/${id}/maintenance/${w3.json.window.id}`)).status, 200);
    assert.is((await del(svc.stationUrl, `/stations/${id}/maintenance/${w3.json.window.id}`)).status, 404);
    assert.is((await del(svc.stationUrl, `/stations/${id}/maintenance/abc`)).status, 400);

    const answered: string[] = [];
    const collect = (r: { json: any }) => r.json.outliers.forEach((o: any) => answered.push(...o.dates.map((d: string) => `${o.variable}@${d}`)));
    for (let b = 0; b < 30; b++) collect(await postJson(svc.stationUrl, "/detection", blockBody(id, b * 20, 20, ["a", "b"])));
    assert.is(await svc.stop(), 0);
    svc = await startService({ configIni, dataDir: svc.dataDir, env: { DATA_SERVER_ENDPOINT: down.url } });
    assert.equal((await get(svc.stationUrl, `/stations/${id}/maintenance`)).json.windows.map((w: any) => w.reason), ["sensor cleaning", "b only"], "windows survive a restart");

    const inside = [...flagged("a", 300, 500).map((t) => `a@${t}`), ...flagged("b", 400, 450).map((t) => `b@${t}`)];
    const all = [...flagged("a", 0, 600).map((t) => `a@${t}`), ...flagged("b", 0, 600).map((t) => `b@${t}`)];
    assert.ok(inside.length > 0, "the stream has outliers inside the windows");
    const outside = all.filter((o) => !inside.includes(o));
    assert.equal(answered.sort(), [...outside].sort(), "/detection answers only outliers outside the windows");

    const deadline = Date.now() + 20_000;
    while ((await get(svc.stationUrl, "/health")).json.outbox.depth > 0) {
      assert.ok(Date.now() < deadline, "the outbox drains");
      await new Promise((r) => setTimeout(r, 50));
    }
    const delivered = new Set<string>();
    for (const r of down.received) if (r.path === "/outliers") for (const o of r.body as any[]) for (const d of o.dates) delivered.add(`${o.variable}@${d}`);
    assert.equal([...delivered].sort(), [...outside].sort(), "downstream gets only outliers outside the windows");

    const events = await allPages(svc.stationUrl, `/stations/${id}/events?kind=outlier`, "events");
    assert.equal(events.map((e) => `${e.variable}@${e.timestamp}`).sort(), [...all].sort(), "every outlier is an event");
    for (const e of events) assert.is(e.detail.suppressed, inside.includes(`${e.variable}@${e.timestamp}`), `${e.variable}@${e.timestamp}`);
    assert.ok(events.filter((e) => e.detail.suppressed).every((e) => e.detail.maintenance_id === (e.variable === "a" ? w1.json.window.id : w1.json.window.id + 1)));
    const stored = (await get(svc.stationUrl, `/stations/${id}/outliers?limit=100000`)).json.outliers;
    assert.equal(stored.map((o: any) => `${o.variable}@${o.timestamp}`).sort(), [...all].sort(), "suppressed outliers are recorded");
    const history = await allPages(svc.stationUrl, `/stations/${id}/history?variable=a`, "history");
    assert.equal(history.filter((h) => h.label === 1).map((h) => h.timestamp), flagged("a", 0, 600), "history keeps the labels");

    const actions = (await get(svc.stationUrl, `/stations/${id}/events?kind=maintenance`)).json.events.map((e: any) => `${e.detail.action} ${e.detail.window.reason}`);
    assert.equal(actions, ["deleted adjacent", "created adjacent", "created b only", "created sensor cleaning"]);
  } finally {
    await svc.stop();
    await down.close();
  }
});

test.run();
