// Models shared through S3, on a real S3-protocol server (s3rver on loopback): versions published
// with a manifest written last, read back checked, old versions deleted past versions_kept,
// rollback, a stale publisher refused, and the sync refusing a corrupt object (naming it) while
// the previous model keeps its place in the models dir; mixed clusters: the original's latest/
// layout imported when there is no manifest, and written back with write_original_layout.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { s3Store, type ObjectStore } from "../../src/cluster/object-store";
import { ModelStore } from "../../src/cluster/model-store";
import { ModelSync } from "../../src/cluster/model-sync";
import { readBundledModel } from "../../src/deep/files/bundled-models";
import type { ModelFiles } from "../../src/deep/files/model-files";
import { readKerasArchive } from "../../src/deep/files/keras-archive";
import { readModelDir } from "../../src/deep/files/model-files";
import { readOriginal } from "../../src/cluster/original-layout";
import { sha256 } from "../../src/cluster/manifest";
import { fixturePath } from "../support/fixtures";
import { startS3, type S3Server } from "../support/cluster-servers";
import { spawn } from "node:child_process";
import { serviceCommand } from "../support/service-process";

let s3: S3Server;
let objects: ObjectStore;
test.before(async () => {
  s3 = await startS3();
  objects = await s3Store({ endpoint: s3.endpoint, tls: false, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1", bucket: s3.bucket, timeoutMs: 5000 });
});
test.after(async () => { await s3.stop(); });

const base = readBundledModel("traffic");
/** The bundled model with its first weight scaled: a different, still valid version. */
const variant = (k: number): ModelFiles => ({ ...base, weights: base.weights.map((w, i) => (i === 0 ? w.map((x) => x * k) : w)) });

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { log, lines };
}

test("publish, fetch back exactly, keep versions_kept, roll back, refuse a stale version", async () => {
  const store = new ModelStore(objects, { prefix: "p1/", kept: 2, box: "box-a" });
  assert.is(await store.manifest("traffic"), undefined);
  assert.is(await store.publish("traffic", variant(1)), 1, "no Redis: one past the newest");
  assert.is(await store.publish("traffic", variant(2), 5), 5, "with Redis: the lease's fence");
  const m = (await store.manifest("traffic"))!;
  assert.equal([m.current, m.versions.map((v) => v.version)], [5, [5, 1]]);
  assert.ok(m.versions[0].files["traffic.keras"], "a .keras export is published beside our files");
  const got = await store.fetch("traffic", m);
  assert.equal(Array.from(got.weights[0].slice(0, 4)), Array.from(variant(2).weights[0].slice(0, 4)));
  await store.publish("traffic", variant(3), 7);
  assert.equal((await store.manifest("traffic"))!.versions.map((v) => v.version), [7, 5], "two kept");
  assert.is(await objects.get("p1/models/traffic/v1/weights.bin"), undefined, "version 1's objects deleted");
  assert.equal(await store.rollback("traffic"), { from: 7, to: 5 });
  assert.is((await store.manifest("traffic"))!.current, 5);
  await store.rollback("traffic", 7).then(() => {}, (e) => assert.unreachable(String(e)));
  await store.rollback("traffic", 1).then(() => assert.unreachable("version 1 is not kept"), (e: Error) => assert.match(e.message, /no version 1; kept: 7, 5/));
  await store.publish("traffic", variant(4), 6).then(() => assert.unreachable("stale"), (e: Error) => assert.match(e.message, /version 6 of 'traffic' is not newer than 7/));
});

test("the sync installs the current version, refuses a corrupt one naming the object, and follows a rollback", async () => {
  const store = new ModelStore(objects, { prefix: "p2/", kept: 3, box: "box-a" });
  const modelsDir = mkdtempSync(join(tmpdir(), "rbao-models-"));
  const { log, lines } = capture();
  const sync = new ModelSync({ store, modelsDir, backupsDir: mkdtempSync(join(tmpdir(), "rbao-backups-")), names: ["traffic"], intervalMs: 60_000, log });
  await store.publish("traffic", variant(1), 1);
  await sync.pollOnce();
  const weights = () => readFileSync(join(modelsDir, "traffic", "weights.bin"));
  const v1 = weights();
  assert.equal(sync.health().versions, { traffic: 1 });
  await store.publish("traffic", variant(2), 2);
  await objects.put("p2/models/traffic/v2/weights.bin", new Uint8Array(v1.byteLength)); // same size, other bytes
  await sync.pollOnce();
  assert.ok(weights().equals(v1), "the previous model stays");
  const refused = lines.find((l) => l.msg === "model from S3 refused; the previous version keeps serving");
  assert.match(String(refused?.err), /models\/p2\/models\/traffic\/v2\/weights\.bin: SHA-256 differs from the manifest's; refused/);
  assert.equal(sync.health().versions, { traffic: 1 });
  await store.publish("traffic", variant(3), 3);
  await sync.pollOnce();
  assert.not.ok(weights().equals(v1), "version 3 installed");
  await store.rollback("traffic", 1);
  await sync.pollOnce();
  assert.ok(weights().equals(v1), `rolled back to version 1: ${JSON.stringify(lines.slice(-3))} ${JSON.stringify(sync.health())}`);
  assert.is(sync.health().state, "ok");
});

test("S3 stopped: the sync says unreachable and keeps the model; reached again when S3 is back", async () => {
  const store = new ModelStore(objects, { prefix: "p3/", kept: 3, box: "box-a" });
  const modelsDir = mkdtempSync(join(tmpdir(), "rbao-models-"));
  const { log, lines } = capture();
  const sync = new ModelSync({ store, modelsDir, backupsDir: mkdtempSync(join(tmpdir(), "rbao-backups-")), names: ["traffic"], intervalMs: 60_000, log });
  await store.publish("traffic", variant(1), 1);
  await sync.pollOnce();
  await s3.stop();
  await sync.pollOnce();
  assert.is(sync.health().state, "unreachable");
  assert.ok(lines.some((l) => l.msg === "S3 cannot be reached; models stay as they are"));
  assert.ok(readFileSync(join(modelsDir, "traffic", "weights.bin")).byteLength > 0);
  await s3.start();
  await sync.pollOnce();
  assert.is(sync.health().state, "ok");
});

test("models rollback <name> [version] (CLI): goes back cluster-wide; an unknown version lists the kept ones, exit 1", async () => {
  const store = new ModelStore(objects, { prefix: "p4/", kept: 3, box: "box-a" });
  await store.publish("traffic", variant(1), 1);
  await store.publish("traffic", variant(2), 2);
  const [cmd, ...pre] = serviceCommand();
  const env = {
    ...process.env, RB_AIOUTLIERS_AWS_S3_HOSTNAME: s3.endpoint, RB_AIOUTLIERS_AWS_S3_BUCKET: s3.bucket, RB_AIOUTLIERS_AWS_KEY_PREFIX: "p4/",
    RB_AIOUTLIERS_AWS_S3_PUBLIC_KEY: "S3RVER", RB_AIOUTLIERS_AWS_S3_PRIVATE_KEY: "planted-cli-secret",
  };
  // Not spawnSync: s3rver runs in this process and must keep answering.
  const cli = (...args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const c = spawn(cmd, [...pre, "models", "rollback", ...args], { env, timeout: 60_000 });
    let stdout = "", stderr = "";
    c.stdout.on("data", (b) => (stdout += b));
    c.stderr.on("data", (b) => (stderr += b));
    c.on("close", (status) => resolve({ status, stdout, stderr }));
  });
  const ok = await cli("traffic");
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /traffic: version 2 -> 1/);
  assert.is((await store.manifest("traffic"))!.current, 1);
  const bad = await cli("traffic", "9");
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /'traffic' has no version 9; kept: 2, 1/);
  assert.not.match(ok.stdout + ok.stderr + bad.stdout + bad.stderr, /planted/);
});

