// The service the status page's browser tests load (test/ui/console-*.test.ts): history on, the
// traffic port asking a stand-in Druid broker, fed with the README's station block, the station
// tests' stream and two traffic requests. Also what the page must show of them, the browser-side
// helpers both browsers' tests evaluate, and their shared skip and time bound.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startService, type RunningService } from "../support/service-process";
import { blockBody } from "../stations/stream";
import { startStandInBroker, upstreamJson } from "../traffic/druid-stand-in";
import { b64, readmeQuery } from "../traffic/http-helpers";

export const STEP_MS = 15_000;
const repoRoot = new URL("../..", import.meta.url).pathname;
export const outDir = join(repoRoot, "test/output/ui");

/**
 * Whether a browser test file can run: false, after saying why and skipping its one test, when
 * its browser's binary is absent (CI installs it from .ci/apt-packages); else true, with the whole
 * file bounded by `boundMs` so that it ends whatever step stalls (test/run.mjs has its own,
 * longer bound).
 */
export function browserAvailable(o: { file: string; binary: string; aptPackage: string; boundMs: number }): boolean {
  if (!existsSync(o.binary)) {
    console.log(`SKIP ${o.file}: ${o.binary} is absent (apt-get install ${o.aptPackage}; CI installs it from .ci/apt-packages)`);
    test.skip(`the status page in ${o.aptPackage}`);
    test.run();
    return false;
  }
  setTimeout(() => { console.error(`${o.file}: over ${o.boundMs / 1000} s, giving up`); process.exit(1); }, o.boundMs).unref();
  return true;
}

export interface FedService {
  svc: RunningService;
  /** Flagged points per "station/variable", as the /detection answers gave them. */
  flagged: Record<string, number>;
  /** The traffic requests sent, oldest first: [source text the page shows, anomalies answered]. */
  trafficSent: Array<[string, number]>;
  stop(): Promise<void>;
}

export async function startFedService(): Promise<FedService> {
  const broker = await startStandInBroker({ kind: "json", body: upstreamJson("outliers_test_data.json") });
  // History on, as the page's plots want it (the default may say otherwise: set here either way).
  const svc = await startService({ configIni: `[Stations]\nhistory_samples = 10080\n[Druid]\ndruid_endpoint = ${broker.endpoint}\n` });
  const flagged: Record<string, number> = {};
  const trafficSent: Array<[string, number]> = [];
  const post = async (path: string, body: unknown) => {
    const r = await fetch(svc.stationUrl + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(STEP_MS) });
    const text = await r.text();
    assert.is(r.status, 200, `${path}: ${text}`);
    for (const o of (JSON.parse(text) as { outliers?: Array<{ id_estacio: string; variable: string; dates: string[] }> }).outliers ?? [])
      flagged[`${o.id_estacio}/${o.variable}`] = (flagged[`${o.id_estacio}/${o.variable}`] ?? 0) + o.dates.length;
  };
  // The README's example: station_1's temperature and humidity over a day, humidity jumping at 12:00.
  const dir = mkdtempSync(join(tmpdir(), "rbao-ui-"));
  execFileSync(process.execPath, [join(repoRoot, "docs/examples/example-data.mjs"), "--out", dir]);
  await post("/initialize", { id_estacio: "station_1", variables: { temperature: 32, humidity: 32 } });
  await post("/detection", JSON.parse(readFileSync(join(dir, "block.json"), "utf8")));
  // And the station tests' stream: level shifts and a spike every 97 samples, in two blocks.
  await post("/initialize", { id_estacio: "station_2", variables: { level: 32 } });
  await post("/detection", blockBody("station_2", 0, 1000, ["level"]));
  await post("/detection", blockBody("station_2", 1000, 1000, ["level"]));
  assert.ok(flagged["station_1/humidity"]! > 0 && flagged["station_2/level"]! > 1, `flagged points to draw: ${JSON.stringify(flagged)}`);
  // Two traffic requests: the README's query (asked of the broker), then a posted, named series.
  for (const [fields, source] of [[{ query: b64(readmeQuery) }, `query on ${readmeQuery.dataSource}`], [{ data: b64(upstreamJson("shallow_outliers_test_data.json")), series: "hourly" }, 'posted data "hourly"']] as const) {
    const r = await fetch(`${svc.trafficUrl}/api/v1/outliers`, { method: "POST", body: new URLSearchParams(fields), signal: AbortSignal.timeout(STEP_MS) });
    const text = await r.text();
    assert.is(r.status, 200, text);
    trafficSent.push([source, (JSON.parse(text) as { anomalies: unknown[] }).anomalies.length]);
  }
  return { svc, flagged, trafficSent, stop: async () => { await svc.stop(); await broker.close(); } };
}

/** axe-core's source, to evaluate in the page. */
export const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** Runs axe (after axeSource) for WCAG 2 A/AA; evaluated in the page, it returns the violations as text. */
export const AXE_RUN = `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
  .then((r) => r.violations.map((v) => v.id + ": " + JSON.stringify(v.nodes.map((n) => n.target))))`;
/** Counts the pixels of the flagged points' colour (#a50e0e) on the canvas it is called with. */
export const RED_PIXELS = `(c) => {
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] > 140 && d[i + 1] < 40 && d[i + 2] < 40 && d[i + 3] > 200) n++;
  return n;
}`;
/** RED_PIXELS as a function, for the drivers that send a function's source to the page. */
export const redPixelsFunction = new Function(`return ${RED_PIXELS}`)() as (canvas: unknown) => number;
