// The `cad-ose` pipeline kind: CAD OSE (./cad-ose-core.ts) as a streaming detector. NAB gives CAD
// OSE the minimum and maximum of the whole file before it starts; a stream has no such prior, so
// here the range is that of everything seen so far, learned first: the first `learningRows`
// values are kept (scored 0), their minimum and maximum become the range, and they are fed through
// the detector before the next value, so it starts with their contexts as NAB's run does. A later
// value outside the range widens it to that value plus `widenMargin` of the new range (so a
// trend does not widen it at every step), and the memory, whose facts were quantised on the old
// range, is rebuilt from the last learningRows - 1 values before the value is scored; the rest
// period keeps counting through a rebuild. (widenMargin null keeps the learned range and counts a
// value outside it as its nearest end: docs/quality.md compares the two.) The context memory grows
// with every new context; once it holds `maxContexts` it is cleared and learning of contexts
// starts again (the rest period applies again as at the start), so the state stays bounded. Each
// point is decided as it arrives; label 1 when its score reaches `threshold`.
import type { Decision, Pipeline, PipelineState } from "../pipeline-types";
import { memoryFromJSON, memoryToJSON, type ContextMemoryJSON } from "./context-memory-json";
import { cross, contextCount } from "./context-memory";
import { CAD_OSE_DEFAULTS, cadOseStep, checkCadOseParams, newCadOse, type CadOseParams, type CadOseState } from "./cad-ose-core";

export const CAD_OSE_STATE_VERSION = 1;

/** Inputs beyond this magnitude are clipped, so that a widened range and its step stay finite. */
const MAX_INPUT = 1e150;

export interface CadOseOptions {
  /** Values whose range becomes the quantisation range (default 300). */
  learningRows?: number;
  /** Steps silenced after a score of at least 0.75 (default 150: NAB's value for any file of
   * 5,000 rows or more, its 750-row probationary period / 5). */
  restRows?: number;
  /** Contexts at which the memory is cleared (default 16 per learning row, at least 1,024 and at
   * most 4,096: a short learning period asks for a short memory; see defaultMaxContexts). */
  maxContexts?: number;
  /** Label threshold in (0, 1] (default 0.75, the detector's own base threshold). */
  threshold?: number;
  /** A value outside the range widens it to that value plus this fraction of the new range, and
   * the memory is rebuilt from the last learningRows - 1 values; null: the range stays as learned
   * (default 0.1). */
  widenMargin?: number | null;
}

export const CAD_OSE_PIPELINE_DEFAULTS = { learningRows: 300, restRows: 150, threshold: CAD_OSE_DEFAULTS.baseThreshold, widenMargin: 0.1 } as const;

/** The memory bound for a learning period: 16 contexts per row, within [1024, 4096]. A NAB file
 * makes 1 to 63,966 contexts (median 665 over the 35 development files, run the NAB way); 4,096
 * leaves 32 of them unbounded and keeps the state under 150 kB of JSON. */
export function defaultMaxContexts(learningRows: number): number {
  return Math.min(4096, Math.max(1024, 16 * learningRows));
}

export interface CadOsePipelineState extends PipelineState {
  kind: "cad-ose";
  settings: Required<CadOseOptions>;
  /** The latest values, at most learningRows - 1 (while learning: all of them). */
  learning: number[];
  /** [min, max] once learned. */
  range: [number, number] | null;
  core: { leftFacts: number[]; sinceHigh: number; memory: ContextMemoryJSON } | null;
}

function checkOptions(o: Required<CadOseOptions>): void {
  if (!(Number.isInteger(o.learningRows) && o.learningRows >= 2)) throw new RangeError(`cad-ose: learningRows must be an integer >= 2, got ${o.learningRows}`);
  if (!(Number.isInteger(o.maxContexts) && o.maxContexts >= 16)) throw new RangeError(`cad-ose: maxContexts must be an integer >= 16, got ${o.maxContexts}`);
  if (!(o.threshold > 0 && o.threshold <= 1)) throw new RangeError(`cad-ose: threshold must be in (0, 1], got ${o.threshold}`);
  if (o.widenMargin !== null && !(o.widenMargin >= 0 && o.widenMargin <= 10)) throw new RangeError(`cad-ose: widenMargin must be null or in [0, 10], got ${o.widenMargin}`);
}

export class CadOsePipeline implements Pipeline {
  readonly kind = "cad-ose";
  private readonly settings: Required<CadOseOptions>;
  private learning: number[] = [];
  private params: CadOseParams | null = null;
  private core: CadOseState | null = null;

