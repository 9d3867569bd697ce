// The statistics of a window pipeline's drift test, for GET /stations/:id. The pipelines report
// only whether they retrained; the test's values (Mann-Kendall trend, p and Sen's slope; Wilcoxon p)
// are recomputed here with src/detect's driftReport on exactly the windows the pipeline compares:
// taken from its state just before the sample that completes a window, plus that sample (Kalman-
// filtered with a copy of the filter state when the pipeline filters). Called once per window
// length of samples, so a sliding pipeline (which tests every point) is sampled once per window.
import { driftReport, kalmanStep, selfSizingPipelines, type KalmanState, type PipelineState } from "../detect";

interface WindowPipelineState extends PipelineState {
  kind: "batch" | "sliding";
  settings: { window: number; kalman: boolean; alpha: number; slopeThreshold: number; step: number };
  kalmanState: KalmanState;
  values: number[];
  filtered: number[];
  currentStep?: number;
  model: { forestSeed: number | null; reference: number[]; filteredReference: number[] };
}

export interface DriftTest {
  drift: boolean;
  mann_kendall: { trend: string; p: number; sens_slope: number };
  wilcoxon: { p: number; method: "exact" | "approx" };
}

/** Whether the sample after `samplesSeen` samples is the one to probe: it completes a window of
 * a window pipeline (the self-sizing detectors have no drift test). */
export function probeDue(pipelineName: string, window: number, samplesSeen: number): boolean {
  return !selfSizingPipelines.has(pipelineName) && (samplesSeen + 1) % window === 0;
}

/** The drift test the pipeline in `state` runs when fed `value`, or undefined when it runs none
 * (not trained yet, window not full, or a sliding step that skips the test). */
export function driftTestBefore(state: PipelineState, value: number): DriftTest | undefined {
  if (state.kind !== "batch" && state.kind !== "sliding") return undefined;
  const s = state as WindowPipelineState;
  const { window: w, kalman } = s.settings;
  if (s.model.forestSeed === null) return undefined;
  const sliding = s.kind === "sliding";
  if (s.values.length !== (sliding ? w : w - 1)) return undefined;
  if (sliding && (s.currentStep ?? 1) < s.settings.step) return undefined;
  const previous = (kalman ? s.filtered : s.values).slice(sliding ? 1 : 0);
  const x = [...previous, kalman ? kalmanStep({ ...s.kalmanState }, value) : value];
  const r = driftReport(x, kalman ? s.model.filteredReference : s.model.reference, { alpha: s.settings.alpha, slopeThreshold: s.settings.slopeThreshold });
  return {
    drift: r.drift,
    mann_kendall: { trend: r.mk.trend, p: r.mk.p, sens_slope: r.mk.slope },
    wilcoxon: { p: r.wilcoxon.pvalue, method: r.wilcoxon.method },
  };
}
