// The packed form of a station's history (issue 15 part 2): ONE SQLite row per block (all its
// variables) instead of one per sample, because per-row costs (a B-tree insert and a statement
// step each, pages dirtied in the commit) were what made the row-per-sample history cost +70-80 %
// CPU per block; and binary, not JSON, so that a block row is small (~600 bytes for 10 samples x 3
// variables instead of ~850) and packs without building strings (docs/stations.md § History,
// events and maintenance windows). Pure functions; ./station-records.ts stores their output.
//
// Integers are unsigned LEB128 varints (exact up to 2^53: sample numbers and keys stay small);
// values and scores float64 little-endian, so they read back with their exact bits.
// `samples` (one per block):
//   u8 FORMAT; varint n (the block's samples); n timestamps, each as the previous one's first p and
//   last s UTF-16 code units around the new middle: varint p, varint s, varint m, m code units as
//   varints (one-minute samples: ~4 bytes each instead of ~22 of JSON);
//   varint V, then per variable: varint key, varint firstSeq (its first sample's number), varint c
//   (its samples in the block), varint sparse (0: it has every sample of the block; 1: varint
//   positions, its samples' indices among the block's, follow), then c float64 values, c float64
//   scores (NaN = not decided yet) and c label bytes (0, 1, or UNDECIDED).
// `late` (or null): decisions made in this block on samples of earlier blocks (a batch pipeline
//   deciding a window), as runs of consecutive samples: per run varint key, varint firstSeq,
//   varint c, c float64 scores, c label bytes.
import { isoTimeMs } from "../detect/iso-time";

/** One sample of one variable. `seq` is the variable's sample number (1 = its first sample since it
 * was created); score and label are null until the pipeline decides the sample (a batch pipeline
 * decides a whole window when its last sample arrives). */
export interface HistoryRow {
  seq: number;
  timestamp: string;
  time_ms: number;
  value: number;
  score: number | null;
  label: 0 | 1 | null;
}

/** A decision on one sample. */
export interface SampleDecision {
  seq: number;
  score: number;
  label: 0 | 1;
}

/** A variable's samples in one block (consecutive sample numbers) and where they sit in it. */
export interface VariableChunk {
  key: number;
  rows: HistoryRow[];
  /** Index of each row's sample among the block's samples. */
  positions: number[];
  /** Decisions made in this block on the variable's samples of earlier blocks. */
  late: SampleDecision[];
}

export interface PackedBlock {
  samples: Buffer;
  late: Buffer | null;
}

const FORMAT = 1;
const UNDECIDED = 255;

/** A growing byte buffer; one is reused by every packBlock call (the result is copied out). */
class ByteWriter {
  buf = Buffer.allocUnsafe(4096);
  at = 0;

  reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
  varint(v: number): void {
    this.reserve(8);
    while (v >= 128) {
      this.buf[this.at++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.at++] = v;
  }
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.at);
    this.buf.copy(out, 0, 0, this.at);
    this.at = 0;
    return out;
  }
}

class ByteReader {
  at = 0;
  constructor(readonly buf: Buffer) {}

