// Hand-computed cases for the NAB scorer (SCORING.md). The expected values use the identity
// 2·sigmoid(x) - 1 = tanh(x/2), so they are computed differently from the code under test.
// Tolerance 1e-12: the same quantities in double precision, only the formula differs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  MAX_TP, NO_DETECTION_THRESHOLD, normalize, probationaryLength, scaledSigmoid, scoreAtThreshold, scoreCorpus,
  scoreFile, sweepThreshold, poolScores, type Profile, type ScoringCorpus, type ScoringFile,
} from "./scorer";

const std: Profile = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const close = (a: number, b: number, what: string, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

/** 100 rows (probation = 15) and one 10-row window [40, 49]. */
const file: ScoringFile = { name: "a/f.csv", length: 100, windows: [[40, 49]] };
const detections = (n: number, rows: number[], value = 1) => {
  const s = new Float64Array(n);
  for (const r of rows) s[r] = value;
  return s;
};

test("scaled sigmoid: 0 at 0, -1 beyond 3, maxTP", () => {
  close(scaledSigmoid(0), 0, "y=0");
  close(scaledSigmoid(3), -Math.tanh(7.5), "y=3 still the sigmoid");
  assert.is(scaledSigmoid(3.0000001), -1);
  close(MAX_TP, 0.9866142981514303, "maxTP", 1e-15);
  close(scaledSigmoid(-1), Math.tanh(2.5), "y=-1");
});

test("probationary length: 15% capped at 750", () => {
  assert.is(probationaryLength(100), 15);
  assert.is(probationaryLength(4032), 604);
  assert.is(probationaryLength(4999), 749);
  assert.is(probationaryLength(22695), 750);
});

test("TP weight: first row of a window = tpWeight, last row on the sigmoid", () => {
  close(scoreFile(file, detections(100, [40]), 0.5, std).score, 1, "first row");
  // last row: pos = -1/10, tp = tanh(0.25) / tanh(2.5)
  close(scoreFile(file, detections(100, [49]), 0.5, std).score, Math.tanh(0.25) / Math.tanh(2.5), "last row");
  close(scoreFile(file, detections(100, [40]), 0.5, { tpWeight: 2, fpWeight: 0.11, fnWeight: 1 }).score, 2, "tpWeight scales");
});

test("earliest detection in a window counts, later ones add and cost nothing", () => {
  const r = scoreFile(file, detections(100, [42, 45, 47]), 0.5, std);
  // row 42: pos = -(49 - 42 + 1)/10 = -0.8 -> tanh(2)/tanh(2.5)
  close(r.score, Math.tanh(2) / Math.tanh(2.5), "row 42");
  assert.equal([r.detected, r.missed, r.falsePositives], [1, 0, 0]);
});

test("missed window costs fnWeight; threshold is score >= θ", () => {
  const s = detections(100, [40], 0.7);
  assert.is(scoreFile(file, s, 0.7, std).score, 1);
  const miss = scoreFile(file, s, 0.70001, { ...std, fnWeight: 2 });
  assert.is(miss.score, -2);
  assert.equal([miss.detected, miss.missed], [0, 1]);
});

test("probationary rows are never TP or FP; a wholly probationary window is ignored", () => {
  const early: ScoringFile = { name: "a/g.csv", length: 100, windows: [[2, 5], [40, 49]] };
  const r = scoreFile(early, detections(100, [3, 10, 14, 40]), 0.5, std);
  assert.is(r.score, 1);
  assert.equal([r.detected, r.missed, r.falsePositives], [1, 0, 0]);
  // row 15 is the first counted row: no window has ended yet -> -fpWeight
  close(scoreFile({ name: "n.csv", length: 100, windows: [] }, detections(100, [14, 15]), 0.5, std).score, -0.11, "row 15");
});

test("FP after a window uses y = (i - e')/(w' - 1), judged against the previous window only", () => {
  const missed = -1;
  // row 58: y = 9/9 = 1 -> fpWeight * -tanh(2.5)
  close(scoreFile(file, detections(100, [58]), 0.5, std).score, missed - 0.11 * Math.tanh(2.5), "row 58");
  // row 76: y = 27/9 = 3 -> -tanh(7.5); row 77: y = 28/9 > 3 -> exactly -1
  close(scoreFile(file, detections(100, [76]), 0.5, std).score, missed - 0.11 * Math.tanh(7.5), "row 76");
  close(scoreFile(file, detections(100, [77]), 0.5, std).score, missed - 0.11, "row 77");
  // right after the window the penalty is small: row 50, y = 1/9 -> -tanh(5/18)
  close(scoreFile(file, detections(100, [50]), 0.5, std).score, missed - 0.11 * Math.tanh(5 / 18), "row 50");
  // before the first window: the full penalty, whatever the next window
  close(scoreFile(file, detections(100, [39]), 0.5, std).score, missed - 0.11, "row 39");
  // each FP row counts
  const two = scoreFile(file, detections(100, [20, 21]), 0.5, std);
  close(two.score, missed - 0.22, "two FPs");
  assert.is(two.falsePositives, 2);
  // a second window: a row between the two is judged against the first one
  const f2: ScoringFile = { name: "a/h.csv", length: 100, windows: [[40, 49], [60, 69]] };
  close(scoreFile(f2, detections(100, [59]), 0.5, std).score, -2 - 0.11 * Math.tanh(50 / 18), "row 59 after [40,49]");
});

test("normalisation: null = 0, perfect = 100", () => {
  close(normalize(-55, std, 55), 0, "null");
  close(normalize(55, std, 55), 100, "perfect");
  // SCORING.md's full-corpus examples (116 windows), given to 2 decimals
  close(normalize(-24.013, std, 116), 39.65, "windowedGaussian standard", 0.005);
  close(normalize(-67.013, { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 }, 116), 47.41, "windowedGaussian low FN", 0.005);
});

// A small deterministic corpus for the sweep (mulberry32 PRNG).
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const corpus: ScoringCorpus = {
  files: [
    { name: "c/a.csv", length: 200, windows: [[60, 79], [150, 169]] },
    { name: "c/b.csv", length: 120, windows: [] },
    { name: "c/c.csv", length: 300, windows: [[100, 139]] },
  ],
  windowCount: 3,
};

test("threshold sweep = the best of every candidate scored directly (ties -> higher threshold)", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rand = rng(seed);
    // Scores on a coarse grid so many rows tie; anomalous rows score higher on average.
    const scores = new Map(corpus.files.map((f) => {
      const s = new Float64Array(f.length);
      for (let i = 0; i < f.length; i++) {
        const inWin = f.windows.some(([a, b]) => i >= a && i <= b);
        s[i] = Math.round((inWin ? 0.3 + 0.7 * rand() : rand() * 0.9) * 20) / 20;
      }
      return [f.name, s] as const;
    }));
    for (const profile of [std, { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 }, { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 }]) {
      const candidates = [NO_DETECTION_THRESHOLD, ...new Set([...scores.values()].flatMap((s) => [...s]))].sort((a, b) => b - a);
      let bestRaw = -Infinity, bestTh = NaN;
      for (const th of candidates) {
        const raw = scoreAtThreshold(corpus, scores, th, profile).raw;
        if (raw > bestRaw + 1e-9) { bestRaw = raw; bestTh = th; }
      }
      const swept = sweepThreshold(poolScores(corpus, scores), profile);
      assert.is(swept.threshold, bestTh, `seed ${seed}`);
      close(swept.raw, bestRaw, `seed ${seed} raw`, 1e-9);
      const full = scoreCorpus(corpus, scores, profile);
      close(full.raw, bestRaw, "scoreCorpus raw", 1e-9);
      close(full.normalized, normalize(bestRaw, profile, 3), "normalized");
    }
  }
});

