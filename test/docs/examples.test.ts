// The documents' shell examples work as written (issue 13 part 4): every ```sh block of README.md
// and docs/*.md runs in bash against the real service (spawned from source, or RB_AIOUTLIERS_CMD)
// and a stand-in Druid broker, on the example data of docs/examples/example-data.mjs: a day and
// a week of one-minute traffic. Blocks an operator cannot run here (installing, building, long
// benchmarks) are fenced ```sh-norun; every block must say which it is. Only the ports differ
// from the text: the service listens on free ones and the blocks' :39091 and :8080 are mapped to
// them. curl gets a .curlrc that ends each answer with its status and bounds each transfer, so
// every answer is checked and nothing can hang.
import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService, type RunningService } from "../support/service-process";
import { startStandInBroker, type StandInBroker } from "../traffic/druid-stand-in";
import { documents, readMarkdown, repoRoot, type FencedBlock } from "./markdown";

interface Answer { status: number; body: any }
interface Dataset { days: number; dir: string; rows: { timestamp: string; result: { bytes: number } }[]; spikes: string[] }
type Check = (answers: Answer[], data: Dataset) => void;

const BLOCK_TIMEOUT_MS = 90_000;
const work = mkdtempSync(join(tmpdir(), "rbao-docs-"));
let svc: RunningService;
let broker: StandInBroker;

