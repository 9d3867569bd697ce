// How a station's packed block rows (./history-chunks.ts) are laid out in SQLite: appended to
// fixed-size blobs, "slabs", one row of `history_slabs` per SLAB_BYTES of a station's history,
// rather than one row per block. A row per block keyed by (station, upto) goes into the middle of
// the table's B-tree when many stations write in turn, and SQLite packs the pages it splits full,
// so nearly every block rebalanced three leaves and their parent (~3 more dirtied pages per block
// on 50 stations against ~1.6 on one). A slab is created once, its bytes zero, and each block then
// overwrites its own bytes in place: a blob of unchanged size is rewritten where it is, and only the
// pages whose bytes differ are written (SQLite's overwrite of a same-size cell), so a block dirties
// the one or two overflow pages it lands on, whatever the other stations do (docs/stations.md §
// History, events and maintenance windows). Pure functions; ./station-records.ts stores them.
//
// A slab: entries one after the other, then zeros. An entry: varint len (the bytes after it,
// 0 = no more entries), varint upto (the station's samples with history up to the block's end),
// varint cut (retention: entries with upto <= the newest entry's cut are dropped), float64 maxMs
// (the block's latest sample time), varint samples' length, the `samples` blob, the `late` blob
// (the rest, may be empty), and a last byte END. The END byte lets the writer check that a slab
// still ends where it believes (./station-records.ts: a rolled-back transaction leaves zeros there).
import type { PackedBlock } from "./history-chunks";
import { ByteReader, ByteWriter } from "./history-chunks";

/** A new slab's size; a block larger than that gets a slab of its own size. 8 kB: 2 overflow pages
 * written once at creation per ~9 blocks of 10 samples x 3 variables (with a batch pipeline's late
 * decisions). SQLite rebuilds the whole blob for each append, so a larger slab costs more CPU per
 * block for little: 16 kB saved 0.1 WAL frame per block on 50 stations, 32 kB cost ~15 µs more. */
export const SLAB_BYTES = 8192;
export const END = 0xff;

export interface SlabEntry {
  upto: number;
  cut: number;
  maxMs: number;
  samples: Buffer;
  /** Empty when the block made no late decisions. */
  late: Buffer;
}

const writer = new ByteWriter();

/** One block's entry, ready to be written at the end of a slab. */
export function packEntry(upto: number, cut: number, maxMs: number, p: PackedBlock): Buffer {
  const late = p.late ?? Buffer.alloc(0), w = writer;
  w.at = 0;
  w.varint(upto);
  w.varint(cut);
  w.reserve(8);
  w.buf.writeDoubleLE(maxMs, w.at);
  w.at += 8;
  w.varint(p.samples.length);
  const head = w.take(), len = head.length + p.samples.length + late.length + 1;
  w.varint(len);
  const prefix = w.take();
  return Buffer.concat([prefix, head, p.samples, late, Buffer.of(END)], prefix.length + len);
}

/** A new slab holding `entry` first, zeros after it. */
export function newSlab(entry: Buffer): Buffer {
  const slab = Buffer.alloc(Math.max(SLAB_BYTES, entry.length + 1));
  entry.copy(slab);
  return slab;
}

/** The slab's entries in order, and where the next one goes. */
export function readSlab(slab: Buffer): { entries: SlabEntry[]; used: number } {
  const r = new ByteReader(slab), entries: SlabEntry[] = [];
  let used = 0;
  while (!r.done) {
    const len = r.varint();
    if (len === 0) break;
    const end = r.at + len;
    entries.push(readEntry(r, end));
    r.at = used = end;
  }
  return { entries, used };
}

function readEntry(r: ByteReader, end: number): SlabEntry {
  const upto = r.varint(), cut = r.varint(), maxMs = r.buf.readDoubleLE(r.at);
  r.at += 8;
  const n = r.varint(), samples = r.buf.subarray(r.at, r.at + n);
  return { upto, cut, maxMs, samples, late: r.buf.subarray(r.at + n, end - 1) };
}