test("sweep: a tie keeps the higher threshold; only FPs -> 1.1 (no detection)", () => {
  const tie = new Map(corpus.files.map((f) => [f.name, new Float64Array(f.length)] as const));
  tie.get("c/a.csv")![60] = 0.9; // TP at a window start
  tie.get("c/a.csv")![150] = 0.9;
  tie.get("c/c.csv")![100] = 0.9;
  tie.get("c/a.csv")![65] = 0.5; // a later row of a detected window: θ = 0.5 scores the same as 0.9
  const r = scoreCorpus(corpus, tie, std);
  assert.is(r.threshold, 0.9);
  close(r.normalized, 100, "perfect");
  const fpOnly = new Map(corpus.files.map((f) => [f.name, new Float64Array(f.length)] as const));
  fpOnly.get("c/b.csv")![50] = 1;
  const n = scoreCorpus(corpus, fpOnly, std);
  assert.is(n.threshold, NO_DETECTION_THRESHOLD);
  assert.is(n.raw, -3);
  assert.is(n.normalized, 0);
});

test("refuses a results set with a file missing, a length mismatch or a score outside [0,1]", () => {
  const ok = new Map(corpus.files.map((f) => [f.name, new Float64Array(f.length)] as const));
  const missing = new Map(ok);
  missing.delete("c/b.csv");
  assert.throws(() => scoreCorpus(corpus, missing, std), /missing \(c\/b\.csv\)/);
  assert.throws(() => scoreAtThreshold(corpus, missing, 0.5, std), /missing/);
  const short = new Map(ok);
  short.set("c/b.csv", new Float64Array(119));
  assert.throws(() => scoreCorpus(corpus, short, std), /c\/b\.csv: 119 scores for 120 data rows/);
  const bad = new Map(ok);
  bad.set("c/b.csv", Float64Array.from({ length: 120 }, (_, i) => (i === 7 ? NaN : 0)));
  assert.throws(() => scoreCorpus(corpus, bad, std), /row 7: anomaly score NaN outside \[0, 1\]/);
  const extra = new Map(ok);
  extra.set("c/zzz.csv", new Float64Array(1));
  assert.throws(() => scoreCorpus(corpus, extra, std), /not in the corpus: c\/zzz\.csv/);
});

test.run();
