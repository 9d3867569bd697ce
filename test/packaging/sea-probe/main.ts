// Entry of a test executable that test:package builds exactly like rb-aioutliers (build/build.mjs)
// and runs in the same chroot, as the service user, under the EL7 kernel simulation. It exercises
// the embedded runtime pieces directly, including those no HTTP suite reaches yet, and prints one
// JSON line: SQLite through the extracted addon with many statements left to the GC (an addon
// built against Node 24.21.0's headers aborted here in each run we saw; ours passes), pino's file
// destination, TensorFlow.js on the wasm backend in this thread and in a worker thread, h5wasm.
// Usage: sea-probe DIR (a writable directory)
import { join } from "node:path";
import { startupSnapshot } from "node:v8";
import { readFileSync } from "node:fs";
import { openSqlite } from "../../../src/runtime/sqlite";
import { createLogs } from "../../../src/runtime/logger";
import { tfjsWasmPaths } from "../../../src/runtime/wasm-assets";
import { startWorker } from "../../../src/runtime/worker";

async function tfjsOnWasm(): Promise<number[]> {
  const tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const paths = tfjsWasmPaths();
  if (!paths) throw new Error("tfjsWasmPaths() is undefined inside the executable");
  wasm.setWasmPaths(paths);
  if (!(await tf.setBackend("wasm"))) throw new Error("wasm backend did not start");
  return Array.from(tf.tensor([1, 2, 3]).mul(tf.scalar(2)).dataSync());
}

function inWorker(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = startWorker(new URL("./probe-worker.ts", import.meta.url));
    w.once("message", (m) => { void w.terminate(); resolve(m); });
    w.once("error", reject);
  });
}

async function main(dir: string) {
  const db = openSqlite(join(dir, "probe.sqlite"));
  db.exec("create table t (x integer)");
  // Statements dropped young, with turns of the event loop in between: V8 then collects them in
  // scavenges it runs as platform tasks, outside any JS context. An addon built against Node
  // >= 24.19 headers aborts there (docs/packaging.md); ours must not.
  db.exec("begin"); // one transaction: the point is 20000 statements for the GC, not 20000 fsyncs
  let garbage = 0;
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 500; i++) db.prepare("insert into t values (?)").run(round * 500 + i);
    const young: object[] = [];
    for (let i = 0; i < 20_000; i++) young.push({ i });
    garbage += young.length;
    await new Promise((r) => setImmediate(r));
  }
  db.exec("commit");
  const rows = (db.prepare("select count(*) as n from t").get() as { n: number }).n;

  const { log } = createLogs({ file: join(dir, "probe.log") });
  log.info({ probe: true }, "probe log line");
  log.flush();

  const tfMain = await tfjsOnWasm();
  const tfWorker = await inWorker();
  const h5 = (await import("h5wasm/node")).default;
  await h5.ready;
  const f = new h5.File(join(dir, "probe.h5"), "w");
  f.create_dataset({ name: "d", data: new Float32Array([1.5, 2.5]) });
  f.close();
  const g = new h5.File(join(dir, "probe.h5"), "r");
  const h5Values = Array.from((g.get("d") as unknown as { value: Float32Array }).value);
  g.close();
  await new Promise((r) => setTimeout(r, 200));
  const logged = readFileSync(join(dir, "probe.log"), "utf8").includes("probe log line");
  console.log(JSON.stringify({ rows, garbage, logged, tfMain, tfWorker, h5Values, execArgv: process.execArgv }));
}

const run = () => { main(process.argv[2] ?? ".").catch((e: unknown) => { console.error(e); process.exitCode = 1; }); };
// Built like the product: with a startup snapshot, this script runs at build time and run() at start.
if (startupSnapshot.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(run);
else run();
