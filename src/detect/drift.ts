// The drift test of kalman-mk-iforest's MannKendallWilcoxonDriftDetector(alpha, slope_threshold):
// drift when yue_wang(x) finds a trend with Sen's slope > slope_threshold (one-sided: a falling
// window never counts), or when Wilcoxon(around(x - y, 3), zero_method="zsplit") gives p < alpha.
// As in the original, the Mann-Kendall test runs at its default alpha of 0.05 (the detector never
// passed its alpha on); `alpha` only applies to the Wilcoxon p-value.
import {
  createMannKendallScratch,
  mannKendallScore,
  mannKendallYueWang,
  type MannKendallOptions,
  type MannKendallResult,
  type MannKendallScratch,
} from "./mann-kendall";
import { sensSlopeWith } from "./sens-slope";
import { roundHalfEven } from "./round";
import { createWilcoxonScratch, wilcoxonSignedRank, type WilcoxonResult, type WilcoxonScratch } from "./wilcoxon";

export interface DriftOptions {
  alpha: number;
  slopeThreshold: number;
  /** Which pymannkendall the MK test follows (see mann-kendall.ts); default "head". */
  acf?: MannKendallOptions["acf"];
}

export interface DriftReport {
  drift: boolean;
  mkTrendCondition: boolean;
  wilcoxonCondition: boolean;
  mk: MannKendallResult;
  d: Float64Array;
  wilcoxon: WilcoxonResult;
}

const MK_ALPHA = 0.05;

/** The window differences the original tests: np.around(x - y, decimals=3). */
export function roundedDifferences(x: ArrayLike<number>, y: ArrayLike<number>, out = new Float64Array(x.length)): Float64Array {
  if (x.length !== y.length) throw new RangeError(`windows differ in length: ${x.length} vs ${y.length}`);
  for (let i = 0; i < x.length; i++) out[i] = roundHalfEven(x[i] - y[i], 3);
  return out;
}

/** Every intermediate of the drift decision (for tests and diagnostics). */
export function driftReport(x: ArrayLike<number>, y: ArrayLike<number>, opts: DriftOptions): DriftReport {
  const mk = mannKendallYueWang(x, MK_ALPHA, { acf: opts.acf });
  const d = roundedDifferences(x, y);
  const w = wilcoxonSignedRank(d, { zeroMethod: "zsplit" });
  const mkTrendCondition = mk.h && mk.slope > opts.slopeThreshold;
  const wilcoxonCondition = w.pvalue < opts.alpha;
  return {
    drift: mkTrendCondition || wilcoxonCondition,
    mkTrendCondition,
    wilcoxonCondition,
    mk,
    d,
    wilcoxon: { statistic: w.statistic, pvalue: w.pvalue, method: w.method },
  };
}

/** The same decision as driftReport(...).drift, computed lazily with reused buffers: Wilcoxon
 * first (cheap); then S, because a Sen's slope > 0 implies S > 0 (more than half the pairwise
 * slopes are positive); then the slope; the Yue-Wang variance only when all of that allows a trend. */
export class DriftDetector {
  private readonly mk: MannKendallScratch = createMannKendallScratch();
  private readonly wilcoxon: WilcoxonScratch = createWilcoxonScratch();
  private d = new Float64Array(0);

  constructor(private readonly opts: DriftOptions) {}

  detect(x: ArrayLike<number>, y: ArrayLike<number>): boolean {
    if (this.d.length !== x.length) this.d = new Float64Array(x.length);
    roundedDifferences(x, y, this.d);
    if (wilcoxonSignedRank(this.d, { zeroMethod: "zsplit", scratch: this.wilcoxon }).pvalue < this.opts.alpha) return true;
    if (mannKendallScore(x, this.mk).s <= 0) return false;
    if (!(sensSlopeWith(x, this.mk.sens).slope > this.opts.slopeThreshold)) return false;
    return mannKendallYueWang(x, MK_ALPHA, { acf: this.opts.acf, scratch: this.mk }).h;
  }
}