  constructor(options: CadOseOptions = {}) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as CadOseOptions;
    const learningRows = given.learningRows ?? CAD_OSE_PIPELINE_DEFAULTS.learningRows;
    this.settings = { ...CAD_OSE_PIPELINE_DEFAULTS, maxContexts: defaultMaxContexts(learningRows), ...given };
    checkOptions(this.settings);
    checkCadOseParams(this.paramsFor(0, 0));
  }

  private paramsFor(min: number, max: number): CadOseParams {
    return { ...CAD_OSE_DEFAULTS, restRows: this.settings.restRows, minValue: min, maxValue: max };
  }

  static restore(state: PipelineState): CadOsePipeline {
    const s = state as CadOsePipelineState;
    if (s?.kind !== "cad-ose") throw new RangeError(`not a cad-ose state (kind ${JSON.stringify(s?.kind)})`);
    if (s.version !== CAD_OSE_STATE_VERSION) throw new RangeError(`cad-ose state version ${s.version} is not supported (expected ${CAD_OSE_STATE_VERSION})`);
    const p = new CadOsePipeline(s.settings);
    if (!Array.isArray(s.learning) || !s.learning.every(Number.isFinite) || s.learning.length >= p.settings.learningRows) throw new RangeError("cad-ose state: learning is not a list of fewer than learningRows numbers");
    p.learning = s.learning.slice();
    if (s.range !== null) {
      if (!Array.isArray(s.range) || s.range.length !== 2) throw new RangeError("cad-ose state: range is not [min, max]");
      p.params = p.paramsFor(s.range[0], s.range[1]);
      checkCadOseParams(p.params);
      const c = s.core;
      if (typeof c !== "object" || c === null || !Array.isArray(c.leftFacts) || !c.leftFacts.every(Number.isSafeInteger) || !(Number.isSafeInteger(c.sinceHigh) && c.sinceHigh >= 0)) throw new RangeError("cad-ose state: core is not {leftFacts, sinceHigh, memory}");
      const memory = memoryFromJSON(c.memory, p.params.valueBits);
      cross(memory.left, c.leftFacts); // the step's last crossing, redone
      p.core = { memory, leftFacts: c.leftFacts.slice(), sinceHigh: c.sinceHigh };
    }
    return p;
  }

  update(input: number, timestamp: string): Decision {
    if (!Number.isFinite(input)) throw new RangeError(`value must be a finite number, got ${input}`);
    const value = Math.max(-MAX_INPUT, Math.min(MAX_INPUT, input));
    let retrained = false;
    if (this.params === null || this.core === null) {
      if (this.learning.length + 1 < this.settings.learningRows) {
        this.learning.push(value);
        return { scores: [0], labels: [0], timestamps: [timestamp], retrained: false };
      }
      let min = value, max = value;
      for (const v of this.learning) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      this.params = this.paramsFor(min, max);
      this.core = newCadOse();
      for (const v of this.learning) cadOseStep(this.core, v, this.params);
      if (this.settings.widenMargin === null) this.learning = [];
      retrained = true;
    }
    const margin = this.settings.widenMargin;
    if (margin !== null && (value < this.params.minValue || value > this.params.maxValue)) {
      let min = Math.min(this.params.minValue, value), max = Math.max(this.params.maxValue, value);
      if (value < this.params.minValue) min -= margin * (max - min);
      else max += margin * (max - min);
      this.params = this.paramsFor(min, max);
      const sinceHigh = this.core.sinceHigh;
      this.core = newCadOse();
      for (const v of this.learning) cadOseStep(this.core, v, this.params);
      this.core.sinceHigh = sinceHigh; // the rest period counts reported scores, not the rebuild's
      retrained = true;
    }
    const score = cadOseStep(this.core, value, this.params);
    if (margin !== null) {
      this.learning.push(value);
      if (this.learning.length >= this.settings.learningRows) this.learning.shift();
    }
    if (contextCount(this.core.memory) >= this.settings.maxContexts) {
      this.core = newCadOse();
      retrained = true;
    }
    return { scores: [score], labels: [score >= this.settings.threshold ? 1 : 0], timestamps: [timestamp], retrained };
  }

  toJSON(): CadOsePipelineState {
    const c = this.core;
    return {
      kind: "cad-ose",
      version: CAD_OSE_STATE_VERSION,
      settings: { ...this.settings },
      learning: this.learning.slice(),
      range: this.params ? [this.params.minValue, this.params.maxValue] : null,
      core: c ? { leftFacts: c.leftFacts.slice(), sinceHigh: c.sinceHigh, memory: memoryToJSON(c.memory) } : null,
    };
  }
}
