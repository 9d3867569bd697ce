// import-keras of the original's traffic.keras and export-keras back to a .keras archive.
// Tolerance 1e-5 (absolute) against golden/keras_traffic_forward.json `expected`: that reference
// is a float64 numpy forward pass rounded to 9 decimals, we compute in float32 (tfjs), whose
// rounding through 2 LSTMs of 32 steps stays near 1e-6 (README: "a float32 port matches to about
// 1e-6"). Re-import after export must be bit-identical: the same float32 weights go in.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath, readFixtureJson } from "../support/fixtures";
import { spawnSync } from "node:child_process";
import { unzipSync, strFromU8 } from "fflate";
import { importKeras, exportKeras } from "../../src/deep/files/keras-io";
import { readModelDir } from "../../src/deep/files/model-files";
import { loadTfModel } from "../../src/deep/inference/runtime-model";
import { reconstructRows } from "../../src/deep/inference/detect";
import { matrix } from "../../src/deep/matrix";
import { loadFastModel } from "../../src/deep/inference/runtime-model";

const kerasFile = fixturePath("upstream/traffic.keras");
const golden = readFixtureJson("golden/keras_traffic_forward.json");
const goldenInput = Float32Array.from(golden.cases.testdata.input.flat(2) as number[]);
const goldenExpected = golden.cases.testdata.expected.flat(2) as number[];
// The golden slices laid end to end: 64 rows, slices at rows 0 and 32.
const goldenBatch = { rows: matrix(64, 20, goldenInput), starts: [0, 32], length: 32 };
const root = mkdtempSync(join(tmpdir(), "rbao-keras-test-"));
const modelsDir = join(root, "models");

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.is(a.length, b.length, "lengths");
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test("import-keras makes a model whose forward pass equals the numpy reference within 1e-5 (wasm)", async () => {
  await importKeras({ kerasFile, name: "orig", modelsDir });
  const files = readModelDir(join(modelsDir, "orig"));
  assert.is(files.metadata.weekdayEncoding, "drop-first-present", "imported models keep the original's weekday encoding");
  assert.is(files.metadata.windowSize, 16);
  assert.is(files.metadata.avgLoss, 0.004971476081581194);
  const model = await loadTfModel(files, "wasm");
  const out = await model.reconstruct(goldenBatch);
  const err = maxAbsDiff(out, goldenExpected);
  assert.ok(err <= 1e-5, `max abs error ${err}`);
  model.dispose();
});

test("the same on the cpu backend", async () => {
  const model = await loadTfModel(readModelDir(join(modelsDir, "orig")), "cpu");
  const err = maxAbsDiff(await model.reconstruct(goldenBatch), goldenExpected);
  assert.ok(err <= 1e-5, `max abs error ${err}`);
  model.dispose();
});

test("the plain forward pass matches the numpy reference within 1e-5 too (float32 SIMD and float64)", async () => {
  for (const simd of [true, false]) {
    const model = loadFastModel(readModelDir(join(modelsDir, "orig")), { simd });
    const err = maxAbsDiff(await model.reconstruct(goldenBatch), goldenExpected);
    assert.ok(err <= 1e-5, `simd ${simd}: max abs error ${err}`);
  }
});

test("features of the test data through the imported model reproduce the golden slice (rows 0-15: one slice)", async () => {
  const files = readModelDir(join(modelsDir, "orig"));
  const rows = readFixtureJson("upstream/outliers_test_data.json");
  const model = await loadTfModel(files, "wasm");
  const r = await reconstructRows(rows, files.metadata, model.reconstruct);
  assert.is(r.output.rows, 60);
  // The golden input is exactly our rescaled features (float32-rounded) for rows 0-31.
  assert.ok(maxAbsDiff(Float32Array.from(r.input.data.subarray(0, 32 * 20)), goldenInput.subarray(0, 32 * 20)) === 0, "same input");
  // Rows 0-15 are covered by slice 0 only, so their reconstruction is slice 0's output.
  assert.ok(maxAbsDiff(r.output.data.subarray(0, 16 * 20), goldenExpected.slice(0, 16 * 20)) <= 1e-5);
  model.dispose();
});

test("export-keras writes the original's layout; re-import gives identical weights and outputs", async () => {
  const out = join(root, "exported.keras");
  await exportKeras({ files: readModelDir(join(modelsDir, "orig")), kerasFile: out, now: new Date("2026-01-02T03:04:05Z") });
  const zip = unzipSync(readFileSync(out));
  assert.equal(Object.keys(zip).sort(), ["config.json", "metadata.json", "model.weights.h5"]);
  const original = unzipSync(readFileSync(kerasFile));
  assert.equal(JSON.parse(strFromU8(zip["config.json"])), JSON.parse(strFromU8(original["config.json"])));
  assert.equal(JSON.parse(strFromU8(zip["metadata.json"])), { keras_version: "2.15.0", date_saved: "2026-01-02@03:04:05" });
  assert.ok(existsSync(join(root, "exported.ini")), "ini beside the .keras");
  // Same dataset paths under layers/ as Keras wrote them.
  const h5paths = async (bytes: Uint8Array) => {
    const h5 = (await import("h5wasm/node")).default;
    await h5.ready;
    const f = join(mkdtempSync(join(tmpdir(), "rbao-h5-")), "w.h5");
    (await import("node:fs")).writeFileSync(f, bytes);
    const file = new h5.File(f, "r");
    const paths = file.paths().filter((p) => p.startsWith("/layers")).sort();
    file.close();
    return { paths, superblockVersion: bytes[8] };
  };
  const mine = await h5paths(zip["model.weights.h5"]), theirs = await h5paths(original["model.weights.h5"]);
  assert.equal(mine.paths, theirs.paths);
  assert.is(mine.superblockVersion, theirs.superblockVersion, "HDF5 superblock version (libver earliest, as h5py writes)");

  await importKeras({ kerasFile: out, name: "again", modelsDir });
  const a = readModelDir(join(modelsDir, "orig")), b = readModelDir(join(modelsDir, "again"));
  assert.equal(b.metadata, a.metadata);
  b.weights.forEach((w, i) => assert.ok(Buffer.from(w.buffer).equals(Buffer.from(a.weights[i].buffer)), `weight ${i}`));
  const [ma, mb] = [await loadTfModel(a, "wasm"), await loadTfModel(b, "wasm")];
  assert.equal(Array.from(await mb.reconstruct(goldenBatch)), Array.from(await ma.reconstruct(goldenBatch)));
});

test("CLI: import-keras and export-keras run as subcommands", () => {
  const dataDir = join(root, "cli-data");
  const cli = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8", cwd: new URL("../..", import.meta.url).pathname });
  const imp = cli(["import-keras", kerasFile, "--name", "traffic_orig", "--data-dir", dataDir]);
  assert.is(imp.status, 0, imp.stderr);
  assert.ok(existsSync(join(dataDir, "models/traffic_orig/weights.bin")));
  const exp = cli(["export-keras", "traffic_orig", join(root, "cli.keras"), "--data-dir", dataDir]);
  assert.is(exp.status, 0, exp.stderr);
  assert.ok(existsSync(join(root, "cli.keras")));
  const bad = cli(["import-keras", kerasFile, "--name", "../evil", "--data-dir", dataDir]);
  assert.is(bad.status, 2);
  const missing = cli(["export-keras", "nope", join(root, "x.keras"), "--data-dir", dataDir]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /no model 'nope'/);
});

test.run();
