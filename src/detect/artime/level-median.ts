// ARTime's running median of the discretised levels: a count per level and a pointer that
// moves one occupied level at a time when more than half of the values so far lie above (or
// below) it. "Not strictly a running median but close enough" (ARTimeNAB.jl, process_sample!):
// it tracks the median of everything seen, in O(1) per value and O(levels) memory.

export interface LevelMedianState {
  /** Values seen at each level (levels + 1 counts). */
  counts: Int32Array;
  /** The current median level, and how many values lie strictly below / above it. */
  level: number;
  below: number;
  above: number;
  /** Values seen. */
  n: number;
}

export function newLevelMedian(levels: number): LevelMedianState {
  return { counts: new Int32Array(levels + 1), level: 0, below: 0, above: 0, n: 0 };
}

/** Adds one level (an integer in [0, levels]) and returns the median level. */
export function addLevel(m: LevelMedianState, level: number): number {
  m.counts[level]++;
  m.n++;
  if (m.n === 1) m.level = level;
  if (m.level > level) m.below++;
  else if (m.level < level) m.above++;
  const half = m.n >> 1;
  if (half < m.above) {
    m.below += m.counts[m.level];
    do m.level++; while (m.counts[m.level] === 0);
    m.above -= m.counts[m.level];
  } else if (half < m.below) {
    m.above += m.counts[m.level];
    do m.level--; while (m.counts[m.level] === 0);
    m.below -= m.counts[m.level];
  }
  return m.level;
}
