import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { directoryBytes, filesystemBytes } from "./disk-use";

test("directoryBytes: the files under the directory, nested ones too, links not followed", () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-du-"));
  writeFileSync(join(dir, "a"), Buffer.alloc(1000));
  mkdirSync(join(dir, "sub/deeper"), { recursive: true });
  writeFileSync(join(dir, "sub/deeper/b"), Buffer.alloc(234));
  symlinkSync(join(dir, "a"), join(dir, "link"));
  assert.is(directoryBytes(dir), 1234);
});

test("filesystemBytes: some free of the total", () => {
  const { free, total } = filesystemBytes(tmpdir());
  assert.ok(total > 0 && free >= 0 && free <= total, `${free} of ${total}`);
});

test.run();