function sh(script: string, cwd: string): Promise<string> {
  const curlHome = join(work, "curl");
  const env = { ...process.env, CURL_HOME: curlHome, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
  return new Promise((resolve, reject) => {
    execFile("bash", ["-euo", "pipefail", "-c", script], { cwd, env, timeout: BLOCK_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 256 << 20 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr.slice(-2000)}`)) : resolve(stdout)));
  });
}

/** The block as run: the documented ports mapped to the running service's. */
function runnable(block: FencedBlock): string {
  const port = (url: string) => new URL(url).port;
  return block.text
    .replace(/(?:127\.0\.0\.1|localhost):39091\b/g, `127.0.0.1:${port(svc.trafficUrl)}`)
    .replace(/(?:127\.0\.0\.1|localhost):8080\b/g, `127.0.0.1:${port(svc.stationUrl)}`);
}

/** Each curl's answer: its body, then the "\n<status>\n" the .curlrc writes after it. */
function answers(stdout: string): Answer[] {
  const out: Answer[] = [];
  const re = /([\s\S]*?)\n(\d{3})\n/y;
  let m: RegExpExecArray | null, end = 0;
  while ((m = re.exec(stdout))) {
    out.push({ status: Number(m[2]), body: m[1] === "" ? null : JSON.parse(m[1]) });
    end = re.lastIndex;
  }
  assert.is(end, stdout.length, `output not made of curl answers: ${stdout.slice(end, end + 300)}`);
  return out;
}

/** Writes the example files of `days` days into dir/example, as the documents tell. */
function generate(dir: string, days: number): Promise<string> {
  const args = ["docs/examples/example-data.mjs", ...(days === 1 ? [] : ["--days", String(days)]), "--out", join(dir, "example")];
  return sh(`node ${args.join(" ")}`, repoRoot);
}

/** The example files in dir/example, and where their spikes are. */
function readDataset(dir: string, days: number): Dataset {
  const rows = JSON.parse(readFileSync(join(dir, "example", "druid-answer.json"), "utf8"));
  const last = Date.UTC(2024, 4, 20 + days - 1);
  const spikes = [6, 12, 18].map((h) => new Date(last + h * 3_600_000).toISOString());
  return { days, dir, rows, spikes };
}

/** A default-model answer for the example traffic: the three spikes, a forecast per row. */
function assertSpikesFound(a: Answer, data: Dataset, model = "default") {
  assert.is(a.status, 200, JSON.stringify(a.body).slice(0, 300));
  assert.is(a.body.status, "success");
  assert.is(a.body.model, model);
  assert.is(a.body.metric, "bytes");
  assert.is(a.body.predicted.length, data.rows.length);
  assert.equal(a.body.predicted.map((p: { timestamp: string }) => p.timestamp), data.rows.map((r) => r.timestamp));
  for (const p of a.body.predicted) assert.ok(Number.isFinite(p.forecast));
  if (model !== "default") return;
  // The default model flags a row when the streaming detector finds it more surprising than what
  // the window showed before (docs/traffic.md, "default (shallow)"): no false alarm, the first
  // spike flagged, and every spike's score among the most anomalous rows the answer may report
  // (ceil(contamination·(n − 1)) with the default 0.01), all three flagged, on a day (the detector
  // rehearses the day's first 18 hours; the 18:00 spike is the first row of its second pass) as on a week.
  const flagged = a.body.anomalies.map((x: { timestamp: string }) => x.timestamp);
  assert.equal(flagged, data.spikes, "every spike is flagged, nothing else");
  const ranked = [...a.body.predicted].sort((x: { score: number }, y: { score: number }) => y.score - x.score);
  const top = new Set(ranked.slice(0, Math.ceil(0.01 * (data.rows.length - 1))).map((p: { timestamp: string }) => p.timestamp));
  for (const t of data.spikes) assert.ok(top.has(t), `spike ${t} is among the top-scored rows`);
  for (const x of a.body.anomalies) {
    assert.is(x.value, data.rows.find((r) => r.timestamp === x.timestamp)!.result.bytes);
    assert.ok(x.expected < x.value / 2, "a spike of ×4 is expected at well under half its value");
  }
}

const bodyText = (a: Answer) => JSON.stringify(a.body);

/** The checks of each document's sh blocks, in order. */
const checks: Record<string, Check[]> = {
  "README.md": [
    // Quick start: traffic answer, /initialize, /detection (a day; the block makes its own data).
    ([traffic, init, detection], data) => {
      assertSpikesFound(traffic, data);
      assert.equal(init, { status: 200, body: { status: "Ok" } });
      // As README shows: humidity's jump at noon, nothing else (the default detector's learning
      // period is the window, 32 samples, and it raises no alarm when it ends).
      assert.equal(detection, { status: 200, body: { status: "Ok", outliers: [{ id_estacio: "station_1", variable: "humidity", dates: ["2024-05-20 12:00:00"] }] } });
    },
  ],
  "docs/stations.md": [
    // initialize (kalman-batch), a day of samples, the outliers read back, health, delete.
    ([init, detection, stored, health, removed], data) => {
      const noon = `${data.spikes[1].slice(0, 10)} 12:00:00`;
      assert.equal(init, { status: 200, body: { status: "Ok" } });
      assert.equal(detection, { status: 200, body: { status: "Ok", outliers: [{ id_estacio: "station_1", variable: "humidity", dates: [noon] }] } });
      assert.is(stored.status, 200);
      // The station's recent outliers, those of earlier blocks (README's quick start) included.
      const atNoon = stored.body.outliers.filter((o: { variable: string; timestamp: string }) => o.variable === "humidity" && o.timestamp === noon);
      assert.ok(atNoon.some((o: { score: number }) => Math.abs(o.score) > 0.8), `an isolation-forest score beyond 0.8: ${JSON.stringify(stored.body)}`);
      assert.is(health.status, 200);
      assert.is(health.body.status, "ok");
      assert.equal(removed, { status: 200, body: { status: "Ok" } });
    },
  ],
  "docs/traffic.md": [
    // POST /api/v1/outliers in its forms: query, data file, data pipe + model, multipart, JSON.
    (all, data) => {
      assert.is(all.length, 5);
      const [query, file, deep, multipart, json] = all;
      for (const a of [query, file, multipart, json]) assertSpikesFound(a, data);
      assertSpikesFound(deep, data, "traffic");
      assert.is(bodyText(file), bodyText(query), "the same rows from Druid or from data give the same answer");
      assert.is(bodyText(multipart), bodyText(file));
      assert.is(bodyText(json), bodyText(query));
      const sent = JSON.parse(readFileSync(join(data.dir, "example", "query.json"), "utf8"));
      assert.equal(broker.queries.slice(-2), [sent, sent], "both query examples reach the broker unchanged");
    },
    // ip_identifier: the address that spiked.
    ([a]) => assert.equal(a, { status: 200, body: { ips: [{ caused_by: ["10.1.1.2"] }] } }),
  ],
};

const shBlocks = documents().flatMap((f) => readMarkdown(f).blocks.filter((b) => b.lang === "sh"));

test.before(async () => {
  mkdirSync(join(work, "curl"));
  writeFileSync(join(work, "curl", ".curlrc"), 'write-out = "\\n%{http_code}\\n"\nmax-time = 60\nconnect-timeout = 5\n');
  broker = await startStandInBroker({ kind: "json", body: [] });
  // Series memory off: the day and the week are served under the same query with different values
  // at the same times, and the memory (tested on its own in test/traffic/) would rightly answer the
  // week's older rows from the day's decisions, as for a broker whose past does not change.
  svc = await startService({ configIni: `[Druid]\ndruid_endpoint = ${broker.endpoint}\n[Outliers]\ntraining_enabled = false\n[ShallowOutliers]\nmemory = false\n` });
});

test.after(async () => {
  await svc?.stop();
  await broker?.close();
  rmSync(work, { recursive: true, force: true });
});

test("every fenced block says what it is; every sh block has a check here", () => {
  const untagged = documents().flatMap((f) => readMarkdown(f).blocks.filter((b) => b.lang === "").map((b) => `${b.file}:${b.line}`));
  assert.equal(untagged, [], "tag each block: sh (run by this test), sh-norun, json, text, ...");
  const counted = Object.fromEntries(Object.keys(checks).map((f) => [f, 0]));
  for (const b of shBlocks) counted[b.file] = (counted[b.file] ?? 0) + 1;
  assert.equal(counted, Object.fromEntries(Object.entries(checks).map(([f, c]) => [f, c.length])));
});

for (const [file, fileChecks] of Object.entries(checks)) {
  const blocks = shBlocks.filter((b) => b.file === file);
  // README's quick start makes a day of data itself, from the repository's root (a folder with
  // the docs in it); the others run in the example folder, once with a day and once with a week.
  const quickStart = file === "README.md";
  blocks.forEach((block, i) => {
    for (const days of quickStart ? [1] : [1, 7]) {
      test(`${file}:${block.line} runs as written (${days === 1 ? "a day" : "a week"} of one-minute data)`, async () => {
        const dir = join(work, `${file.replace(/\W/g, "_")}-${block.line}-${days}`);
        mkdirSync(dir);
        if (quickStart) symlinkSync(join(repoRoot, "docs"), join(dir, "docs"));
        else {
          await generate(dir, days);
          broker.reply = { kind: "json", body: readDataset(dir, days).rows };
        }
        const stdout = await sh(runnable(block), quickStart ? dir : join(dir, "example"));
        fileChecks[i](answers(stdout), readDataset(dir, days));
      });
    }
  });
}

test.run();
