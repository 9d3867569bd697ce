// SeriesMemory's decoded histories: polls served from them answer as polls that read every
// history from the file; a series the store evicted, or one whose request failed after recalling
// it, is not served from them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../detect/rng";
import { defaultTrafficModel } from "../detect/shallow-model";
import { judgeRemembered, SeriesMemory } from "./series-memory";

const model = defaultTrafficModel({ contamination: 0.01, sensitivity: 0.95 });

function series(n: number) {
  const rng = new Rng(7), values = new Float64Array(n), times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = Date.UTC(2024, 4, 20) + i * 60_000;
    values[i] = 100 + 20 * Math.sin(i / 50) + 5 * rng.nextFloat() + (i % 300 === 250 ? 200 : 0);
  }
  return { values, times };
}

function withDir(f: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "series-memory-"));
  try { f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

const limits = { maxSeries: 10, maxBytes: 1 << 30 };

test("polls served from the decoded histories answer as polls that read each history from the file", () => {
  withDir((dir) => {
    const { values, times } = series(3000);
    const kept = SeriesMemory.open(join(dir, "kept.sqlite"), limits);
    const got: string[] = [], want: string[] = [];
    for (let p = 0; p < 12; p++) {
      const from = p * 32, to = 1440 + p * 32 - (p === 5 ? 32 : 0); // poll 5 repeats poll 4's window: nothing fed
      const a = judgeRemembered(model, kept, "s", values.subarray(from, to), times.subarray(from, to));
      const reread = SeriesMemory.open(join(dir, "reread.sqlite"), limits); // a fresh object: no decoded history
      const b = judgeRemembered(model, reread, "s", values.subarray(from, to), times.subarray(from, to));
      reread.close();
      got.push(`${a.fed} ${Array.from(a.scores).join()}`); want.push(`${b.fed} ${Array.from(b.scores).join()}`);
    }
    assert.equal(got, want);
    assert.ok(got[5]!.startsWith("0 "), "the repeated poll fed nothing");
    kept.close();
  });
});

test("a series the store evicted is not recalled from the decoded histories", () => {
  withDir((dir) => {
    const { values, times } = series(1500);
    const memory = SeriesMemory.open(join(dir, "m.sqlite"), { maxSeries: 1, maxBytes: 1 << 30 });
    judgeRemembered(model, memory, "a", values, times);
    judgeRemembered(model, memory, "b", values, times); // evicts "a"
    assert.is(memory.recall("a"), undefined);
    assert.ok(memory.recall("b"));
    memory.close();
  });
});

test("a history recalled by a request that then failed is read from the file again", () => {
  withDir((dir) => {
    const { values, times } = series(1500);
    const memory = SeriesMemory.open(join(dir, "m.sqlite"), limits);
    judgeRemembered(model, memory, "a", values, times);
    const first = memory.recall("a")!; // as a request does; it fails before storing or touching
    first.pipeline.scoreAt(1e9, times[0]! / 1000); // its detector advanced in place
    const again = memory.recall("a")!;
    assert.ok(again !== first);
    assert.equal(JSON.stringify(again.pipeline.toJSON()) === JSON.stringify(first.pipeline.toJSON()), false);
    memory.close();
  });
});

test.run();
