// Options of the four original pipelines (kalman-mk-iforest: MKWIForest{Batch,Sliding}Pipeline
// and the Kalman variants MKWKIForest{Batch,Sliding}Pipeline) and their defaults.

export interface WindowPipelineSettings {
  /** Run the 1-D Kalman filter and test drift on the filtered values. */
  kalman: boolean;
  /** Window length (>= 3: the drift test needs Mann-Kendall and Wilcoxon on it). */
  window: number;
  /** Sliding only: test for drift every `step` points (original default 1). */
  step?: number;
  /** A point is an outlier when |score| > scoreThreshold (original 0.8). */
  scoreThreshold?: number;
  /** Wilcoxon significance level of the drift test (original 0.05). */
  alpha?: number;
  /** Minimum Sen's slope for a Mann-Kendall trend to count as drift (original 0.1). */
  slopeThreshold?: number;
  /** Seed of the isolation forests (each retraining draws its own seed from it). */
  seed?: number;
  /** Trees per forest (sklearn default 100). */
  nEstimators?: number;
}

export type ResolvedWindowSettings = Required<WindowPipelineSettings>;

export const WINDOW_PIPELINE_DEFAULTS = {
  step: 1,
  scoreThreshold: 0.8,
  alpha: 0.05,
  slopeThreshold: 0.1,
  seed: 0,
  nEstimators: 100,
} as const;

export function resolveWindowSettings(s: WindowPipelineSettings): ResolvedWindowSettings {
  const r: ResolvedWindowSettings = {
    kalman: s.kalman,
    window: s.window,
    step: s.step ?? WINDOW_PIPELINE_DEFAULTS.step,
    scoreThreshold: s.scoreThreshold ?? WINDOW_PIPELINE_DEFAULTS.scoreThreshold,
    alpha: s.alpha ?? WINDOW_PIPELINE_DEFAULTS.alpha,
    slopeThreshold: s.slopeThreshold ?? WINDOW_PIPELINE_DEFAULTS.slopeThreshold,
    seed: s.seed ?? WINDOW_PIPELINE_DEFAULTS.seed,
    nEstimators: s.nEstimators ?? WINDOW_PIPELINE_DEFAULTS.nEstimators,
  };
  if (typeof r.kalman !== "boolean") throw new RangeError("kalman must be true or false");
  if (!Number.isInteger(r.window) || r.window < 3) throw new RangeError(`window must be an integer >= 3, got ${r.window}`);
  if (!Number.isInteger(r.step) || r.step < 1) throw new RangeError(`step must be an integer >= 1, got ${r.step}`);
  if (!(r.scoreThreshold >= 0 && r.scoreThreshold <= 1)) throw new RangeError(`scoreThreshold must be in [0, 1], got ${r.scoreThreshold}`);
  if (!(r.alpha > 0 && r.alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${r.alpha}`);
  if (!Number.isFinite(r.slopeThreshold)) throw new RangeError(`slopeThreshold must be a finite number`);
  if (!Number.isInteger(r.seed)) throw new RangeError(`seed must be an integer`);
  if (!Number.isInteger(r.nEstimators) || r.nEstimators < 1) throw new RangeError(`nEstimators must be an integer >= 1`);
  return r;
}

/** Largest float32: the isolation forest works on float32 values, as scikit-learn does (which
 * refuses larger ones as "too large for dtype('float32')"). */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Refuses a sample the pipelines cannot score, before it touches any state. */
export function checkSampleValue(value: number): void {
  if (!Number.isFinite(value) || Math.abs(value) > FLOAT32_MAX) {
    throw new RangeError(`value must be a finite number within ±${FLOAT32_MAX} (float32), got ${value}`);
  }
}
