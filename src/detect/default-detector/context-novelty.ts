// Contextual novelty, after the idea of CAD OSE (Smirnov & Sviridov, the "Contextual Anomaly
// Detector" NAB entry): quantise the value, and ask whether the recent run of quantised values has
// been seen before. Here: values go to bins whose width and origin are fixed once after a learning
// period (so bins never move, and a shifted or rescaled series gets the same bins); several grids,
// each shifted by a fraction of a bin, so that no single placement of bin edges decides; for each
// grid and context order k the last k bins are hashed into a count table; the raw novelty is the
// mean over grids and orders of (1 + count)^-power. Counts halve every `halvingRows` rows, so old
// contexts fade; the tables have a fixed size.

export interface NoveltyParams {
  /** Bins across the central range seen during learning. */
  bins: number;
  /** Context orders 1..maxOrder. */
  maxOrder: number;
  /** Quantisation grids, shifted by 1/grids of a bin from each other (averaged shifted
   * histograms: the novelty does not hinge on where one grid's bin edges fall). */
  grids: number;
  /** Exponent on 1 / (1 + count): 2 makes the novelty about contexts (almost) never seen. */
  power: number;
  /** Slots of the count table per order (a power of two). */
  tableSize: number;
  halvingRows: number;
  /** Rows used to fix the bin width. */
  learningRows: number;
}

export interface NoveltyState {
  /** Values seen while learning (emptied once the width is fixed). */
  warm: number[];
  /** How many of the newest learning values are equal (skips sorting a flat buffer). */
  flatRun: number;
  width: number;
  /** Lower edge of bin 0 (so bins do not depend on where zero is). */
  origin: number;
  /** Per grid, the last maxOrder bins, newest first. */
  history: number[][];
  /** maxOrder tables of tableSize counts, flat. */
  counts: Float64Array;
  n: number;
}

export function newNovelty(p: NoveltyParams): NoveltyState {
  return { warm: [], flatRun: 0, width: 0, origin: 0, history: Array.from({ length: p.grids }, () => []), counts: new Float64Array(p.maxOrder * p.tableSize), n: 0 };
}

/** Fixes the bin width from the central 98% of the learning values (their full range if that is
 * empty); false while the values have no spread at all (a flat start tells nothing of the scale). */
function fixWidth(s: NoveltyState, p: NoveltyParams): boolean {
  const v = s.warm.slice().sort((a, b) => a - b);
  const q = (f: number) => v[Math.min(v.length - 1, Math.floor(f * v.length))];
  let range = q(0.99) - q(0.01);
  if (!(range > 0)) range = v[v.length - 1] - v[0];
  if (!(range > 0)) return false;
  s.width = range / p.bins;
  s.origin = q(0.01);
  s.warm = [];
  return true;
}

/** Puts bin first in the newest-first history of at most maxOrder bins (what unshift and pop do,
 * without moving the array's storage on every row: the detector's hot path). */
function pushNewest(history: number[], bin: number, maxOrder: number): void {
  if (history.length < maxOrder) { history.unshift(bin); return; }
  for (let k = history.length - 1; k > 0; k--) history[k] = history[k - 1]!;
  history[0] = bin;
}

/** Feeds one value; returns the raw novelty in [0, 1] (0 while learning). */
export function noveltyStep(s: NoveltyState, x: number, p: NoveltyParams): number {
  s.n++;
  if (s.width === 0) {
    s.flatRun = s.warm.length > 0 && s.warm[s.warm.length - 1] === x ? s.flatRun + 1 : 1;
    s.warm.push(x);
    if (s.warm.length > p.learningRows) s.warm.shift();
    if (s.warm.length >= p.learningRows && s.flatRun < s.warm.length) fixWidth(s, p);
    return 0;
  }
  let novelty = 0;
  const mask = p.tableSize - 1;
  for (let g = 0; g < p.grids; g++) {
    // Clamped so that a huge value stays a finite (JSON-safe) bin.
    const bin = Math.max(-1e9, Math.min(1e9, Math.floor((x - s.origin) / s.width + g / p.grids)));
    pushNewest(s.history[g], bin, p.maxOrder);
    const history = s.history[g];
    let h = (0x811c9dc5 ^ Math.imul(g, 0x9e3779b1)) >>> 0; // FNV-1a, seeded per grid
    for (let k = 0; k < history.length; k++) {
      h = Math.imul(h ^ (history[k] | 0), 0x01000193) >>> 0;
      const slot = k * p.tableSize + ((h ^ (h >>> 15)) & mask);
      const q = 1 / (1 + s.counts[slot]);
      novelty += p.power === 2 ? q * q : q ** p.power; // the square without pow: the hot path
      s.counts[slot]++;
    }
  }
  novelty /= p.maxOrder * p.grids;
  if (s.n % p.halvingRows === 0) for (let i = 0; i < s.counts.length; i++) s.counts[i] *= 0.5;
  return novelty;
}
