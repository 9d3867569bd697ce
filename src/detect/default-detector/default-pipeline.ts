// The `default` pipeline kind: our own streaming detector (see detector-core.ts and
// docs/quality.md, "The default detector"). It sizes itself (no window), decides every point as it
// arrives from that point and the past only, keeps bounded state, and scores in [0, 1].
import { epochMs } from "../iso-time";
import type { Decision, Pipeline, PipelineState } from "../pipeline-types";
import { coreFromJSON, coreToJSON, type CoreJSON } from "./core-state-json";
import { coreStep, DEFAULT_PARAMS, matureRow, newCore, stepWithContext, type CoreState } from "./detector-core";

/** 3: the learning period and the warm-up guard's recent values (./warmup-guard.ts). 2 (release
 * 2.0.0: base64 tables, a fixed 300-row learning period) is migrated on restore. */
export const DEFAULT_DETECTOR_STATE_VERSION = 3;

/** The learning period of a version-2 state: 2.0.0 learnt for 300 rows, whatever the window. */
const V2_LEARNING_ROWS = 300;

/** The score at which a point is labelled an outlier: the detector's own alarm level, which is
 * also where NAB's optimiser puts the threshold on the development corpus (0.529, all three
 * profiles; docs/quality.md). */
export const DEFAULT_DETECTOR_THRESHOLD = DEFAULT_PARAMS.alarmLevel;

export interface DefaultDetectorOptions {
  /** Label threshold in (0, 1]; default DEFAULT_DETECTOR_THRESHOLD. */
  threshold?: number;
  /** Rows before anything is flagged (a station's window W, `detect --window`); from row W + 1 a
   * value far from the last W values is flagged. Default DEFAULT_LEARNING_ROWS. */
  learningRows?: number;
}

export interface DefaultDetectorState extends PipelineState {
  kind: "default";
  threshold: number;
  core: CoreJSON;
}

/** A version-2 core (release 2.0.0) as version 3: the same tables and moments, its 300-row
 * learning period, and an empty guard history (the guard fills it if it still has rows to judge). */
function migrateV2(core: unknown): unknown {
  return typeof core === "object" && core !== null ? { ...core, learningRows: V2_LEARNING_ROWS, recent: [] } : core;
}

export class DefaultDetectorPipeline implements Pipeline {
  readonly kind = "default";
  private readonly threshold: number;
  private readonly core: CoreState;

  constructor(options: DefaultDetectorOptions = {}, core?: CoreState) {
    const threshold = options.threshold ?? DEFAULT_DETECTOR_THRESHOLD;
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${threshold}`);
    this.threshold = threshold;
    this.core = core ?? newCore(DEFAULT_PARAMS, options.learningRows);
  }

  static restore(state: PipelineState): DefaultDetectorPipeline {
    const s = state as DefaultDetectorState;
    if (s?.kind !== "default") throw new RangeError(`not a default detector state (kind ${JSON.stringify(s?.kind)})`);
    if (s.version === 2) return new DefaultDetectorPipeline({ threshold: s.threshold }, coreFromJSON(migrateV2(s.core), DEFAULT_PARAMS));
    if (s.version !== DEFAULT_DETECTOR_STATE_VERSION) {
      throw new RangeError(`default detector state version ${s.version} is not supported (expected ${DEFAULT_DETECTOR_STATE_VERSION} or 2)`);
    }
    return new DefaultDetectorPipeline({ threshold: s.threshold }, coreFromJSON(s.core, DEFAULT_PARAMS));
  }

  update(value: number, timestamp: string): Decision {
    if (!Number.isFinite(value)) throw new RangeError(`value must be a finite number, got ${value}`);
    const score = coreStep(this.core, value, epochMs(timestamp) / 1000, DEFAULT_PARAMS);
    // "retrained" marks the point where the learning period ends and scoring starts.
    const retrained = this.core.spike.n === this.core.learningRows;
    return { scores: [score], labels: [score >= this.threshold ? 1 : 0], timestamps: [timestamp], retrained };
  }

  /** What update() scores, for a value at `seconds` since the epoch, without parsing a timestamp
   * or building a Decision (the traffic model's loop over thousands of rows per request). */
  scoreAt(value: number, seconds: number): number {
    if (!Number.isFinite(value)) throw new RangeError(`value must be a finite number, got ${value}`);
    return coreStep(this.core, value, seconds, DEFAULT_PARAMS);
  }

  /** scoreAt given the row's novelty and seasonal terms computed apart (./context-terms.ts) from a
   * fresh state fed the same rows as this pipeline; this pipeline's own novelty and seasonal
   * states stay as they were, so its state must not be kept or stored afterwards. */
  scoreWithContext(value: number, novelty: number, seasonal: number, seasonalScale: number): number {
    if (!Number.isFinite(value)) throw new RangeError(`value must be a finite number, got ${value}`);
    return stepWithContext(this.core, value, novelty, seasonal, seasonalScale, DEFAULT_PARAMS);
  }

  /** Whether a score reaches this pipeline's label threshold. */
  isOutlier(score: number): boolean {
    return score >= this.threshold;
  }

  /** Whether the learning period is over (update() marks its last row `retrained`). */
  get learned(): boolean {
    return this.core.spike.n >= this.core.learningRows;
  }

  /** Whether the components score the next row (the warm-up guard's rows are over). */
  get mature(): boolean {
    return this.core.spike.n >= matureRow(this.core);
  }

  toJSON(): DefaultDetectorState {
    return { kind: "default", version: DEFAULT_DETECTOR_STATE_VERSION, threshold: this.threshold, core: coreToJSON(this.core) };
  }
}
