// The trained part shared by the four original pipelines: the reference window (the window the
// forest was last trained on, and its Kalman-filtered twin), the isolation forest, and the drift
// detector comparing a new window with the reference. Its JSON holds the reference and the seed
// the forest was grown with rather than the trees: growing is deterministic, so restoring refits
// the identical forest and the state stays O(window) instead of O(trees x nodes).
import { DriftDetector, driftReport, type DriftReport } from "./drift";
import { IsolationForest } from "./isolation-forest";
import { Rng, type RngState } from "./rng";
import type { ResolvedWindowSettings } from "./window-pipeline-options";

export interface ReferenceModelState {
  rng: RngState;
  /** Seed of the current forest; null before the first training. */
  forestSeed: number | null;
  reference: number[];
  filteredReference: number[];
}

export class ReferenceModel {
  private forest: IsolationForest | undefined;
  private forestSeed: number | null = null;
  private reference = new Float64Array(0);
  private filteredReference = new Float64Array(0);
  private readonly rng: Rng;
  private readonly detector: DriftDetector;

  constructor(private readonly settings: ResolvedWindowSettings, state?: ReferenceModelState) {
    this.detector = new DriftDetector({ alpha: settings.alpha, slopeThreshold: settings.slopeThreshold });
    this.rng = new Rng(state ? state.rng : settings.seed);
    if (state && state.forestSeed !== null) {
      this.reference = Float64Array.from(state.reference);
      this.filteredReference = Float64Array.from(state.filteredReference);
      this.grow(state.forestSeed);
    }
  }

  get trained(): boolean {
    return this.forest !== undefined;
  }

  /** Makes `raw` (and its filtered twin) the reference and fits a new forest on `raw`; with
   * `out`, also returns |score_samples| of `raw` there (as the batch pipelines and the first
   * sliding decision score the window just trained on). */
  train(raw: ArrayLike<number>, filtered: ArrayLike<number>, out?: number[]): number[] | undefined {
    this.reference = Float64Array.from(raw);
    this.filteredReference = this.settings.kalman ? Float64Array.from(filtered) : new Float64Array(0);
    if (!out) {
      this.grow(this.rng.nextUint32());
      return undefined;
    }
    this.forestSeed = this.rng.nextUint32();
    this.forest = new IsolationForest({ nEstimators: this.settings.nEstimators, seed: this.forestSeed });
    this.forest.fitScoreColumn(this.reference, out);
    for (let i = 0; i < out.length; i++) out[i] = Math.abs(out[i]);
    return out;
  }

  /** The original's drift test: the (filtered, with Kalman) current window vs the reference. */
  drifted(raw: ArrayLike<number>, filtered: ArrayLike<number>): boolean {
    return this.settings.kalman
      ? this.detector.detect(filtered, this.filteredReference)
      : this.detector.detect(raw, this.reference);
  }

  /** drifted()'s test in full, with its statistics, for the window `x` (filtered with Kalman). */
  driftReport(x: ArrayLike<number>): DriftReport {
    const { alpha, slopeThreshold, kalman } = this.settings;
    return driftReport(x, kalman ? this.filteredReference : this.reference, { alpha, slopeThreshold });
  }

  /** |score_samples| of each value, written to out. */
  absScores(values: ArrayLike<number>, out: number[]): number[] {
    if (!this.forest) throw new Error("model is not trained");
    this.forest.scoreColumn(values, out);
    for (let i = 0; i < out.length; i++) out[i] = Math.abs(out[i]);
    return out;
  }

  toJSON(): ReferenceModelState {
    return {
      rng: this.rng.state(),
      forestSeed: this.forestSeed,
      reference: Array.from(this.reference),
      filteredReference: Array.from(this.filteredReference),
    };
  }

  private grow(seed: number): void {
    this.forestSeed = seed;
    this.forest = new IsolationForest({ nEstimators: this.settings.nEstimators, seed }).fitColumn(this.reference);
  }
}
