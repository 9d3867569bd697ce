// ARTime's core state as plain JSON and back. The network's weights are most of it: each
// category holds 2·window wavelet values (doubles, base64) and 2·window level values, which are
// always j/levels or 1 − j/levels (the levels and their complements, and minima of them), so
// they are stored as the byte j. The whole capacity is stored, used or not, so a state has the
// same size from the first sample on (about 200 KB of JSON at capacity 1024) and restoring it
// gives back every bit.
import { decodeFloat64, decodeUint8, encodeTypedArray } from "../typed-array-codec";
import type { FuzzyArtState } from "./fuzzy-art";
import { ARTIME_PARAMS, artimeSizes, newArtimeCore, type ArtimeCore, type ArtimeSetup } from "./artime-core";

export interface ArtJSON {
  count: number;
  steps: number;
  /** capacity × window·2 doubles: the wavelet weights, then their complements' weights. */
  wavelet: string;
  /** capacity × window·2 bytes j: level weight j/levels, then complement weight 1 − j/levels. */
  levels: string;
  lastUsed: string;
}

export interface ArtimeCoreJSON extends Omit<ArtimeCore, "sizes" | "front" | "art" | "learning" | "recentMatches" | "recentGaps"> {
  setup: ArtimeSetup;
  front: {
    recent: number[];
    samples: number;
    made: number;
    movingAverage: number;
    median: { counts: number[]; level: number; below: number; above: number; n: number };
    values: number[];
  };
  art: ArtJSON;
  /** The learning period's feature vectors so far, concatenated (base64 doubles). */
  learning: string;
  recentMatches: string;
  recentGaps: string;
}

/** The four blocks of a category's 4·window weights: wavelet, level, their complements. */
function blocks(window: number): { wavelet: [number, number][]; levels: [number, number, boolean][] } {
  return {
    wavelet: [[0, window], [2 * window, 3 * window]],
    levels: [[window, 2 * window, false], [3 * window, 4 * window, true]],
  };
}

function artToJSON(art: FuzzyArtState, window: number, levels: number): ArtJSON {
  const width = 4 * window, cap = art.capacity;
  const wavelet = new Float64Array(cap * 2 * window), codes = new Uint8Array(cap * 2 * window);
  const b = blocks(window);
  for (let j = 0; j < cap; j++) {
    let w = j * 2 * window, c = j * 2 * window;
    for (const [from, to] of b.wavelet) for (let k = from; k < to; k++) wavelet[w++] = art.weights[j * width + k];
    for (const [from, to, complement] of b.levels) {
      for (let k = from; k < to; k++) {
        const v = art.weights[j * width + k];
        const code = Math.round((complement ? 1 - v : v) * levels);
        if ((complement ? 1 - code / levels : code / levels) !== v) throw new Error(`ARTime state: level weight ${v} is not a level`);
        codes[c++] = code;
      }
    }
  }
  return { count: art.count, steps: art.steps, wavelet: encodeTypedArray(wavelet), levels: encodeTypedArray(codes), lastUsed: encodeTypedArray(art.lastUsed) };
}

function artFromJSON(json: ArtJSON, art: FuzzyArtState, window: number, levels: number): void {
  const width = 4 * window, cap = art.capacity;
  const wavelet = decodeFloat64(json?.wavelet, "ARTime state art.wavelet");
  const codes = decodeUint8(json?.levels, "ARTime state art.levels");
  const lastUsed = decodeFloat64(json?.lastUsed, "ARTime state art.lastUsed");
  if (wavelet.length !== cap * 2 * window || codes.length !== cap * 2 * window || lastUsed.length !== cap) throw new RangeError(`ARTime state: the network is not sized for ${cap} categories`);
  if (!(Number.isInteger(json.count) && json.count >= 0 && json.count <= cap)) throw new RangeError(`ARTime state: ${json.count} categories for a capacity of ${cap}`);
  const b = blocks(window);
  for (let j = 0; j < cap; j++) {
    let w = j * 2 * window, c = j * 2 * window;
    for (const [from, to] of b.wavelet) for (let k = from; k < to; k++) art.weights[j * width + k] = wavelet[w++];
    for (const [from, to, complement] of b.levels) {
      for (let k = from; k < to; k++) {
        const code = codes[c++];
        if (code > levels) throw new RangeError(`ARTime state: level code ${code} above ${levels}`);
        art.weights[j * width + k] = complement ? 1 - code / levels : code / levels;
      }
    }
    let s = 0;
    for (let k = 0; k < width; k++) s += art.weights[j * width + k];
    art.weightSums[j] = s;
  }
  art.lastUsed.set(lastUsed);
  art.count = json.count;
  art.steps = json.steps;
}

