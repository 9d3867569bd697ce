// A /detection block's journal row and the hash its retry is recognised by (docs/stations.md §
// Retries (idempotent blocks)), made from ONE serialization of the validated samples: the hash
// was the sha256 of the samples' own JSON, a second JSON.stringify of the same samples per block
// (~9 µs of the main thread's ~0.45 ms a block).
import { createHash } from "node:crypto";
import type { Sample } from "./requests";

/** The block's journal row: JSON [[timestamp, [[variable, value], ...]], ...] (./store.ts JournalRow). */
export function journalRow(mostres: readonly Sample[]): string {
  return JSON.stringify(mostres.map((s) => [s.timestamp, s.values]));
}

/** Marks a hash of the journal row; a hex digest has no ':', so it cannot be mistaken. */
const MARK = "j:";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The block's hash as its receipt keeps it: the sha256 of its journal row, marked. */
export function blockHash(journal: string): string {
  return MARK + sha256(journal);
}

/** Whether a receipt's hash is this block's (`hash`: blockHash of its journal row). A receipt written
 * before the mark holds the sha256 of the samples' JSON, which is compared instead, so a retry sent
 * across an upgrade is still recognised. */
export function sameBlock(stored: string, hash: string, mostres: readonly Sample[]): boolean {
  return stored.startsWith(MARK) ? stored === hash : stored === sha256(JSON.stringify(mostres));
}
