// The traffic API's answers, fingerprinted (issue 18 part 5): a speed change to the outliers path
// must leave every answer byte for byte as it was. Runs POST /api/v1/outliers in process (the
// handler the service mounts, over Hono's app.request) on NAB development files and synthetic
// series at 1,440 and 10,080 rows: form `data` (the fast path), a JSON body (the general path), and
// a named series polled with memory on (a window sliding by 32 rows, as the manager polls; the
// stored history's text is fingerprinted too). Prints one SHA-256 per case.
// Not a test: the answers change whenever the model's decisions do (on purpose, elsewhere), so the
// "before" fingerprints are taken on the commit a speed change starts from:
//   npx tsx test/bench/traffic-answers.ts --save /tmp/before.json   (on the starting commit)
//   npx tsx test/bench/traffic-answers.ts --check /tmp/before.json  (after each change; exit 1 on a difference)
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import pino from "pino";
import { catalogWithDefault } from "../../src/detect/model-catalog";
import { historyToText } from "../../src/detect/series-history-json";
import { defaultTrafficModel } from "../../src/detect/shallow-model";
import type { TrafficModel } from "../../src/detect/traffic-model";
import { makeErrorHandler } from "../../src/http/error-handler";
import { outliersHandler } from "../../src/http/traffic-outliers";
import { namedSeriesKey } from "../../src/traffic/series-key";
import { ContextPool } from "../../src/traffic/context-pool";
import { RememberingModel, SeriesMemory } from "../../src/traffic/series-memory";
import { b64, minuteRows } from "../traffic/http-helpers";
import { loadCorpus } from "./nab/corpus";

interface Row { timestamp: string; result: Record<string, number> }

const log = pino({ level: "silent" });
// With the helper thread the service starts on a machine of two cores (src/traffic/context-pool.ts),
// up before the first request, so that every fresh detector's window big enough is judged with it
// (the thread computes every job: not taken back when the machine is busy).
const pool = new ContextPool({ takeBack: false });
if (!(await pool.ready())) throw new Error("the context pool's thread did not start");
const shallow = defaultTrafficModel({ contamination: 0.01, sensitivity: 0.95 }, pool);

function appOf(model: TrafficModel): Hono {
  const catalog = catalogWithDefault({ model, info: { name: model.name, kind: "shallow" } });
  const app = new Hono();
  app.onError(makeErrorHandler(log));
  app.post("/o", outliersHandler({ catalog, druid: { answer: () => { throw new Error("no broker"); }, rows: () => [] }, metric: "bytes", allowedDataSources: ["*"], log }));
  return app;
}

async function answer(app: Hono, body: string, type: string): Promise<string> {
  const res = await app.request("/o", { method: "POST", headers: { "content-type": type }, body });
  return `${res.status} ${res.headers.get("content-type")}\n${await res.text()}`;
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

function spiked(rows: Row[], every: number): Row[] {
  for (let k = 25; k < rows.length; k += every) rows[k]!.result.bytes! += 800_000;
  return rows;
}

/** The series judged: synthetic ones (the bench's), and windows of NAB files, at both sizes. */
function series(): Array<[string, Row[]]> {
  const out: Array<[string, Row[]]> = [];
  for (const n of [1440, 10080]) {
    out.push([`clean ${n}`, minuteRows(n)], [`3 spikes ${n}`, spiked(minuteRows(n), Math.floor(n / 3))], [`bursty ${n}`, spiked(minuteRows(n), 50)]);
    out.push([`short ${n >> 5}`, spiked(minuteRows(n >> 5), 17)]);
  }
  const files = loadCorpus().files;
  for (const [i, f] of files.entries()) {
    for (const n of [1440, 10080]) {
      if (f.length < n || (n === 1440 && i % 5 !== 0)) continue;
      const from = f.length - n;
      const rows = Array.from({ length: n }, (_, i) => ({ timestamp: f.timestamps[from + i]!, result: { bytes: f.values[from + i]!, pkts: i % 7 } }));
      out.push([`${f.name} last ${n}`, rows]);
    }
  }
  return out;
}

async function fingerprints(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const stateless = appOf(shallow);
  for (const [name, rows] of series()) {
    out[`${name}: form data`] = sha(await answer(stateless, new URLSearchParams({ data: b64(rows) }).toString(), "application/x-www-form-urlencoded"));
    out[`${name}: json rows`] = sha(await answer(stateless, JSON.stringify({ data: rows }), "application/json"));
  }
  const dir = mkdtempSync(join(tmpdir(), "traffic-answers-"));
  try {
    const memory = SeriesMemory.open(join(dir, "series.sqlite"), { maxSeries: 100, maxBytes: 1 << 30 });
    const remembering = appOf(new RememberingModel(shallow, memory));
    for (const [name, rows] of series().filter(([, r]) => r.length >= 1440)) {
      const n = rows.length === 1440 ? 1000 : 8000, polls = 8;
      const texts: string[] = [];
      for (let p = 0; p < polls; p++) {
        const window = rows.slice(p * 32, n + p * 32);
        const form = new URLSearchParams({ data: b64(window), series: name }).toString();
        texts.push(await answer(remembering, form, "application/x-www-form-urlencoded"));
      }
      texts.push(historyToText(memory.recall(namedSeriesKey(name, "bytes"))!));
      out[`${name}: memory, ${polls} polls`] = sha(texts.join("\n"));
    }
    memory.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const [mode, file] = process.argv.slice(2);
const started = performance.now();
const got = await fingerprints();
await pool.close();
const all = sha(Object.entries(got).map(([k, v]) => `${k} ${v}`).join("\n"));
console.log(`${Object.keys(got).length} answers, fingerprint ${all} (${((performance.now() - started) / 1000).toFixed(1)} s; the helper thread took ${pool.counts.started} jobs, ${pool.counts.finishedHere} finished here after a stall)`);
if (mode === "--save") writeFileSync(file!, JSON.stringify(got, null, 1));
else if (mode === "--check") {
  const want = JSON.parse(readFileSync(file!, "utf8")) as Record<string, string>;
  const differ = Object.keys({ ...want, ...got }).filter((k) => want[k] !== got[k]);
  for (const k of differ) console.log(`DIFFERS: ${k}`);
  if (differ.length) process.exit(1);
  console.log("identical to", file);
} else for (const [k, v] of Object.entries(got)) console.log(`${v.slice(0, 16)}  ${k}`);
