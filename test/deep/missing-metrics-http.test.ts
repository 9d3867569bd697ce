// The deep model never flags blindly (issue 12 part 9), through the real service and its bundled
// `traffic` model: a series without a metric the model reads is a 400 naming what is missing and
// the model's full set; it used to be read as 0 and flag every row (a day with only `bytes`: 1440
// of 1440 rows flagged).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TRAFFIC_METRICS } from "../../src/druid/query-builder";
import { startService, type RunningService } from "../support/service-process";

let svc: RunningService;
const b64 = (s: string) => Buffer.from(s).toString("base64");
const fullSet = `Its metrics: ${TRAFFIC_METRICS.join(", ")} (granularity is computed from the timestamps)`;

/** One-minute rows of every traffic metric, a gentle daily wave. */
function day(n: number): { timestamp: string; result: Record<string, number> }[] {
  const t0 = Date.parse("2024-05-27T00:00:00Z");
  return Array.from({ length: n }, (_, i) => {
    const bytes = Math.round(1e6 * (2 + Math.sin((2 * Math.PI * i) / 1440)));
    return { timestamp: new Date(t0 + i * 60_000).toISOString(), result: Object.fromEntries(TRAFFIC_METRICS.map((m, j) => [m, bytes / (j + 1)])) };
  });
}

async function outliers(rows: unknown, model = "traffic") {
  const res = await fetch(`${svc.trafficUrl}/api/v1/outliers`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: b64(JSON.stringify(rows)), model: b64(model) }),
  });
  return { status: res.status, json: (await res.json()) as { status: string; msg?: string; model?: string; predicted?: unknown[] } };
}

test.before(async () => { svc = await startService({ configIni: "[Outliers]\ntraining_enabled = false\n" }); });
test.after(async () => { await svc?.stop(); });

test("a day of one-minute rows with only bytes: 400 naming the ten missing metrics and the full set", async () => {
  const rows = day(1440).map((r) => ({ timestamp: r.timestamp, result: { bytes: r.result.bytes } }));
  const { status, json } = await outliers(rows);
  assert.is(status, 400, JSON.stringify(json).slice(0, 300));
  assert.is(json.status, "error");
  assert.ok(json.msg!.includes(`missing: ${TRAFFIC_METRICS.filter((m) => m !== "bytes").join(", ")}. ${fullSet}`), json.msg);
});

test("each metric missing alone: 400 naming it", async () => {
  const full = day(64);
  for (const missing of TRAFFIC_METRICS) {
    const rows = full.map((r) => ({ timestamp: r.timestamp, result: Object.fromEntries(Object.entries(r.result).filter(([k]) => k !== missing)) }));
    const { status, json } = await outliers(rows);
    assert.is(status, 400, `${missing}: ${JSON.stringify(json).slice(0, 200)}`);
    assert.ok(json.msg!.includes(`missing: ${missing}. ${fullSet}`), json.msg);
  }
});

test("with every metric the model runs: 200, a forecast per row", async () => {
  const { status, json } = await outliers(day(64));
  assert.is(status, 200, JSON.stringify(json).slice(0, 300));
  assert.is(json.model, "traffic");
  assert.is(json.predicted!.length, 64);
});

test.run();
