// The contract every traffic model fulfils (src/detect/traffic-model.ts), run for the default
// shallow model (alone and with series memory, asked about one series) and every deep model the
// service serves (the bundled ones, through the catalog
// as the service loads them), as pipeline-contract.test.ts does for the streaming pipelines: one
// forecast per row in input order, anomalies that are rows of the input with their forecast and
// value, determinism, the input left as it was, too short an input refused with ModelInputError
// (a 400, never a 500), and, for a model with the fast path (judgeColumn), the same verdict as run().
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeepModelCatalog } from "../../src/deep/inference/catalog";
import { modelLoader } from "../../src/deep/inference/runtime-model";
import { syntheticTraffic, injectAnomalies } from "../../build/synthetic-traffic";
import { epochMs } from "../../src/detect/iso-time";
import { ModelInputError } from "../../src/detect/model-catalog";
import { ShallowModel } from "../../src/detect/shallow-model";
import type { TrafficModel } from "../../src/detect/traffic-model";
import { RememberingModel, SeriesMemory } from "../../src/traffic/series-memory";

const deep = new DeepModelCatalog({ modelsDir: mkdtempSync(join(tmpdir(), "rbao-contract-")), thresholdK: 5, load: modelLoader("auto") });
const memory = SeriesMemory.open(":memory:", { maxSeries: 10, maxBytes: 1e9 });
const shallow = new ShallowModel({ contamination: 0.01, sensitivity: 0.95 });
const models: [string, TrafficModel][] = [["default", shallow], ["default with series memory", new RememberingModel(shallow, memory)]];
for (const info of deep.list()) models.push([info.name, (await deep.get(info.name))!.model]);

// A synthetic day of minutes with every traffic metric, floods and an outage injected, so every
// model has something to flag.
const t0 = Date.parse("2024-03-14T00:00:00Z");
const { rows } = injectAnomalies(syntheticTraffic(20240601, t0, t0 + 86_400_000, 60),
  [{ start: 300, length: 15, factor: 50 }, { start: 900, length: 20, factor: 0.01 }], 60);
const METRIC = "bytes";
/** Every request is about this series (models without series memory ignore it). */
const SERIES = "contract";

test("the deep catalog serves at least the bundled model", () => {
  assert.ok(models.length >= 3, `models: ${models.map(([label]) => label).join(", ")}`);
});

for (const [label, model] of models) {
  test(`${label}: a forecast per row in order; anomalies are input rows with their forecast; deterministic; input untouched`, async () => {
    assert.ok(model.name.length > 0);
    const before = JSON.stringify(rows);
    const r = await model.run(rows, METRIC, SERIES);
    assert.is(JSON.stringify(rows), before, "the rows are not changed");
    assert.is(r.predicted.length, rows.length);
    r.predicted.forEach((p, i) => {
      assert.is(p.timestamp, rows[i]!.timestamp, `row ${i}`);
      assert.ok(Number.isFinite(p.forecast), `row ${i}: forecast ${p.forecast}`);
    });
    const index = new Map(rows.map((row, i) => [row.timestamp, i]));
    let last = -1;
    for (const a of r.anomalies) {
      const i = index.get(a.timestamp);
      assert.ok(i !== undefined && i > last, `anomaly ${a.timestamp} is an input row, in input order, once`);
      last = i!;
      assert.is(a.value, rows[i!]!.result[METRIC]);
      assert.is(a.expected, r.predicted[i!]!.forecast);
    }
    assert.ok(r.anomalies.length > 0, "the injected flood is flagged");
    assert.equal(await model.run(rows, METRIC, SERIES), r, "the same answer again");
  });

  test(`${label}: too short a series is a ModelInputError that says what to send`, async () => {
    try {
      await model.run(rows.slice(0, 1), METRIC, SERIES);
      assert.unreachable("one row was judged");
    } catch (e) {
      assert.instance(e, ModelInputError);
      assert.match((e as Error).message, /at least \d+/);
    }
  });

  if (model.judgeColumn) {
    const judgeColumn = model.judgeColumn.bind(model);
    test(`${label}: the fast path (judgeColumn) gives run()'s verdict`, async () => {
      const r = await model.run(rows, METRIC, SERIES);
      const j = judgeColumn(rows.map((row) => row.result[METRIC]!), Float64Array.from(rows, (row) => epochMs(row.timestamp)), SERIES);
      assert.equal(Array.from(j.expected), r.predicted.map((p) => p.forecast));
      assert.equal(Array.from(j.scores), r.predicted.map((p) => p.score));
      const flagged = new Set(r.anomalies.map((a) => a.timestamp));
      assert.equal(j.anomalous, rows.map((row) => flagged.has(row.timestamp)));
      assert.throws(() => judgeColumn([1], Float64Array.of(epochMs(rows[0]!.timestamp)), SERIES), (e: unknown) => e instanceof ModelInputError);
    });
  }
}

test.after(() => { deep.close(); memory.close(); });
test.run();
