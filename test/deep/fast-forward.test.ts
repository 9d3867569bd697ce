// The plain forward pass (src/deep/inference/fast-forward.ts) on real traffic: the upstream test files
// through the imported original model. Three computations of the same network:
//   f64 — every product and activation in float64 JavaScript (matches the float64 numpy
//         reference to 1.4e-7 on the golden slices, keras-import.test.ts);
//   simd — what the service runs: products and LSTM cells in float32 WebAssembly SIMD;
//   tfjs — tfjs-wasm, float32.
// Each float32 computation must stay within 1e-5 (absolute, outputs in [0, 1]) of the float64
// one: float32 rounding carried through two 32-step LSTMs, measured at ~1e-6 to 6e-6.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath, readFixtureJson } from "../support/fixtures";
import { importKeras } from "../../src/deep/files/keras-io";
import { loadFastModel, loadTfModel } from "../../src/deep/inference/runtime-model";
import { reconstructRows } from "../../src/deep/inference/detect";
import { wasmSimdAvailable } from "../../src/deep/inference/wasm-kernels";
import type { TimeseriesRow } from "../../src/detect/traffic-model";

const read = (f: string) => readFixtureJson(`upstream/${f}`) as TimeseriesRow[];

test("float32 SIMD kernels and tfjs-wasm stay within 1e-5 of the float64 loops on the upstream data", async () => {
  assert.ok(wasmSimdAvailable(), "Node 20 has WebAssembly SIMD");
  const files = await importKeras({ kerasFile: fixturePath("upstream/traffic.keras"), name: "orig", modelsDir: mkdtempSync(join(tmpdir(), "rbao-ff-")) });
  const f64 = loadFastModel(files, { simd: false }), simd = loadFastModel(files), tf = await loadTfModel(files, "wasm");
  const example = read("example_data.json");
  // Three days: the data repeated with shifted timestamps, so several weekdays are present.
  const multiDay = [0, 1, 2].flatMap((d) => example.map((r) => ({ ...r, timestamp: new Date(Date.parse(r.timestamp) + d * 86_400_000).toISOString() })));
  for (const rows of [read("outliers_test_data.json"), example, multiDay]) {
    const ref = (await reconstructRows(rows, files.metadata, f64.reconstruct)).output.data;
    for (const [name, m] of [["simd", simd], ["tfjs", tf]] as const) {
      const out = (await reconstructRows(rows, files.metadata, m.reconstruct)).output.data;
      let max = 0;
      for (let i = 0; i < ref.length; i++) max = Math.max(max, Math.abs(out[i] - ref[i]));
      assert.ok(max <= 1e-5, `${name}, ${rows.length} rows: max |Δ| ${max}`);
      assert.ok(max > 0, `${name}: a different computation from the float64 loops`);
    }
  }
});

test.run();
