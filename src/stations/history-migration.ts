// A data dir written by an earlier release keeps its history (docs/stations.md § History, events and
// maintenance windows): at open, each earlier format's rows become `block_history` rows
// (./history-chunks.ts) in one transaction, and the old table is dropped.
// - `history` (the releases of 2026-12-06): one row per sample (station, variable, seq). Grouped
//   per station by sample number, 64 to a row: one row holds every variable's samples numbered
//   64b+1..64b+64, with their own timestamps; `upto` is the largest of those sample numbers.
// - `history_blocks` (2026-12-07, until the binary rows): one row per block as now, its timestamps
//   and list of variables as JSON, with an index on (station_id, upto).
// Rows of one station with the same `upto` (the per-sample migration of the JSON release made one
// per variable) are merged into one, since `upto` is now part of the row's id.
import type { SqliteDatabase } from "../runtime/sqlite";
import { isoTimeMs } from "../detect/iso-time";
import type { HistoryRow, VariableChunk } from "./history-chunks";

export type InsertHistory = (stationId: string, upto: number, timestamps: readonly string[], maxMs: number, chunks: readonly VariableChunk[]) => void;

/** Sample numbers per migrated row of the per-sample history. */
const MIGRATED_CHUNK = 64;
const UNDECIDED = 255;

export function migrateHistory(db: SqliteDatabase, insert: InsertHistory): void {
  const formats: Array<[table: string, migrate: (merger: RowMerger) => void]> = [
    ["history", (merger) => migrateSampleRows(db, merger)],
    ["history_blocks", (merger) => migrateJsonBlocks(db, merger)],
  ];
  for (const [table, migrate] of formats) {
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) === undefined) continue;
    db.transaction(() => {
      const merger = new RowMerger(insert);
      migrate(merger);
      merger.flush();
      db.exec(`DROP TABLE ${table}`);
    }).immediate();
  }
}

/** Collects the pieces of one (station, upto) row and inserts them as one. */
class RowMerger {
  private station = "";
  private upto = 0;
  private timestamps: string[] = [];
  private maxMs = -Infinity;
  private chunks: VariableChunk[] = [];

  constructor(private readonly insert: InsertHistory) {}

  add(station: string, upto: number, timestamps: readonly string[], maxMs: number, chunks: readonly VariableChunk[]): void {
    if (station !== this.station || upto !== this.upto) this.flush();
    this.station = station;
    this.upto = upto;
    const offset = this.timestamps.length;
    this.timestamps.push(...timestamps);
    this.maxMs = Math.max(this.maxMs, maxMs);
    for (const c of chunks) this.chunks.push({ ...c, positions: c.positions.map((p) => p + offset) });
  }

  flush(): void {
    if (this.chunks.length) this.insert(this.station, this.upto, this.timestamps, this.maxMs, this.chunks);
    this.timestamps = [];
    this.chunks = [];
    this.maxMs = -Infinity;
  }
}

function historyKeyOf(db: SqliteDatabase): (station: string, variable: string) => number {
  const get = db.prepare("SELECT key FROM history_keys WHERE station_id = ? AND variable = ?").pluck();
  const put = db.prepare("INSERT INTO history_keys (station_id, variable) VALUES (?, ?) RETURNING key").pluck();
  return (station, variable) => (get.get(station, variable) ?? put.get(station, variable)) as number;
}

type SampleRow = HistoryRow & { station_id: string; variable: string };

