// The packed form of a station's history (issue 15 part 2): ONE SQLite row per block (all its
// variables) instead of one per sample, because per-row costs (a B-tree insert and a statement
// step each, pages dirtied in the commit) were what made the row-per-sample history cost +70-80 %
// CPU per block (docs/stations.md § History, events and maintenance windows). Pure functions;
// ./station-records.ts stores their output.
//
// A block row holds the block's timestamps once (a JSON array, as sent) and:
// - `vars`, JSON [[key, firstSeq, n, positions], ...]: per variable its key, the sample number of its
//   first sample in the block, how many it has, and their indices among the block's samples (null
//   when it has every sample of the block, the usual case);
// - `data`, per variable in that order: n float64 values, n float64 scores (NaN = not decided
//   yet), n label bytes (0, 1, or UNDECIDED); little-endian;
// - `late` / `late_data`, or null: decisions made in this block on samples of earlier blocks (a
//   batch pipeline deciding a window), as runs of consecutive samples: JSON [[key, firstSeq, n], ...]
//   and per run n float64 scores then n label bytes.
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
  vars: string;
  data: Buffer;
  late: string | null;
  lateData: Buffer | null;
}

const UNDECIDED = 255;

/** `blockSize`: the number of samples in the block. */
export function packBlock(blockSize: number, chunks: readonly VariableChunk[]): PackedBlock {
  const vars: unknown[] = [], parts: Buffer[] = [], lateRuns: unknown[] = [], lateParts: Buffer[] = [];
  for (const c of chunks) {
    const n = c.rows.length;
    vars.push([c.key, c.rows[0]!.seq, n, n === blockSize ? null : c.positions]);
    parts.push(packRows(c.rows));
    for (const run of decisionRuns(c.late)) {
      lateRuns.push([c.key, run[0]!.seq, run.length]);
      lateParts.push(packRun(run));
    }
  }
  return {
    vars: JSON.stringify(vars), data: Buffer.concat(parts),
    late: lateRuns.length ? JSON.stringify(lateRuns) : null, lateData: lateParts.length ? Buffer.concat(lateParts) : null,
  };
}

function packRows(rows: readonly HistoryRow[]): Buffer {
  const n = rows.length, data = Buffer.allocUnsafe(17 * n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    data.writeDoubleLE(r.value, 8 * i);
    data.writeDoubleLE(r.score ?? NaN, 8 * (n + i));
    data[16 * n + i] = r.label ?? UNDECIDED;
  }
  return data;
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

function packRun(run: readonly SampleDecision[]): Buffer {
  const n = run.length, data = Buffer.allocUnsafe(9 * n);
  for (let i = 0; i < n; i++) {
    data.writeDoubleLE(run[i]!.score, 8 * i);
    data[8 * n + i] = run[i]!.label;
  }
  return data;
}

type VarEntry = [key: number, firstSeq: number, n: number, positions: number[] | null];

/** Variable `key`'s samples of a block row numbered after `afterSeq` whose time is at or after
 * `sinceMs`, appended to `out` up to `limit` rows in all. */
export function unpackVariable(timestamps: string, vars: string, data: Buffer, key: number, afterSeq: number, sinceMs: number, out: HistoryRow[], limit: number): void {
  let offset = 0;
  for (const [k, firstSeq, n, positions] of JSON.parse(vars) as VarEntry[]) {
    if (k === key && firstSeq + n - 1 > afterSeq) {
      unpackRows(JSON.parse(timestamps) as string[], positions, firstSeq, n, data.subarray(offset, offset + 17 * n), afterSeq, sinceMs, out, limit);
      return;
    }
    offset += 17 * n;
  }
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

/** Applies a block row's late decisions on variable `key` to those of `rows` (by sample number) they cover. */
export function applyLate(late: string, lateData: Buffer, key: number, rows: ReadonlyMap<number, HistoryRow>): void {
  let offset = 0;
  for (const [k, firstSeq, n] of JSON.parse(late) as Array<[number, number, number]>) {
    if (k === key) applyRun(rows, firstSeq, n, lateData.subarray(offset, offset + 9 * n));
    offset += 9 * n;
  }
}

function applyRun(rows: ReadonlyMap<number, HistoryRow>, firstSeq: number, n: number, data: Buffer): void {
  for (let i = 0; i < n; i++) {
    const row = rows.get(firstSeq + i);
    if (!row) continue;
    row.score = data.readDoubleLE(8 * i);
    row.label = data[8 * n + i] as 0 | 1;
  }
}
