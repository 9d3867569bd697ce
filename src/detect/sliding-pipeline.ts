// The sliding pipelines of kalman-mk-iforest (MKWIForestSlidingPipeline, and
// MKWKIForestSlidingPipeline with `kalman`): a window of the last `window` points. When it first
// fills, the forest trains on it and the whole window is decided (as the original returns the
// first training's scores). After that every new point slides the window; every `step` points the
// window is tested for drift against the reference (Kalman-filtered values with the filter on)
// and on drift retrains; then only the newest point is decided.
// Every decided point carries its own timestamp, and the whole state is in toJSON at every step.
import type { Decision, Pipeline, PipelineState } from "./pipeline-types";
import type { DriftReport } from "./drift";
import { initialKalmanState, kalmanStep, type KalmanState } from "./kalman";
import { ReferenceModel, type ReferenceModelState } from "./reference-model";
import { checkSampleValue, resolveWindowSettings, type ResolvedWindowSettings, type WindowPipelineSettings } from "./window-pipeline-options";

export const SLIDING_STATE_VERSION = 1;

export interface SlidingPipelineState extends PipelineState {
  kind: "sliding";
  settings: ResolvedWindowSettings;
  kalmanState: KalmanState;
  /** The last min(seen, window) points, oldest first. */
  values: number[];
  /** Kalman-filtered twin of `values` (empty without the filter). */
  filtered: number[];
  timestamps: string[];
  /** The original's step counter (1 .. step). */
  currentStep: number;
  model: ReferenceModelState;
}

export class SlidingPipeline implements Pipeline {
  readonly kind = "sliding";
  private readonly settings: ResolvedWindowSettings;
  // Ring buffers written twice (at i and i + window) so [head, head + window) is always the
  // window in order, without copying.
  private readonly values: Float64Array;
  private readonly filtered: Float64Array;
  private readonly timestamps: string[];
  private head = 0;
  private count = 0;
  private currentStep = 1;
  private readonly kalman: KalmanState;
  private readonly model: ReferenceModel;
  private readonly one = [0];

  constructor(settings: WindowPipelineSettings, state?: SlidingPipelineState) {
    this.settings = resolveWindowSettings(settings);
    const w = this.settings.window;
    this.values = new Float64Array(2 * w);
    this.filtered = new Float64Array(2 * w);
    this.timestamps = new Array<string>(2 * w).fill("");
    this.kalman = state ? { ...state.kalmanState } : initialKalmanState();
    this.model = new ReferenceModel(this.settings, state?.model);
    if (state) {
      const n = state.values.length;
      // Without the filter the filtered buffer is the raw one and is not stored.
      const filtered = this.settings.kalman ? state.filtered : state.values;
      if (n > w || filtered.length !== n || state.timestamps.length !== n) {
        throw new RangeError("sliding pipeline state: inconsistent window buffers");
      }
      if (n === w && !this.model.trained) throw new RangeError("sliding pipeline state: full window without a model");
      for (let i = 0; i < n; i++) this.push(state.values[i], filtered[i], state.timestamps[i]);
      this.currentStep = state.currentStep;
    }
  }

  private push(value: number, filtered: number, timestamp: string): void {
    const w = this.settings.window;
    let slot: number;
    if (this.count < w) slot = this.count++;
    else {
      slot = this.head;
      this.head = (this.head + 1) % w;
    }
    this.values[slot] = this.values[slot + w] = value;
    this.filtered[slot] = this.filtered[slot + w] = filtered;
    this.timestamps[slot] = this.timestamps[slot + w] = timestamp;
  }

  update(value: number, timestamp: string): Decision | undefined {
    checkSampleValue(value);
    const w = this.settings.window;
    this.push(value, this.settings.kalman ? kalmanStep(this.kalman, value) : value, timestamp);
    if (this.count < w) return undefined;
    const raw = this.values.subarray(this.head, this.head + w);
    const filtered = this.filtered.subarray(this.head, this.head + w);
    const threshold = this.settings.scoreThreshold;

    if (!this.model.trained) {
      const scores = this.model.train(raw, filtered, new Array<number>(w))!;
      return {
        scores,
        labels: scores.map((s) => (s > threshold ? 1 : 0)),
        timestamps: this.timestamps.slice(this.head, this.head + w),
        retrained: true,
      };
    }
    let retrained = false;
    if (this.currentStep >= this.settings.step) {
      if (this.model.drifted(raw, filtered)) {
        this.model.train(raw, filtered);
        retrained = true;
      }
      this.currentStep = 1;
    } else {
      this.currentStep++;
    }
    const score = this.model.absScores(raw.subarray(w - 1), this.one)[0];
    return { scores: [score], labels: [score > threshold ? 1 : 0], timestamps: [timestamp], retrained };
  }

  /** The drift test of the window `value` slides in, on the steps that run one. */
  driftTestBefore(value: number): DriftReport | undefined {
    const w = this.settings.window;
    if (!this.model.trained || this.count < w || this.currentStep < this.settings.step) return undefined;
    const x = new Float64Array(w);
    x.set((this.settings.kalman ? this.filtered : this.values).subarray(this.head + 1, this.head + w));
    x[w - 1] = this.settings.kalman ? kalmanStep({ ...this.kalman }, value) : value;
    return this.model.driftReport(x);
  }

  toJSON(): SlidingPipelineState {
    const w = this.settings.window;
    const start = this.count < w ? 0 : this.head;
    const end = start + this.count;
    return {
      kind: "sliding",
      version: SLIDING_STATE_VERSION,
      settings: { ...this.settings },
      kalmanState: { ...this.kalman },
      values: Array.from(this.values.subarray(start, end)),
      filtered: this.settings.kalman ? Array.from(this.filtered.subarray(start, end)) : [],
      timestamps: this.timestamps.slice(start, end),
      currentStep: this.currentStep,
      model: this.model.toJSON(),
    };
  }

  static restore(state: PipelineState): SlidingPipeline {
    if (state.kind !== "sliding" || state.version !== SLIDING_STATE_VERSION) {
      throw new RangeError(`not a sliding pipeline state of version ${SLIDING_STATE_VERSION}: kind ${state.kind}, version ${state.version}`);
    }
    const s = state as SlidingPipelineState;
    return new SlidingPipeline(s.settings, s);
  }
}
