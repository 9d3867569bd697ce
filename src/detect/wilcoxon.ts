// Two-sided Wilcoxon signed-rank test with scipy 1.10.1 semantics for zero_method="zsplit",
// correction=False, method="auto" (scipy/stats/_morestats.py, wilcoxon):
// - exact null distribution iff len(d) <= 50 and d has no zeros (ties do not prevent it);
//   r_plus is truncated to an integer, p = 1 at the centre, else 2 min(cdf, sf) clipped to 1;
// - otherwise the normal approximation, no continuity correction, with the tie correction
//   counted over |d| including the zeros (zsplit ranks them).
// Later scipy releases changed the exact p with fractional r_plus (gh-19872); this follows 1.10.
import { normalSf } from "./normal";
import { sortFloat64 } from "./sort";

export interface WilcoxonResult {
  /** min(r_plus, r_minus), the zeros' ranks split half and half. */
  statistic: number;
  pvalue: number;
  method: "exact" | "approx";
}

export interface WilcoxonDetails extends WilcoxonResult {
  rPlus: number;
  rMinus: number;
  nZero: number;
  /** Sizes of the tie groups of |d| (groups of 2 or more). */
  tieGroupSizes: number[];
}

/** Scratch space reused between calls by the drift detector. */
export interface WilcoxonScratch {
  abs: Float64Array;
}

export function createWilcoxonScratch(n = 0): WilcoxonScratch {
  return { abs: new Float64Array(n) };
}

export function wilcoxonSignedRank(
  d: ArrayLike<number>,
  opts: { zeroMethod: "zsplit"; scratch?: WilcoxonScratch },
): WilcoxonDetails {
  if (opts.zeroMethod !== "zsplit") throw new RangeError(`only zeroMethod "zsplit" is supported`);
  const n = d.length;
  if (n === 0) throw new RangeError("Wilcoxon test needs at least one difference");
  const scratch = opts.scratch ?? createWilcoxonScratch(n);
  if (scratch.abs.length < n) scratch.abs = new Float64Array(n);
  // |d| of the positive and of the negative differences, each sorted; zeros counted.
  const buf = scratch.abs;
  let nPos = 0;
  let nNeg = 0;
  for (let i = 0; i < n; i++) {
    const v = d[i];
    if (v > 0) buf[nPos++] = v;
    else if (v < 0) buf[n - 1 - nNeg++] = -v;
    else if (v !== 0) throw new RangeError(`Wilcoxon test needs numbers; d[${i}] is NaN`);
  }
  const nZero = n - nPos - nNeg;
  const pos = sortFloat64(buf, 0, nPos).subarray(0, nPos);
  const neg = sortFloat64(buf, n - nNeg, n).subarray(n - nNeg, n);
  // Average ranks of |d| (rankdata): the zeros take ranks 1..nZero and go half to each sum
  // (zsplit); then walk both sorted lists together, one tie group at a time.
  const tieGroupSizes: number[] = [];
  let tieTerm = 0;
  if (nZero > 1) {
    tieGroupSizes.push(nZero);
    tieTerm += nZero * (nZero * nZero - 1);
  }
  const rZero = (nZero * (nZero + 1)) / 2;
  let rPlus = rZero / 2;
  let rMinus = rZero / 2;
  let ranked = nZero; // values ranked so far
  let i = 0;
  let j = 0;
  while (i < nPos || j < nNeg) {
    const v = j >= nNeg || (i < nPos && pos[i] <= neg[j]) ? pos[i] : neg[j];
    const i0 = i;
    const j0 = j;
    while (i < nPos && pos[i] === v) i++;
    while (j < nNeg && neg[j] === v) j++;
    const t = i - i0 + (j - j0);
    const rank = ranked + (t + 1) / 2;
    rPlus += (i - i0) * rank;
    rMinus += (j - j0) * rank;
    ranked += t;
    if (t > 1) {
      tieGroupSizes.push(t);
      tieTerm += t * (t * t - 1);
    }
  }
  const statistic = Math.min(rPlus, rMinus);
  let method: "exact" | "approx";
  let pvalue: number;
  if (n <= 50 && nZero === 0) {
    method = "exact";
    pvalue = exactPValue(n, rPlus);
  } else {
    const mn = n * (n + 1) * 0.25;
    const se = Math.sqrt((n * (n + 1) * (2 * n + 1) - 0.5 * tieTerm) / 24);
    method = "approx";
    pvalue = 2 * normalSf(Math.abs((statistic - mn) / se));
  }
  return { statistic, pvalue, method, rPlus, rMinus, nZero, tieGroupSizes };
}

// Cumulative counts of the null distribution of r_plus for n: cum[r] = #{sign patterns with
// r_plus <= r}. Counts are integers below 2^50 (n <= 50), exact in doubles, so the p-values are
// bit-identical to scipy's. Memoised: the result for a given n never changes.
const cumulativeCounts = new Map<number, Float64Array>();

function nullCumulative(n: number): Float64Array {
  let cum = cumulativeCounts.get(n);
  if (cum) return cum;
  const size = (n * (n + 1)) / 2 + 1;
  const c = new Float64Array(size);
  c[0] = 1;
  let top = 0;
  for (let k = 1; k <= n; k++) {
    top += k;
    for (let r = top; r >= k; r--) c[r] += c[r - k];
  }
  cum = new Float64Array(size);
  let acc = 0;
  for (let r = 0; r < size; r++) cum[r] = acc += c[r];
  cumulativeCounts.set(n, cum);
  return cum;
}

function exactPValue(n: number, rPlus: number): number {
  const cum = nullCumulative(n);
  const size = cum.length;
  const r = Math.trunc(rPlus); // scipy 1.10: r_plus = int(r_plus)
  if (r === (size - 1) >> 1) return 1;
  const total = 2 ** n;
  const pLess = cum[r] / total;
  const pGreater = (total - (r > 0 ? cum[r - 1] : 0)) / total;
  return Math.min(1, 2 * Math.min(pLess, pGreater));
}