function migrateSampleRows(db: SqliteDatabase, merger: RowMerger): void {
  // goes with the table; in pages, since a statement cannot write while another iterates
  db.exec("CREATE INDEX history_by_seq ON history(station_id, seq, variable)");
  const page = db.prepare(`SELECT station_id, variable, seq, timestamp, time_ms, value, score, label FROM history
    WHERE (station_id, seq, variable) > (?, ?, ?) ORDER BY station_id, seq, variable LIMIT 10000`);
  const keyOf = historyKeyOf(db);
  let station = "", bucket = 0, upto = 0, pieces = new Map<string, VariableChunk[]>(), after: unknown[] = ["", 0, ""];
  const emit = () => {
    const timestamps: string[] = [], chunks: VariableChunk[] = [];
    let maxMs = -Infinity;
    for (const list of pieces.values()) {
      for (const c of list) {
        c.positions = c.rows.map((_, i) => timestamps.length + i);
        for (const r of c.rows) { timestamps.push(r.timestamp); maxMs = Math.max(maxMs, r.time_ms); }
        chunks.push(c);
      }
    }
    if (chunks.length) merger.add(station, upto, timestamps, maxMs, chunks);
    pieces = new Map();
  };
  for (let rows; (rows = page.all(...after) as SampleRow[]).length; ) {
    for (const r of rows) {
      const b = Math.ceil(r.seq / MIGRATED_CHUNK);
      if (r.station_id !== station || b !== bucket) {
        emit();
        station = r.station_id;
        bucket = b;
      }
      upto = r.seq;
      let list = pieces.get(r.variable);
      if (!list) pieces.set(r.variable, (list = []));
      const last = list[list.length - 1];
      const row: HistoryRow = { seq: r.seq, timestamp: r.timestamp, time_ms: r.time_ms, value: r.value, score: r.score, label: r.label };
      // a chunk's samples are consecutive
      if (last && last.rows[last.rows.length - 1]!.seq === r.seq - 1) last.rows.push(row);
      else list.push({ key: keyOf(r.station_id, r.variable), rows: [row], positions: [], late: [] });
    }
    const last = rows[rows.length - 1]!;
    after = [last.station_id, last.seq, last.variable];
  }
  emit();
}

interface JsonBlockRow {
  id: number;
  station_id: string;
  upto: number;
  max_ms: number;
  timestamps: string;
  vars: string;
  data: Buffer;
  late: string | null;
  late_data: Buffer | null;
}

function migrateJsonBlocks(db: SqliteDatabase, merger: RowMerger): void {
  const page = db.prepare(`SELECT * FROM history_blocks WHERE (station_id, upto, id) > (?, ?, ?) ORDER BY station_id, upto, id LIMIT 1000`);
  let after: unknown[] = ["", 0, 0];
  for (let rows; (rows = page.all(...after) as JsonBlockRow[]).length; ) {
    for (const r of rows) {
      const stamps = JSON.parse(r.timestamps) as string[];
      merger.add(r.station_id, r.upto, stamps, r.max_ms, jsonBlockChunks(r, stamps));
    }
    const last = rows[rows.length - 1]!;
    after = [last.station_id, last.upto, last.id];
  }
}

/** A JSON-packed row's variables: `vars` [[key, firstSeq, n, positions or null], ...] over `data`
 * (per variable n float64 values, n float64 scores, n label bytes), `late` [[key, firstSeq, n], ...]
 * over `late_data` (per run n float64 scores, n label bytes). */
function jsonBlockChunks(r: JsonBlockRow, stamps: readonly string[]): VariableChunk[] {
  const chunks: VariableChunk[] = [];
  let offset = 0;
  for (const [key, firstSeq, n, positions] of JSON.parse(r.vars) as Array<[number, number, number, number[] | null]>) {
    const at = positions ?? Array.from({ length: n }, (_, i) => i), rows: HistoryRow[] = [];
    for (let i = 0; i < n; i++) {
      const label = r.data[offset + 16 * n + i]!, timestamp = stamps[at[i]!]!;
      rows.push({
        seq: firstSeq + i, timestamp, time_ms: isoTimeMs(timestamp) ?? 0, value: r.data.readDoubleLE(offset + 8 * i),
        score: label === UNDECIDED ? null : r.data.readDoubleLE(offset + 8 * (n + i)), label: label === UNDECIDED ? null : (label as 0 | 1),
      });
    }
    chunks.push({ key, rows, positions: at, late: [] });
    offset += 17 * n;
  }
  if (r.late === null || r.late_data === null) return chunks;
  offset = 0;
  for (const [key, firstSeq, n] of JSON.parse(r.late) as Array<[number, number, number]>) {
    let c = chunks.find((x) => x.key === key);
    if (!c) chunks.push((c = { key, rows: [], positions: [], late: [] }));
    for (let i = 0; i < n; i++) c.late.push({ seq: firstSeq + i, score: r.late_data.readDoubleLE(offset + 8 * i), label: r.late_data[offset + 8 * n + i] as 0 | 1 });
    offset += 9 * n;
  }
  return chunks;
}