  varint(): number {
    let v = 0, scale = 1, b: number;
    do {
      b = this.buf[this.at++]!;
      v += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
    return v;
  }
  get done(): boolean { return this.at >= this.buf.length; }
}

const writer = new ByteWriter();

/** A block's samples (`timestamps`: every sample's, as sent) and late decisions, packed. A chunk may
 * have no rows (only late decisions); a key may appear in more than one chunk (a migrated row).
 * A chunk with as many rows as the block has samples has them all (positions increase). */
export function packBlock(timestamps: readonly string[], chunks: readonly VariableChunk[]): PackedBlock {
  const w = writer;
  w.at = 0;
  w.reserve(1);
  w.buf[w.at++] = FORMAT;
  w.varint(timestamps.length);
  writeTimestamps(w, timestamps);
  w.varint(chunks.length);
  for (const c of chunks) writeChunk(w, timestamps.length, c);
  const samples = w.take();
  for (const c of chunks) writeLate(w, c);
  return { samples, late: w.at ? w.take() : null };
}

// Loops over samples in functions of their own with nothing after the loop (docs/traffic.md: V8
// drops code compiled mid-loop at the first line after it).
function writeTimestamps(w: ByteWriter, timestamps: readonly string[]): void {
  for (let i = 0; i < timestamps.length; i++) writeTimestamp(w, i ? timestamps[i - 1]! : "", timestamps[i]!);
}

function writeChunk(w: ByteWriter, blockSize: number, c: VariableChunk): void {
  const n = c.rows.length, sparse = n !== blockSize;
  w.varint(c.key);
  w.varint(n ? c.rows[0]!.seq : 0);
  w.varint(n);
  w.varint(sparse ? 1 : 0);
  if (sparse) writePositions(w, c.positions);
  w.reserve(17 * n);
  writeRows(w.buf, w.at, c.rows);
  w.at += 17 * n;
}

function writePositions(w: ByteWriter, positions: readonly number[]): void {
  for (const p of positions) w.varint(p);
}

function writeLate(w: ByteWriter, c: VariableChunk): void {
  for (const run of decisionRuns(c.late)) writeRun(w, c.key, run);
}

/** `t` as the code units it shares with `prev` at its start and end, and its own middle. */
function writeTimestamp(w: ByteWriter, prev: string, t: string): void {
  const shortest = Math.min(prev.length, t.length);
  let p = 0, s = 0;
  while (p < shortest && prev.charCodeAt(p) === t.charCodeAt(p)) p++;
  while (s < shortest - p && prev.charCodeAt(prev.length - 1 - s) === t.charCodeAt(t.length - 1 - s)) s++;
  w.varint(p);
  w.varint(s);
  w.varint(t.length - p - s);
  for (let i = p; i < t.length - s; i++) w.varint(t.charCodeAt(i));
}

function writeRows(buf: Buffer, at: number, rows: readonly HistoryRow[]): void {
  const n = rows.length;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    buf.writeDoubleLE(r.value, at + 8 * i);
    buf.writeDoubleLE(r.score ?? NaN, at + 8 * (n + i));
    buf[at + 16 * n + i] = r.label ?? UNDECIDED;
  }
}

function writeRun(w: ByteWriter, key: number, run: readonly SampleDecision[]): void {
  w.varint(key);
  w.varint(run[0]!.seq);
  w.varint(run.length);
  w.reserve(9 * run.length);
  writeDecisions(w.buf, w.at, run);
  w.at += 9 * run.length;
}

function writeDecisions(buf: Buffer, at: number, run: readonly SampleDecision[]): void {
  const n = run.length;
  for (let i = 0; i < n; i++) {
    buf.writeDoubleLE(run[i]!.score, at + 8 * i);
    buf[at + 8 * n + i] = run[i]!.label;
  }
}

/** Consecutive runs of the decisions by sample number; a sample decided twice keeps its last. */
function decisionRuns(decided: readonly SampleDecision[]): SampleDecision[][] {
  if (decided.length === 0) return [];
  const sorted = increasing(decided) ? decided : lastBySeq(decided);
  const runs: SampleDecision[][] = [];
  let start = 0;
  while (start < sorted.length) {
    let end = start + 1;
    while (end < sorted.length && sorted[end]!.seq === sorted[end - 1]!.seq + 1) end++;
    runs.push(sorted.slice(start, end));
    start = end;
  }
  return runs;
}

/** True when no sample is decided twice and the decisions come in sample order: the usual case
 * (a batch pipeline's windows do not overlap), which needs no map and no sort. */
function increasing(decided: readonly SampleDecision[]): boolean {
  for (let i = 1; i < decided.length; i++) if (decided[i]!.seq <= decided[i - 1]!.seq) return false;
  return true;
}

