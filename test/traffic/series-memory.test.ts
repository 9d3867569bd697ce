// The default model's series memory through the real service (issue 18 part 4): a named series
// polled as the manager polls gets each row judged once (as one streaming run judges it), a
// repeated request gets the identical answer, the memory survives kill -9, and
// [ShallowOutliers] memory = false judges every request from its rows alone.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { defaultTrafficModel } from "../../src/detect/shallow-model";
import { judgeRemembered, SeriesMemory } from "../../src/traffic/series-memory";
import { startService, type RunningService } from "../support/service-process";
import { b64, minuteRows } from "./http-helpers";

const rows = minuteRows(1600);
for (const k of [700, 1500]) rows[k]!.result.bytes += 2_000_000;
const SETTINGS = { contamination: 0.01, sensitivity: 0.95 };

/** The window of rows ending before `end` (at most 1,440), posted as data of series `name`. */
async function poll(svc: RunningService, end: number, name?: string): Promise<string> {
  const window = rows.slice(Math.max(0, end - 1440), end);
  const fields: Record<string, string> = { data: b64(window) };
  if (name) fields.series = name;
  const res = await fetch(`${svc.trafficUrl}/api/v1/outliers`, { method: "POST", body: new URLSearchParams(fields) });
  const text = await res.text();
  assert.is(res.status, 200, text.slice(0, 200));
  return text;
}

const scoresOf = (text: string) => (JSON.parse(text).predicted as { score: number }[]).map((p) => p.score);

/** The same polls in process through judgeRemembered with a fresh memory: the scores of the last. */
function inProcess(ends: number[]): number[] {
  const model = defaultTrafficModel(SETTINGS);
  const memory = SeriesMemory.open(":memory:", { maxSeries: 10, maxBytes: 1e9 });
  let last: number[] = [];
  for (const end of ends) {
    const window = rows.slice(Math.max(0, end - 1440), end);
    last = [...judgeRemembered(model, memory, "k", window.map((r) => r.result.bytes), window.map((r) => r.timestamp)).scores];
  }
  memory.close();
  return last;
}

test("a named series: same answer again, kept across kill -9, every row judged once", async () => {
  let svc = await startService();
  const dataDir = svc.dataDir;
  try {
    const first = await poll(svc, 1440, "link-1");
    assert.is(await poll(svc, 1440, "link-1"), first, "a repeated request gets the identical answer");
    const second = await poll(svc, 1472, "link-1");
    // Rows of the first answer keep their decisions in the second.
    assert.equal(scoresOf(second).slice(0, 1408), scoresOf(first).slice(32));
    await svc.kill9();
    svc = await startService({ dataDir });
    assert.is(await poll(svc, 1472, "link-1"), second, "after kill -9 the same answer");
    const third = await poll(svc, 1600, "link-1");
    assert.equal(scoresOf(third), inProcess([1440, 1472, 1600]), "as if never killed");
    const flagged = (JSON.parse(third).anomalies as { timestamp: string }[]).map((a) => a.timestamp);
    assert.ok(flagged.includes(rows[700]!.timestamp) && flagged.includes(rows[1500]!.timestamp), String(flagged));
    // Unnamed data is judged from scratch: the same rows give the stateless answer.
    assert.equal(scoresOf(await poll(svc, 1600)), inProcess([1600]));
  } finally {
    await svc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("[ShallowOutliers] memory = false: every request from its rows alone, no memory file", async () => {
  const svc = await startService({ configIni: "[ShallowOutliers]\nmemory = false\n" });
  try {
    await poll(svc, 1440, "link-1");
    assert.equal(scoresOf(await poll(svc, 1600, "link-1")), inProcess([1600]));
    assert.not.ok(existsSync(join(svc.dataDir, "traffic-series.sqlite")));
  } finally {
    await svc.stop();
    rmSync(svc.dataDir, { recursive: true, force: true });
  }
});

test("a series name longer than 200 characters is a 400 that says so", async () => {
  const svc = await startService({ configIni: "[ShallowOutliers]\nmemory = false\n" });
  try {
    const res = await fetch(`${svc.trafficUrl}/api/v1/outliers`, { method: "POST", body: new URLSearchParams({ data: b64(rows.slice(0, 10)), series: "x".repeat(201) }) });
    assert.is(res.status, 400);
    assert.match(((await res.json()) as { msg: string }).msg, /field "series" is 201 characters long; send a name of at most 200/);
  } finally {
    await svc.stop();
    rmSync(svc.dataDir, { recursive: true, force: true });
  }
});

test.run();