/** A JSON-ready copy of the core (nothing in it aliases the live state). */
export function artimeCoreToJSON(c: ArtimeCore, setup: ArtimeSetup): ArtimeCoreJSON {
  const f = c.front;
  const learning = new Float64Array(c.learning.length * 2 * c.sizes.window);
  c.learning.forEach((v, k) => learning.set(v, k * v.length));
  return {
    setup: { ...setup },
    front: {
      recent: Array.from(f.recent), samples: f.samples, made: f.made, movingAverage: f.movingAverage,
      median: { counts: Array.from(f.median.counts), level: f.median.level, below: f.median.below, above: f.median.above, n: f.median.n },
      values: Array.from(f.values),
    },
    art: artToJSON(c.art, c.sizes.window, c.sizes.levels),
    learning: encodeTypedArray(learning),
    rhoLb: c.rhoLb, rhoUb: c.rhoUb,
    lastAnomaly: c.lastAnomaly, lastAnomalyMatch: c.lastAnomalyMatch, lastRhoUpdate: c.lastRhoUpdate,
    maskAfterCategory: c.maskAfterCategory, sinceNewCategory: c.sinceNewCategory,
    anomalies: { ...c.anomalies },
    matchMean: { ...c.matchMean },
    recentMatches: encodeTypedArray(c.recentMatches),
    recentGaps: encodeTypedArray(c.recentGaps),
  };
}

function numbers(x: unknown, length: number, what: string): number[] {
  if (!Array.isArray(x) || x.length !== length || !x.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new RangeError(`ARTime state: ${what} is not ${length} finite numbers`);
  }
  return x;
}

function sized(a: Float64Array, length: number, what: string): Float64Array {
  if (a.length !== length) throw new RangeError(`ARTime state: ${what} holds ${a.length} values, expected ${length}`);
  return a;
}

function finiteFields(o: unknown, names: string[], what: string): void {
  if (typeof o !== "object" || o === null) throw new RangeError(`ARTime state: ${what} is not an object`);
  for (const n of names) {
    const v = (o as Record<string, unknown>)[n];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`ARTime state: ${what}.${n} is not a finite number`);
  }
}

/** Reads what artimeCoreToJSON wrote (after a JSON round trip). */
export function artimeCoreFromJSON(json: ArtimeCoreJSON, p = ARTIME_PARAMS): ArtimeCore {
  finiteFields(json, ["rhoLb", "rhoUb", "lastAnomaly", "lastAnomalyMatch", "lastRhoUpdate", "sinceNewCategory"], "core");
  finiteFields(json.anomalies, ["count", "sumBefore", "last"], "core.anomalies");
  finiteFields(json.matchMean, ["mean", "n"], "core.matchMean");
  finiteFields(json.front, ["samples", "made", "movingAverage"], "core.front");
  finiteFields(json.front.median, ["level", "below", "above", "n"], "core.front.median");
  finiteFields(json.art, ["count", "steps"], "core.art");
  const setup = json.setup;
  finiteFields(setup, ["min", "max", "probation"], "core.setup");
  const sizes = artimeSizes(setup, p);
  const c = newArtimeCore(setup, p);
  const f = json.front;
  c.front.recent.set(numbers(f.recent, sizes.step, "front.recent"));
  c.front.values.set(numbers(f.values, sizes.window, "front.values"));
  c.front.median.counts.set(numbers(f.median?.counts, sizes.levels + 1, "front.median.counts"));
  Object.assign(c.front, { samples: f.samples, made: f.made, movingAverage: f.movingAverage });
  Object.assign(c.front.median, { level: f.median.level, below: f.median.below, above: f.median.above, n: f.median.n });
  artFromJSON(json.art, c.art, sizes.window, sizes.levels);
  const width = 2 * sizes.window;
  const learning = decodeFloat64(json.learning, "ARTime state learning");
  if (learning.length % width !== 0 || learning.length / width >= sizes.trendWindow) throw new RangeError("ARTime state: learning holds no whole, unfinished period");
  for (let k = 0; k < learning.length; k += width) c.learning.push(learning.slice(k, k + width));
  c.recentMatches.set(sized(decodeFloat64(json.recentMatches, "ARTime state recentMatches"), c.recentMatches.length, "recentMatches"));
  c.recentGaps.set(sized(decodeFloat64(json.recentGaps, "ARTime state recentGaps"), c.recentGaps.length, "recentGaps"));
  Object.assign(c, {
    rhoLb: json.rhoLb, rhoUb: json.rhoUb, lastAnomaly: json.lastAnomaly, lastAnomalyMatch: json.lastAnomalyMatch,
    lastRhoUpdate: json.lastRhoUpdate, maskAfterCategory: json.maskAfterCategory === true, sinceNewCategory: json.sinceNewCategory,
    anomalies: { count: json.anomalies.count, sumBefore: json.anomalies.sumBefore, last: json.anomalies.last },
    matchMean: { mean: json.matchMean.mean, n: json.matchMean.n },
  });
  return c;
}
