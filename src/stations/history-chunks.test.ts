// The packed block rows of the history: what is packed reads back exactly (values and scores are
// float64 bytes, so equality is exact; timestamps are rebuilt code unit by code unit), undecided
// samples read as null, a variable missing from some samples of the block keeps its own timestamps,
// and late decisions override in the order made.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { applyLate, packBlock, unpackVariable, type HistoryRow, type SampleDecision } from "./history-chunks";

const stamps = ["2021-01-01 00:00:00", "2021-01-01 00:01:00", "2021-01-01 00:02:00", "2021-01-01 00:03:00"];
const ms = (i: number) => Date.UTC(2021, 0, 1) + i * 60_000;
const row = (seq: number, i: number, value: number, score: number | null, label: 0 | 1 | null): HistoryRow =>
  ({ seq, timestamp: stamps[i]!, time_ms: ms(i), value, score, label });

const a = [row(11, 0, 0.1, 0.25, 0), row(12, 1, -3e300, null, null), row(13, 2, Math.PI, 0.9, 1), row(14, 3, 7, null, null)];
const b = [row(5, 1, 1.5, 1e-17, 0), row(6, 3, 2.5, null, null)]; // b only in samples 1 and 3
const packed = packBlock(stamps, [
  { key: 1, rows: a, positions: [0, 1, 2, 3], late: [{ seq: 9, score: 0.5, label: 1 }, { seq: 10, score: 0.1, label: 0 }, { seq: 9, score: 0.7, label: 0 }] },
  { key: 2, rows: b, positions: [1, 3], late: [] },
]);
const read = (samples: Buffer, key: number, afterSeq = 0, sinceMs = 0, limit = 100) => {
  const out: HistoryRow[] = [];
  unpackVariable(samples, key, afterSeq, sinceMs, out, limit);
  return out;
};

test("a block's variables read back exactly, each with its own samples' timestamps", () => {
  assert.equal(read(packed.samples, 1), a);
  assert.equal(read(packed.samples, 2), b);
  assert.equal(read(packed.samples, 3), [], "a key not in the block");
});

test("after a sample number, since a time, up to a limit", () => {
  assert.equal(read(packed.samples, 1, 11).map((r) => r.seq), [12, 13, 14]);
  assert.equal(read(packed.samples, 1, 0, ms(2)).map((r) => r.seq), [13, 14]);
  assert.equal(read(packed.samples, 1, 0, 0, 2).map((r) => r.seq), [11, 12]);
});

test("timestamps of any form and length, and large sample numbers and keys, read back exactly", () => {
  const odd = ["2021-01-01", "2021-01-01T00:00:00.123456789+05:30", "2021-01-01T00:00:00.123456789+05:30", "2021-01-01 23:59", "2099-12-31T23:59:59Z", "2021-01-01 é€😀", "2"];
  const seq = 2 ** 41 + 3, key = 2 ** 33 + 1;
  const rows = odd.map((timestamp, i): HistoryRow => ({ seq: seq + i, timestamp, time_ms: 0, value: -0, score: Number.MIN_VALUE, label: 1 }));
  const back = read(packBlock(odd, [{ key, rows, positions: odd.map((_, i) => i), late: [] }]).samples, key, 0, -Infinity);
  assert.equal(back.map((r) => r.timestamp), odd);
  assert.equal(back.map((r) => r.seq), rows.map((r) => r.seq));
  assert.ok(back.every((r) => Object.is(r.value, -0) && r.score === Number.MIN_VALUE));
});

test("late decisions: the last decision of a sample wins, other keys untouched; none: null", () => {
  assert.ok(packed.late !== null);
  const rows = new Map([[9, row(9, 0, 1, null, null)], [10, row(10, 1, 2, null, null)]]);
  applyLate(packed.late!, 1, rows);
  assert.equal([rows.get(9)!.score, rows.get(9)!.label, rows.get(10)!.score, rows.get(10)!.label], [0.7, 0, 0.1, 0]);
  const other = new Map([[9, row(9, 0, 1, null, null)]]);
  applyLate(packed.late!, 2, other);
  assert.is(other.get(9)!.label, null);
  assert.is(packBlock([stamps[0]!], [{ key: 1, rows: [a[0]!], positions: [0], late: [] }]).late, null);
});

test("late decisions in runs with a gap, on a variable without samples in the block, and a key in two chunks", () => {
  const late = (seqs: number[]): SampleDecision[] => seqs.map((seq) => ({ seq, score: seq / 10, label: (seq % 2) as 0 | 1 }));
  const p = packBlock([stamps[0]!, stamps[1]!], [
    { key: 3, rows: [], positions: [], late: late([1, 2, 3, 5, 6]) },
    { key: 4, rows: [row(1, 0, 1, null, null)], positions: [0], late: late([2]) },
    { key: 4, rows: [row(2, 1, 2, null, null)], positions: [1], late: [] },
  ]);
  // runs [1..3] and [5..6]: 2 x 3 varints + 9 bytes per decision, and [2] of key 4
  assert.is(p.late!.length, 2 * 3 + 9 * 5 + 3 + 9);
  const decided = new Map([1, 2, 3, 4, 5, 6].map((seq) => [seq, row(seq, 0, 0, null, null)]));
  applyLate(p.late!, 3, decided);
  assert.equal([...decided.values()].map((r) => [r.score, r.label]), [[0.1, 1], [0.2, 0], [0.3, 1], [null, null], [0.5, 1], [0.6, 0]]);
  assert.equal(read(p.samples, 3), []);
  assert.equal(read(p.samples, 4).map((r) => [r.seq, r.timestamp]), [[1, stamps[0]], [2, stamps[1]]]);
});

test("a block of 10 one-minute samples x 3 variables: timestamps and headers in 82 bytes (the JSON timestamps alone took 271)", () => {
  const ts = Array.from({ length: 10 }, (_, i) => new Date(ms(i)).toISOString());
  const rows = ts.map((timestamp, i): HistoryRow => ({ seq: 1000 + i, timestamp, time_ms: ms(i), value: i, score: 0.5, label: 0 }));
  const p = packBlock(ts, [1, 2, 3].map((key) => ({ key, rows, positions: ts.map((_, i) => i), late: [] })));
  // 3 x 10 x 17 bytes of values, scores and labels; the first timestamp 3 + 24 bytes, the next 4
  // each (the differing minute digit); 3 bytes of block header and 5 per variable
  assert.is(p.samples.length - 510, 27 + 9 * 4 + 3 + 3 * 5);
});

test.run();
