// The statistics of a window pipeline's drift test, for GET /stations/:id. The pipelines decide
// with a lazy test that stops as soon as the verdict is known; the full test (Mann-Kendall trend,
// p and Sen's slope; Wilcoxon p) is asked of the pipeline (Pipeline.driftTestBefore) just before
// the sample that completes a window. Called once per window length of samples, so a sliding
// pipeline (which tests every point) is sampled once per window.
import type { Pipeline } from "../detect";

export interface DriftTest {
  drift: boolean;
  mann_kendall: { trend: string; p: number; sens_slope: number };
  wilcoxon: { p: number; method: "exact" | "approx" };
}

/** Whether the sample after `samplesSeen` samples is the one to probe: it completes a window. */
export function probeDue(window: number, samplesSeen: number): boolean {
  return (samplesSeen + 1) % window === 0;
}

/** The drift test `pipeline` runs when fed `value`, or undefined when it runs none. */
export function driftTestBefore(pipeline: Pipeline, value: number): DriftTest | undefined {
  const r = pipeline.driftTestBefore?.(value);
  if (!r) return undefined;
  return {
    drift: r.drift,
    mann_kendall: { trend: r.mk.trend, p: r.mk.p, sens_slope: r.mk.slope },
    wilcoxon: { p: r.wilcoxon.pvalue, method: r.wilcoxon.method },
  };
}
