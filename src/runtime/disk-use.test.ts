import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { directoryBytes, filesystemBytes } from "./disk-use";

test("directoryBytes: the files under the directory, nested ones too, links not followed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-du-"));
  writeFileSync(join(dir, "a"), Buffer.alloc(1000));
  mkdirSync(join(dir, "sub/deeper"), { recursive: true });
  writeFileSync(join(dir, "sub/deeper/b"), Buffer.alloc(234));
  symlinkSync(join(dir, "a"), join(dir, "link"));
  // a, link, sub, sub/deeper, sub/deeper/b
  assert.equal(await directoryBytes(dir, 100), { bytes: 1234, entries: 5, complete: true });
});

test("directoryBytes: stops at its bound of entries, saying so", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-du-"));
  for (let i = 0; i < 10; i++) writeFileSync(join(dir, `f${i}`), Buffer.alloc(10));
  const r = await directoryBytes(dir, 4);
  assert.equal(r, { bytes: 40, entries: 4, complete: false });
  assert.equal(await directoryBytes(dir, 10), { bytes: 100, entries: 10, complete: true });
});

test("directoryBytes: other work runs while it walks (the event loop is never held for the whole walk)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-du-"));
  for (let i = 0; i < 500; i++) writeFileSync(join(dir, `f${i}`), "x");
  let turns = 0;
  let walking = true;
  const tick = () => { turns++; if (walking) setImmediate(tick); };
  setImmediate(tick);
  const r = await directoryBytes(dir, 10_000);
  walking = false;
  assert.is(r.bytes, 500);
  // Each of the 500 stats yields at least once; a synchronous walk would let none in.
  assert.ok(turns >= 10, `${turns} turns of other work during the walk`);
});

test("directoryBytes: a directory that went away (since its parent was read) counts as empty, not an error", async () => {
  assert.equal(await directoryBytes(join(tmpdir(), "rbao-du-absent-0"), 10), { bytes: 0, entries: 0, complete: true });
});

test("filesystemBytes: some free of the total", async () => {
  const { free, total } = await filesystemBytes(tmpdir());
  assert.ok(total > 0 && free >= 0 && free <= total, `${free} of ${total}`);
});

test.run();