test("mixed cluster: the original's latest/<model>.keras, .ini, _filter.json are imported and served until a version of ours; write_original_layout writes them back", async () => {
  const keras = readFileSync(fixturePath("upstream/traffic.keras"));
  const filter = { type: "selector", dimension: "sensor_name", value: "ASR" };
  await objects.put("p5/latest/traffic.keras", keras);
  await objects.put("p5/latest/traffic.ini", readFileSync(fixturePath("upstream/traffic.ini")));
  await objects.put("p5/latest/traffic_filter.json", Buffer.from(JSON.stringify(filter)));
  const store = new ModelStore(objects, { prefix: "p5/", kept: 3, box: "box-a", writeOriginalLayout: true });
  const modelsDir = mkdtempSync(join(tmpdir(), "rbao-models-"));
  const { log, lines } = capture();
  const sync = new ModelSync({ store, modelsDir, backupsDir: mkdtempSync(join(tmpdir(), "rbao-backups-")), names: ["traffic"], intervalMs: 60_000, log });
  await sync.pollOnce();
  await sync.pollOnce();
  const imported = lines.filter((l) => l.msg === "model from the original's S3 layout installed");
  assert.is(imported.length, 1, "imported once; the second poll sees the same .keras");
  const served = readModelDir(join(modelsDir, "traffic"));
  const original = await readKerasArchive(keras);
  assert.equal(Array.from(served.weights[0]), Array.from(original.weights[0]), "the original's weights, exactly");
  assert.equal([served.metadata.windowSize, served.metadata.weekdayEncoding, served.filter], [16, "drop-first-present", filter], "its ini (the original's weekday encoding) and filter");
  assert.equal(sync.health().original_layout, { traffic: sha256(keras).slice(0, 12) });

  // Our box publishes: the manifest of ours wins from now on, and the original's layout is rewritten.
  const v = await store.publish("traffic", variant(2));
  const m = (await store.manifest("traffic"))!;
  const written = (await objects.get("p5/latest/traffic.keras"))!;
  assert.is(sha256(written), m.versions[0].files["traffic.keras"].sha256, "latest/traffic.keras is the version's own .keras export");
  const back = await readOriginal(objects, "p5/", "traffic");
  assert.ok(back && back !== "unchanged");
  assert.equal(Array.from(back.files.weights[0]), Array.from(variant(2).weights[0]), "the original layout reads back as the published model");
  assert.equal([back.files.metadata, back.files.filter], [base.metadata, base.filter]);
  await sync.pollOnce();
  assert.equal([sync.health().versions, sync.health().original_layout], [{ traffic: v }, undefined]);
  assert.equal(Array.from(readModelDir(join(modelsDir, "traffic")).weights[0]), Array.from(variant(2).weights[0]));
});

test("mixed cluster: a .keras without its .ini is refused naming the object, the model in place keeps serving", async () => {
  await objects.put("p6/latest/traffic.keras", readFileSync(fixturePath("upstream/traffic.keras")));
  const store = new ModelStore(objects, { prefix: "p6/", kept: 3, box: "box-a" });
  const modelsDir = mkdtempSync(join(tmpdir(), "rbao-models-"));
  const { log, lines } = capture();
  const sync = new ModelSync({ store, modelsDir, backupsDir: mkdtempSync(join(tmpdir(), "rbao-backups-")), names: ["traffic"], intervalMs: 60_000, log });
  await sync.pollOnce();
  const refused = lines.find((l) => l.msg === "model from S3 refused; the previous version keeps serving");
  assert.match(String(refused?.err), /p6\/latest\/traffic\.ini: missing/);
  assert.equal([sync.health().state, sync.health().original_layout], ["ok", undefined]);
  await store.publish("traffic", variant(1));
  assert.is(await objects.get("p6/latest/traffic.ini"), undefined, "write_original_layout off: nothing written under latest/");
});

test.run();
