// The batch pipelines of kalman-mk-iforest (MKWIForestBatchPipeline, and MKWKIForestBatchPipeline
// with `kalman`): collect a full window, then decide all of it and start a new window. The first
// full window trains the forest; every later one is first tested for drift against the reference
// (on the Kalman-filtered values when the filter is on; its state carries across windows) and on
// drift becomes the new reference and retrains the forest. Scores are |score_samples| of the
// window's raw values.
// Unlike the peer server, every decided point carries its own sample's timestamp, and the whole
// state (filter, partial window, reference, forest seed) is in toJSON at every step.
import type { Decision, Pipeline, PipelineState } from "./pipeline-types";
import type { DriftReport } from "./drift";
import { initialKalmanState, kalmanStep, type KalmanState } from "./kalman";
import { ReferenceModel, type ReferenceModelState } from "./reference-model";
import { checkSampleValue, resolveWindowSettings, type ResolvedWindowSettings, type WindowPipelineSettings } from "./window-pipeline-options";

export const BATCH_STATE_VERSION = 1;

export interface BatchPipelineState extends PipelineState {
  kind: "batch";
  settings: ResolvedWindowSettings;
  kalmanState: KalmanState;
  values: number[];
  /** Kalman-filtered twin of `values` (empty without the filter). */
  filtered: number[];
  timestamps: string[];
  model: ReferenceModelState;
}

export class BatchPipeline implements Pipeline {
  readonly kind = "batch";
  private readonly settings: ResolvedWindowSettings;
  private readonly values: Float64Array;
  private readonly filtered: Float64Array;
  private timestamps: string[] = [];
  private count = 0;
  private readonly kalman: KalmanState;
  private readonly model: ReferenceModel;

  constructor(settings: WindowPipelineSettings, state?: BatchPipelineState) {
    this.settings = resolveWindowSettings(settings);
    const w = this.settings.window;
    this.values = new Float64Array(w);
    this.filtered = new Float64Array(w);
    this.kalman = state ? { ...state.kalmanState } : initialKalmanState();
    this.model = new ReferenceModel(this.settings, state?.model);
    if (state) {
      // Without the filter the filtered buffer is the raw one and is not stored.
      const filtered = this.settings.kalman ? state.filtered : state.values;
      if (state.values.length >= w || filtered.length !== state.values.length || state.timestamps.length !== state.values.length) {
        throw new RangeError("batch pipeline state: inconsistent window buffers");
      }
      this.values.set(state.values);
      this.filtered.set(filtered);
      this.timestamps = [...state.timestamps];
      this.count = state.values.length;
    }
  }

  update(value: number, timestamp: string): Decision | undefined {
    checkSampleValue(value);
    const i = this.count++;
    this.values[i] = value;
    this.filtered[i] = this.settings.kalman ? kalmanStep(this.kalman, value) : value;
    this.timestamps.push(timestamp);
    if (this.count < this.settings.window) return undefined;

    const retrained = !this.model.trained || this.model.drifted(this.values, this.filtered);
    const scores = new Array<number>(this.settings.window);
    if (retrained) this.model.train(this.values, this.filtered, scores);
    else this.model.absScores(this.values, scores);
    const threshold = this.settings.scoreThreshold;
    const decision: Decision = {
      scores,
      labels: scores.map((s) => (s > threshold ? 1 : 0)),
      timestamps: this.timestamps,
      retrained,
    };
    this.timestamps = [];
    this.count = 0;
    return decision;
  }

  /** The drift test of the window `value` completes, once the forest is trained. */
  driftTestBefore(value: number): DriftReport | undefined {
    const w = this.settings.window;
    if (!this.model.trained || this.count !== w - 1) return undefined;
    const x = new Float64Array(w);
    x.set((this.settings.kalman ? this.filtered : this.values).subarray(0, w - 1));
    x[w - 1] = this.settings.kalman ? kalmanStep({ ...this.kalman }, value) : value;
    return this.model.driftReport(x);
  }

  toJSON(): BatchPipelineState {
    return {
      kind: "batch",
      version: BATCH_STATE_VERSION,
      settings: { ...this.settings },
      kalmanState: { ...this.kalman },
      values: Array.from(this.values.subarray(0, this.count)),
      filtered: this.settings.kalman ? Array.from(this.filtered.subarray(0, this.count)) : [],
      timestamps: [...this.timestamps],
      model: this.model.toJSON(),
    };
  }

  static restore(state: PipelineState): BatchPipeline {
    if (state.kind !== "batch" || state.version !== BATCH_STATE_VERSION) {
      throw new RangeError(`not a batch pipeline state of version ${BATCH_STATE_VERSION}: kind ${state.kind}, version ${state.version}`);
    }
    const s = state as BatchPipelineState;
    return new BatchPipeline(s.settings, s);
  }
}
