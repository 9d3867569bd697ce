// The `default` pipeline kind: our own streaming detector (see detector-core.ts and
// docs/quality.md, "The default detector"). It sizes itself (no window), decides every point as it
// arrives from that point and the past only, keeps bounded state, and scores in [0, 1].
import { epochMs } from "../iso-time";
import type { Decision, Pipeline, PipelineState } from "../pipeline-types";
import { coreFromJSON, coreToJSON, type CoreJSON } from "./core-state-json";
import { coreStep, DEFAULT_PARAMS, LEARNING_ROWS, newCore, type CoreState } from "./detector-core";

/** 2: the tables are base64 typed arrays (./core-state-json.ts). */
export const DEFAULT_DETECTOR_STATE_VERSION = 2;

/** The score at which a point is labelled an outlier: the detector's own alarm level, which is
 * also where NAB's optimiser puts the threshold on the development corpus (0.529, all three
 * profiles; docs/quality.md). */
export const DEFAULT_DETECTOR_THRESHOLD = DEFAULT_PARAMS.alarmLevel;

export interface DefaultDetectorOptions {
  /** Label threshold in (0, 1]; default DEFAULT_DETECTOR_THRESHOLD. */
  threshold?: number;
}

export interface DefaultDetectorState extends PipelineState {
  kind: "default";
  threshold: number;
  core: CoreJSON;
}

export class DefaultDetectorPipeline implements Pipeline {
  readonly kind = "default";
  private readonly threshold: number;
  private readonly core: CoreState;

  constructor(options: DefaultDetectorOptions = {}, core?: CoreState) {
    const threshold = options.threshold ?? DEFAULT_DETECTOR_THRESHOLD;
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${threshold}`);
    this.threshold = threshold;
    this.core = core ?? newCore(DEFAULT_PARAMS);
  }

  static restore(state: PipelineState): DefaultDetectorPipeline {
    const s = state as DefaultDetectorState;
    if (s?.kind !== "default") throw new RangeError(`not a default detector state (kind ${JSON.stringify(s?.kind)})`);
    if (s.version !== DEFAULT_DETECTOR_STATE_VERSION) {
      throw new RangeError(`default detector state version ${s.version} is not supported (expected ${DEFAULT_DETECTOR_STATE_VERSION})`);
    }
    return new DefaultDetectorPipeline({ threshold: s.threshold }, coreFromJSON(s.core, DEFAULT_PARAMS));
  }

  update(value: number, timestamp: string): Decision {
    if (!Number.isFinite(value)) throw new RangeError(`value must be a finite number, got ${value}`);
    const score = coreStep(this.core, value, epochMs(timestamp) / 1000, DEFAULT_PARAMS);
    // "retrained" marks the point where the learning period ends and scoring starts.
    const retrained = this.core.spike.n === LEARNING_ROWS;
    return { scores: [score], labels: [score >= this.threshold ? 1 : 0], timestamps: [timestamp], retrained };
  }

  /** What update() scores, for a value at `seconds` since the epoch, without parsing a timestamp
   * or building a Decision (the traffic model's loop over thousands of rows per request). */
  scoreAt(value: number, seconds: number): number {
    if (!Number.isFinite(value)) throw new RangeError(`value must be a finite number, got ${value}`);
    return coreStep(this.core, value, seconds, DEFAULT_PARAMS);
  }

  /** Whether a score reaches this pipeline's label threshold. */
  isOutlier(score: number): boolean {
    return score >= this.threshold;
  }

  /** Whether the learning period is over (update() marks its last row `retrained`). */
  get learned(): boolean {
    return this.core.spike.n >= LEARNING_ROWS;
  }

  toJSON(): DefaultDetectorState {
    return { kind: "default", version: DEFAULT_DETECTOR_STATE_VERSION, threshold: this.threshold, core: coreToJSON(this.core) };
  }
}
