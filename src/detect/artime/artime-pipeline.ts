// The `artime` pipeline kind: our port of ARTime (./artime-core.ts). NAB tells ARTime each
// series' range and length before it starts; a stream has neither, so by default the pipeline
// learns them: it holds the first `learningRows` values (scoring them 0), takes their range
// widened by its own width on both sides (room for the series to move as far again; values
// beyond are clamped to the end levels) and that many rows as the probationary period, and
// replays them through the detector. With `series` (what NAB gives: min, max, length) it runs
// exactly as ARTime does under NAB.
import type { Decision, Pipeline, PipelineState } from "../pipeline-types";
import { artimeLearned, artimeStep, newArtimeCore, type ArtimeCore, type ArtimeSetup } from "./artime-core";
import { artimeCoreFromJSON, artimeCoreToJSON, type ArtimeCoreJSON } from "./artime-state-json";

export const ARTIME_STATE_VERSION = 1;

/** Default learning period: the default detector's, about a day of 5-minute data (shorter than
 * NAB's probationary period of every file but one). */
export const ARTIME_LEARNING_ROWS = 300;

/** The learned range is widened by this fraction of its width on each side. */
export const ARTIME_RANGE_MARGIN = 1;

/** ARTime scores only the samples it reports as anomalies (everything else is 0), each with a
 * confidence rounded to 6 decimals: by default every report is an outlier label. */
export const ARTIME_THRESHOLD = 1e-6;

export interface ArtimeOptions {
  /** Rows learned before scoring starts (≥ 32; default ARTIME_LEARNING_ROWS). */
  learningRows?: number;
  /** NAB's way: the whole series' range and length, known in advance (no learning buffer). */
  series?: { min: number; max: number; length: number };
  /** Label threshold in (0, 1]; default ARTIME_THRESHOLD. */
  threshold?: number;
}

export interface ArtimeState extends PipelineState {
  kind: "artime";
  threshold: number;
  learningRows: number;
  /** Values held while learning the range (streaming way only). */
  held: number[];
  /** The detector, once its range is known. */
  core: ArtimeCoreJSON | null;
}

/** NAB's probationary period for a file of `length` rows: 15 %, at most 750 rows. */
export function nabProbation(length: number): number {
  return length < 5000 ? Math.floor(0.15 * length) : 750;
}

export class ArtimePipeline implements Pipeline {
  readonly kind = "artime";
  private readonly threshold: number;
  private readonly learningRows: number;
  private held: number[] = [];
  private setup: ArtimeSetup | null = null;
  private core: ArtimeCore | null = null;

  constructor(options: ArtimeOptions = {}) {
    const threshold = options.threshold ?? ARTIME_THRESHOLD;
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${threshold}`);
    const learningRows = options.learningRows ?? ARTIME_LEARNING_ROWS;
    if (!(Number.isInteger(learningRows) && learningRows >= 32 && learningRows <= 100_000)) throw new RangeError(`learningRows must be an integer in [32, 100000], got ${learningRows}`);
    this.threshold = threshold;
    this.learningRows = learningRows;
    const s = options.series;
    if (s) this.start({ min: s.min, max: s.max, probation: nabProbation(s.length) });
  }

  static restore(state: PipelineState): ArtimePipeline {
    const s = state as ArtimeState;
    if (s?.kind !== "artime") throw new RangeError(`not an ARTime state (kind ${JSON.stringify(s?.kind)})`);
    if (s.version !== ARTIME_STATE_VERSION) throw new RangeError(`ARTime state version ${s.version} is not supported (expected ${ARTIME_STATE_VERSION})`);
    const p = new ArtimePipeline({ threshold: s.threshold, learningRows: s.learningRows });
    if (!Array.isArray(s.held) || s.held.length >= p.learningRows || !s.held.every(Number.isFinite)) throw new RangeError("ARTime state: held is not a list of fewer than learningRows finite numbers");
    p.held = s.held.slice();
    if (s.core) {
      p.setup = { ...s.core.setup };
      p.core = artimeCoreFromJSON(s.core);
    }
    return p;
  }

  private start(setup: ArtimeSetup): ArtimeCore {
    this.setup = setup;
    this.core = newArtimeCore(setup);
    return this.core;
  }

  /** The end of the streaming learning period: range and probation from the held values. */
  private learnFromHeld(): void {
    let min = Infinity, max = -Infinity;
    for (const v of this.held) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const margin = (max - min) * ARTIME_RANGE_MARGIN;
    const core = this.start({ min: min - margin, max: max + margin, probation: this.learningRows });
    for (const v of this.held) artimeStep(core, v);
    this.held = [];
  }

  update(value: number, timestamp: string): Decision {
    if (!Number.isFinite(value)) throw new RangeError(`value must be a finite number, got ${value}`);
    let score = 0, retrained: boolean;
    if (this.core) {
      const before = artimeLearned(this.core);
      score = artimeStep(this.core, value);
      retrained = !before && artimeLearned(this.core);
    } else {
      this.held.push(value);
      retrained = this.held.length === this.learningRows;
      if (retrained) this.learnFromHeld();
    }
    return { scores: [score], labels: [score >= this.threshold ? 1 : 0], timestamps: [timestamp], retrained };
  }

  toJSON(): ArtimeState {
    return {
      kind: "artime", version: ARTIME_STATE_VERSION, threshold: this.threshold, learningRows: this.learningRows,
      held: this.held.slice(),
      core: this.core && this.setup && artimeCoreToJSON(this.core, this.setup),
    };
  }
}
