import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddedManifest, materialize, readBundledAsset } from "./embedded-assets";
import { tfjsWasmPaths } from "./wasm-assets";

const bytes = (s: string) => new TextEncoder().encode(s);

test("from source nothing is embedded: no manifest, tfjs finds its wasm itself", () => {
  assert.is(embeddedManifest(), undefined);
  assert.is(tfjsWasmPaths(), undefined);
});

test("readBundledAsset reads assets/ from the work tree, undefined for a missing file", () => {
  assert.match(readBundledAsset("config.ini")!.toString("utf8"), /\[OutliersServerProduction\]/);
  assert.is(readBundledAsset("no/such/file"), undefined);
});

test("materialize writes once, reuses the file, and drops other hashes of the same asset", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "rbao-assets-")), "cache");
  let reads = 0;
  const read = () => (reads++, bytes("v1"));
  const a = materialize(dir, "addon-0123456789abcdef.node", read);
  assert.is(readFileSync(a, "utf8"), "v1");
  assert.is(materialize(dir, "addon-0123456789abcdef.node", read), a);
  assert.is(reads, 1);
  writeFileSync(join(dir, "other-1111111111111111.wasm"), "keep");
  const b = materialize(dir, "addon-fedcba9876543210.node", () => bytes("v2"));
  assert.is(readFileSync(b, "utf8"), "v2");
  assert.equal(readdirSync(dir).sort(), ["addon-fedcba9876543210.node", "other-1111111111111111.wasm"]);
});

test("materialize refuses a cache dir others can write (native code is loaded from it)", () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-assets-"));
  chmodSync(dir, 0o777);
  assert.throws(() => materialize(dir, "addon-0123456789abcdef.node", () => bytes("x")), /not writable by group or others/);
});

test.run();
