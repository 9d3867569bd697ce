// SeriesStore: bounded by count and bytes, least recently written out, kept across reopening.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SeriesStore } from "./series-store";

test("count bound: the least recently used series goes first (written or touched)", () => {
  const s = new SeriesStore(":memory:", { maxSeries: 3, maxBytes: 1e9 });
  for (const k of ["a", "b", "c"]) s.put(k, `history ${k}`);
  s.put("a", "history a2"); // a is now the most recent
  s.touch("b"); // then b
  s.put("d", "history d");
  assert.is(s.get("c"), undefined, "c was the least recently used");
  assert.is(s.get("b"), "history b");
  assert.is(s.get("a"), "history a2");
  assert.ok(s.get("d"));
  assert.equal(s.totals(), { count: 3, bytes: "history a2".length + 2 * "history b".length });
  s.close();
});

test("byte bound: old series leave until the bytes fit; a history larger than the bound is not kept", () => {
  const s = new SeriesStore(":memory:", { maxSeries: 100, maxBytes: 100 });
  s.put("a", "x".repeat(40));
  s.put("b", "x".repeat(40));
  s.put("c", "x".repeat(40));
  assert.is(s.get("a"), undefined);
  assert.equal(s.totals(), { count: 2, bytes: 80 });
  s.put("b", "é".repeat(60)); // 120 bytes in UTF-8: too large alone, and b's old text goes too
  assert.is(s.get("b"), undefined);
  assert.equal(s.totals(), { count: 1, bytes: 40 });
  s.close();
});

test("kept in its file across reopening", () => {
  const dir = mkdtempSync(join(tmpdir(), "series-store-"));
  try {
    const file = join(dir, "sub", "traffic-series.sqlite");
    const s = new SeriesStore(file, { maxSeries: 10, maxBytes: 1e6 });
    s.put("k", "history");
    s.close();
    const again = new SeriesStore(file, { maxSeries: 10, maxBytes: 1e6 });
    assert.is(again.get("k"), "history");
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
