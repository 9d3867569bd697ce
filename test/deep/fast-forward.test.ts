// The plain-TypeScript forward pass (src/deep/fast-forward.ts, float64) against tfjs (float32) on
// real traffic: the upstream test files through the imported original model. Tolerance 1e-5
// absolute: both are within ~1e-6 of the float64 numpy reference (keras-import.test.ts), so
// their difference is float32 rounding in tfjs, not a different computation.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importKeras } from "../../src/deep/keras-io";
import { loadFastModel, loadTfModel } from "../../src/deep/runtime-model";
import { reconstructRows } from "../../src/deep/detect";
import type { TimeseriesRow } from "../../src/detect/traffic-model";

const shared = new URL("../../../shared/", import.meta.url).pathname;
const read = (f: string) => JSON.parse(readFileSync(join(shared, "upstream", f), "utf8")) as TimeseriesRow[];

test("fast loops and tfjs-wasm reconstruct the upstream test data alike (|Δ| <= 1e-5)", async () => {
  const files = await importKeras({ kerasFile: join(shared, "upstream/traffic.keras"), name: "orig", modelsDir: mkdtempSync(join(tmpdir(), "rbao-ff-")) });
  const fast = loadFastModel(files), tf = await loadTfModel(files, "wasm");
  const example = read("example_data.json");
  // Three days: the data repeated with shifted timestamps, so several weekdays are present.
  const multiDay = [0, 1, 2].flatMap((d) => example.map((r) => ({ ...r, timestamp: new Date(Date.parse(r.timestamp) + d * 86_400_000).toISOString() })));
  for (const rows of [read("outliers_test_data.json"), example, multiDay]) {
    const a = await reconstructRows(rows, files.metadata, fast.reconstruct);
    const b = await reconstructRows(rows, files.metadata, tf.reconstruct);
    let max = 0;
    for (let i = 0; i < a.output.data.length; i++) max = Math.max(max, Math.abs(a.output.data[i] - b.output.data[i]));
    assert.ok(max <= 1e-5, `${rows.length} rows: max |Δ| ${max}`);
    assert.ok(max > 0, "two different computations");
  }
});

test.run();