function lastBySeq(decided: readonly SampleDecision[]): SampleDecision[] {
  const bySeq = new Map<number, SampleDecision>();
  for (const d of decided) bySeq.set(d.seq, d);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The block's timestamps, unpacked (they lead the `samples` blob); `r` is left after them. */
function readTimestamps(r: ByteReader): string[] {
  if (r.buf[r.at++] !== FORMAT) throw new Error(`history block of unknown format ${r.buf[r.at - 1]}`);
  const stamps: string[] = [];
  readTimestampsInto(r, r.varint(), stamps);
  return stamps;
}

function readTimestampsInto(r: ByteReader, n: number, stamps: string[]): void {
  let prev = "";
  for (let i = 0; i < n; i++) {
    const p = r.varint(), s = r.varint(), m = r.varint();
    let middle = "";
    for (let k = 0; k < m; k++) middle += String.fromCharCode(r.varint());
    prev = prev.slice(0, p) + middle + prev.slice(prev.length - s);
    stamps.push(prev);
  }
}

/** Variable `key`'s samples of a block row numbered after `afterSeq` whose time is at or after
 * `sinceMs`, appended to `out` up to `limit` rows in all. */
export function unpackVariable(samples: Buffer, key: number, afterSeq: number, sinceMs: number, out: HistoryRow[], limit: number): void {
  const r = new ByteReader(samples), stamps = readTimestamps(r);
  for (let v = r.varint(); v > 0; v--) {
    const k = r.varint(), firstSeq = r.varint(), n = r.varint(), sparse = r.varint() === 1;
    const positions: number[] = [];
    if (sparse) readPositions(r, n, positions);
    if (k === key && firstSeq + n - 1 > afterSeq) unpackRows(stamps, sparse ? positions : null, firstSeq, n, samples.subarray(r.at, r.at + 17 * n), afterSeq, sinceMs, out, limit);
    r.at += 17 * n;
  }
}

/** A block row's samples as its journal row held them (./store.ts JournalRow: per sample, its
 * timestamp and each variable's value), for replaying a station from its history when its blocks
 * since the snapshots wrote no journal rows (docs/stations.md § State layout (SQLite,
 * `<data_dir>/stations.sqlite`, WAL), "The journal in the history rows"). `names`: the variables'
 * keys; a chunk of another key (a variable no longer held) is left out. */
export function blockSamples(samples: Buffer, names: ReadonlyMap<number, string>): Array<[string, Array<[string, number]>]> {
  const r = new ByteReader(samples), stamps = readTimestamps(r);
  const out = stamps.map((t): [string, Array<[string, number]>] => [t, []]);
  for (let v = r.varint(); v > 0; v--) {
    const k = r.varint(); r.varint(); // firstSeq: the samples come in order
    const n = r.varint(), sparse = r.varint() === 1;
    const positions: number[] = [];
    if (sparse) readPositions(r, n, positions);
    const name = names.get(k);
    if (name !== undefined) addValues(out, name, sparse ? positions : null, samples.subarray(r.at, r.at + 8 * n));
    r.at += 17 * n;
  }
  return out;
}

function addValues(out: Array<[string, Array<[string, number]>]>, name: string, positions: number[] | null, values: Buffer): void {
  for (let i = 0; i < values.length / 8; i++) out[positions ? positions[i]! : i]![1].push([name, values.readDoubleLE(8 * i)]);
}

function readPositions(r: ByteReader, n: number, out: number[]): void {
  for (let i = 0; i < n; i++) out.push(r.varint());
}

function unpackRows(stamps: string[], positions: number[] | null, firstSeq: number, n: number, data: Buffer, afterSeq: number, sinceMs: number, out: HistoryRow[], limit: number): void {
  for (let i = Math.max(0, afterSeq + 1 - firstSeq); i < n && out.length < limit; i++) {
    const timestamp = stamps[positions ? positions[i]! : i]!, time_ms = isoTimeMs(timestamp) ?? 0;
    if (time_ms < sinceMs) continue;
    const label = data[16 * n + i]!;
    out.push({
      seq: firstSeq + i, timestamp, time_ms, value: data.readDoubleLE(8 * i),
      score: label === UNDECIDED ? null : data.readDoubleLE(8 * (n + i)), label: label === UNDECIDED ? null : (label as 0 | 1),
    });
  }
}

function forEachRun(late: Buffer, fn: (key: number, firstSeq: number, n: number, data: Buffer) => void): void {
  const r = new ByteReader(late);
  while (!r.done) {
    const key = r.varint(), firstSeq = r.varint(), n = r.varint();
    fn(key, firstSeq, n, late.subarray(r.at, r.at + 9 * n));
    r.at += 9 * n;
  }
}

/** Applies a block row's late decisions on variable `key` to those of `rows` (by sample number) they cover. */
export function applyLate(late: Buffer, key: number, rows: ReadonlyMap<number, HistoryRow>): void {
  forEachRun(late, (k, firstSeq, n, data) => { if (k === key) applyRun(rows, firstSeq, n, data); });
}

function applyRun(rows: ReadonlyMap<number, HistoryRow>, firstSeq: number, n: number, data: Buffer): void {
  for (let i = 0; i < n; i++) {
    const row = rows.get(firstSeq + i);
    if (!row) continue;
    row.score = data.readDoubleLE(8 * i);
    row.label = data[8 * n + i] as 0 | 1;
  }
}
