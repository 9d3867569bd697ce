// The packed block rows of the history: what is packed reads back exactly (values and scores are
// float64 bytes, so equality is exact), undecided samples read as null, a variable missing from
// some samples of the block keeps its own timestamps, and late decisions override in the order made.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { applyLate, packBlock, unpackVariable, type HistoryRow } from "./history-chunks";

const stamps = ["2021-01-01 00:00:00", "2021-01-01 00:01:00", "2021-01-01 00:02:00", "2021-01-01 00:03:00"];
const ms = (i: number) => Date.UTC(2021, 0, 1) + i * 60_000;
const row = (seq: number, i: number, value: number, score: number | null, label: 0 | 1 | null): HistoryRow =>
  ({ seq, timestamp: stamps[i]!, time_ms: ms(i), value, score, label });

const a = [row(11, 0, 0.1, 0.25, 0), row(12, 1, -3e300, null, null), row(13, 2, Math.PI, 0.9, 1), row(14, 3, 7, null, null)];
const b = [row(5, 1, 1.5, 1e-17, 0), row(6, 3, 2.5, null, null)]; // b only in samples 1 and 3
const packed = packBlock(4, [
  { key: 1, rows: a, positions: [0, 1, 2, 3], late: [{ seq: 9, score: 0.5, label: 1 }, { seq: 10, score: 0.1, label: 0 }, { seq: 9, score: 0.7, label: 0 }] },
  { key: 2, rows: b, positions: [1, 3], late: [] },
]);
const ts = JSON.stringify(stamps);

test("a block's variables read back exactly, each with its own samples' timestamps", () => {
  const outA: HistoryRow[] = [], outB: HistoryRow[] = [];
  unpackVariable(ts, packed.vars, packed.data, 1, 0, 0, outA, 100);
  unpackVariable(ts, packed.vars, packed.data, 2, 0, 0, outB, 100);
  assert.equal(outA, a);
  assert.equal(outB, b);
  const none: HistoryRow[] = [];
  unpackVariable(ts, packed.vars, packed.data, 3, 0, 0, none, 100);
  assert.equal(none, [], "a key not in the block");
});

test("after a sample number, since a time, up to a limit", () => {
  const out: HistoryRow[] = [];
  unpackVariable(ts, packed.vars, packed.data, 1, 11, 0, out, 100);
  assert.equal(out.map((r) => r.seq), [12, 13, 14]);
  out.length = 0;
  unpackVariable(ts, packed.vars, packed.data, 1, 0, ms(2), out, 100);
  assert.equal(out.map((r) => r.seq), [13, 14]);
  out.length = 0;
  unpackVariable(ts, packed.vars, packed.data, 1, 0, 0, out, 2);
  assert.equal(out.map((r) => r.seq), [11, 12]);
});

test("late decisions: runs of consecutive samples, the last decision of a sample wins, other keys untouched", () => {
  assert.ok(packed.late !== null && packed.lateData !== null);
  assert.equal(JSON.parse(packed.late!), [[1, 9, 2]], "samples 9 and 10 of key 1 as one run");
  const rows = new Map([[9, row(9, 0, 1, null, null)], [10, row(10, 1, 2, null, null)]]);
  applyLate(packed.late!, packed.lateData!, 1, rows);
  assert.equal([rows.get(9)!.score, rows.get(9)!.label, rows.get(10)!.score, rows.get(10)!.label], [0.7, 0, 0.1, 0]);
  const other = new Map([[9, row(9, 0, 1, null, null)]]);
  applyLate(packed.late!, packed.lateData!, 2, other);
  assert.is(other.get(9)!.label, null);
  assert.is(packBlock(1, [{ key: 1, rows: [a[0]!], positions: [0], late: [] }]).late, null, "no late decisions: null");
  // in sample order (a batch window, the usual case) with a gap: two runs, each decision kept
  const inOrder = packBlock(1, [{ key: 3, rows: [a[0]!], positions: [0], late: [1, 2, 3, 5, 6].map((seq) => ({ seq, score: seq / 10, label: (seq % 2) as 0 | 1 })) }]);
  assert.equal(JSON.parse(inOrder.late!), [[3, 1, 3], [3, 5, 2]]);
  const decided = new Map([1, 2, 3, 4, 5, 6].map((seq) => [seq, row(seq, 0, 0, null, null)]));
  applyLate(inOrder.late!, inOrder.lateData!, 3, decided);
  assert.equal([...decided.values()].map((r) => [r.score, r.label]), [[0.1, 1], [0.2, 0], [0.3, 1], [null, null], [0.5, 1], [0.6, 0]]);
});

test.run();
