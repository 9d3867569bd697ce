// CAD OSE run the way NAB ran it for its published contextOSE results
// (nab/detectors/context_ose/context_ose_detector.py): the value range is the whole file's minimum
// and maximum, and the rest period is NAB's probationary period / 5, truncated as the original's
// slice does (probationary period: 15% of the file, at most 15% of 5,000 rows). Not a streaming
// detector (it needs the whole file first): the reference the `cad-ose` pipeline is compared with,
// and what the row-by-row agreement with NAB's published scores is checked on.
import { CAD_OSE_DEFAULTS, cadOseStep, newCadOse } from "../../../src/detect/cad-ose/cad-ose-core";

/** NAB's probationary period of a file of `rows` rows (nab/util: getProbationaryPeriod). */
export function probationaryPeriod(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
}

export function nabCadOseScores(values: Float64Array): Float64Array {
  let min = Infinity, max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const params = { ...CAD_OSE_DEFAULTS, minValue: min, maxValue: max, restRows: Math.trunc(probationaryPeriod(values.length) / 5) };
  const s = newCadOse();
  return Float64Array.from(values, (v) => cadOseStep(s, v, params));
}

export interface Agreement {
  rows: number;
  /** Rows whose scores differ by at most the tolerance. */
  agreeing: number;
  /** First row that differs, -1 if none. */
  firstDifference: number;
}

/** Row-by-row agreement of two score series of one file. */
export function agreement(ours: Float64Array, published: Float64Array, tolerance: number): Agreement {
  if (ours.length !== published.length) throw new Error(`${ours.length} scores against ${published.length} published`);
  let agreeing = 0, firstDifference = -1;
  for (let i = 0; i < ours.length; i++) {
    if (Math.abs(ours[i] - published[i]) <= tolerance) agreeing++;
    else if (firstDifference < 0) firstDifference = i;
  }
  return { rows: ours.length, agreeing, firstDifference };
}
