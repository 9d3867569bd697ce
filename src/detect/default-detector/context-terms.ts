// The novelty and seasonal terms of a fresh detector's rows, computed apart from the rest of its
// step: each component's state is its own until coreStep fuses their terms, so these two (half
// of a row's work: ./context-novelty.ts, ./seasonal-residual.ts and their likelihoods) can run on
// another thread over the rows the detector will be fed, while the spike, shift and walk
// components and the fusion run here (stepWithContext). The traffic API's helper thread:
// src/traffic/context-pool.ts; docs/traffic.md § Issue 18 part 5: the detector's context terms
// on the second core (2026-12-07, session 11).
import { newLikelihood } from "./anomaly-likelihood";
import { newNovelty } from "./context-novelty";
import { newSeasonal } from "./seasonal-residual";
import { clipInput, noveltyTerm, seasonalTerm, type CoreState, type DetectorParams } from "./detector-core";

export type ContextState = Pick<CoreState, "novelty" | "noveltyLikelihood" | "seasonal" | "seasonalLikelihood">;

/** Per fed row: the novelty term, the seasonal term, the seasonal residual scale after it. */
export interface ContextColumns {
  novelty: Float64Array;
  seasonal: Float64Array;
  scale: Float64Array;
}

/** The context part of a fresh core (newCore). */
export function newContextState(p: DetectorParams): ContextState {
  return { novelty: newNovelty(p.novelty), noveltyLikelihood: newLikelihood(p.noveltyLikelihood), seasonal: newSeasonal(), seasonalLikelihood: newLikelihood(p.seasonalLikelihood) };
}

/** Feeds rows [from, to) of a fed sequence (values, seconds since the epoch) to s, writing their
 * terms at the same places of `out`. */
export function contextTerms(s: ContextState, values: Float64Array, seconds: Float64Array, from: number, to: number, out: ContextColumns, p: DetectorParams): void {
  for (let j = from; j < to; j++) {
    const x = clipInput(values[j]!);
    out.novelty[j] = noveltyTerm(s, x, p);
    out.seasonal[j] = seasonalTerm(s, x, seconds[j]!, p);
    out.scale[j] = s.seasonal.scale;
  }
}

/** A job of the helper: the caller writes the rows it will feed (`values`, `seconds`, in feed
 * order, `steps` of them) and calls start(); waitFor(j) returns once the terms of rows 0..j are in
 * the columns (how many are, more than j). */
export interface ContextJob extends ContextColumns {
  values: Float64Array;
  seconds: Float64Array;
  start(): void;
  waitFor(j: number): number;
}

/** Computes context terms elsewhere. reserve() answers undefined when it cannot take a job of
 * this many rows now (the caller's detector then runs the whole step itself). */
export interface ContextHelper {
  reserve(steps: number): ContextJob | undefined;
}
