// A SeriesHistory (./series-judgement.ts) as JSON text and back: the detector's own state
// (Pipeline.toJSON) and the kept decisions as base64 of their bytes (./typed-array-codec.ts), so
// ten thousand decisions are three strings that JSON reads at memory speed.
import { DefaultDetectorPipeline } from "./default-detector/default-pipeline";
import type { PipelineState } from "./pipeline-types";
import type { SeriesHistory } from "./series-judgement";
import { decodeFloat64, decodeUint8, encodeTypedArray } from "./typed-array-codec";

/** 1: the first form. */
const HISTORY_VERSION = 1;

interface HistoryJSON {
  version: number;
  pipeline: PipelineState;
  /** null for -Infinity (nothing fed yet). */
  lastMs: number | null;
  times: string;
  scores: string;
  flags: string;
}

export function historyToText(h: SeriesHistory): string {
  const json: HistoryJSON = {
    version: HISTORY_VERSION, pipeline: h.pipeline.toJSON(), lastMs: Number.isFinite(h.lastMs) ? h.lastMs : null,
    times: encodeTypedArray(h.times), scores: encodeTypedArray(h.scores), flags: encodeTypedArray(h.flags),
  };
  return JSON.stringify(json);
}

/** Throws RangeError (or SyntaxError) for text that is not a history this program wrote. */
export function historyFromText(text: string): SeriesHistory {
  const j = JSON.parse(text) as HistoryJSON;
  if (j?.version !== HISTORY_VERSION) throw new RangeError(`series history version ${j?.version} is not supported (expected ${HISTORY_VERSION})`);
  if (!(j.lastMs === null || Number.isFinite(j.lastMs))) throw new RangeError("series history: bad lastMs");
  const times = decodeFloat64(j.times, "series history times"), scores = decodeFloat64(j.scores, "series history scores"), flags = decodeUint8(j.flags, "series history flags");
  if (scores.length !== times.length || flags.length !== times.length) throw new RangeError("series history: times, scores and flags differ in length");
  return { pipeline: DefaultDetectorPipeline.restore(j.pipeline), lastMs: j.lastMs ?? -Infinity, times, scores, flags };
}
