// The NAB v1.1 score, written from test/fixtures/nab/SCORING.md (Lavin & Ahmad 2015,
// arXiv:1510.03336): per-row weights from a scaled sigmoid, the probationary period, the earliest
// detection per window, one threshold per profile optimised over the pooled corpus, and the
// normalisation null = 0, perfect = 100. Pure functions over arrays; no I/O.

export interface Profile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** What the scorer needs of a corpus file: its row count and its windows as inclusive row ranges. */
export interface ScoringFile {
  name: string;
  length: number;
  windows: [number, number][];
}

export interface ScoringCorpus {
  files: ScoringFile[];
  /** All windows of the corpus (the normalisation's denominator). */
  windowCount: number;
}

/** Detector output: file name -> anomaly score per row, row-aligned with the data. */
export type ScoresByFile = ReadonlyMap<string, ArrayLike<number>>;

export interface FileScore {
  file: string;
  score: number;
  /** Windows with a detection (TPs, one per window), windows missed (FNs), FP rows. */
  detected: number;
  missed: number;
  falsePositives: number;
}

export interface CorpusScore {
  threshold: number;
  raw: number;
  normalized: number;
  perFile: FileScore[];
}

/** The threshold that detects nothing (NAB's first candidate). */
export const NO_DETECTION_THRESHOLD = 1.1;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** 2·sigmoid(-5y) - 1, exactly -1 beyond y = 3. */
export function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 * sigmoid(-5 * y) - 1;
}

/** scaledSigmoid(-1): the weight of a window's first row before scaling to tpWeight. */
export const MAX_TP = scaledSigmoid(-1);

/** Rows below this index are ignored: min(floor(0.15 n), 0.15 * 5000). */
export function probationaryLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
}

/** Per-row weights with tpWeight = fpWeight = 1 (a profile scales them linearly).
 * window[i] = index of the window holding row i, or -1; weight[i] = the TP value inside a window,
 * the (negative) FP value outside. */
function unitRowWeights(file: ScoringFile): { window: Int32Array; weight: Float64Array } {
  const n = file.length;
  const window = new Int32Array(n).fill(-1);
  const weight = new Float64Array(n);
  let next = 0; // the next window not yet entered
  let prevEnd = -1, prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const w = file.windows[next];
    if (w && i >= w[0] && i <= w[1]) {
      const width = w[1] - w[0] + 1;
      window[i] = next;
      weight[i] = scaledSigmoid(-(w[1] - i + 1) / width) / MAX_TP;
      if (i === w[1]) { prevEnd = w[1]; prevWidth = width; next++; }
    } else if (prevEnd < 0) {
      weight[i] = -1; // no window has ended yet
    } else {
      // Judged only against the window before it, over (w' - 1) as NAB does; a 1-row window
      // divides by 0, giving +Infinity and the full penalty.
      weight[i] = scaledSigmoid((i - prevEnd) / (prevWidth - 1));
    }
  }
  return { window, weight };
}

function checkWindows(file: ScoringFile): void {
  let prevEnd = -1;
  for (const [s, e] of file.windows) {
    if (!(Number.isInteger(s) && Number.isInteger(e) && s > prevEnd && e >= s && e < file.length)) {
      throw new Error(`${file.name}: windows must be sorted, non-overlapping row ranges inside 0..${file.length - 1}, got ${JSON.stringify(file.windows)}`);
    }
    prevEnd = e;
  }
}

/** Refuses a results set that does not cover the corpus row for row with scores in [0, 1]. */
function validateScores(corpus: ScoringCorpus, scores: ScoresByFile): void {
  const missing = corpus.files.filter((f) => !scores.has(f.name)).map((f) => f.name);
  if (missing.length) {
    throw new Error(`results incomplete: ${missing.length} of ${corpus.files.length} corpus files missing (${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}); NAB would silently drop their FNs and FPs, so this scorer refuses`);
  }
  const known = new Set(corpus.files.map((f) => f.name));
  const extra = [...scores.keys()].filter((k) => !known.has(k));
  if (extra.length) throw new Error(`results for files not in the corpus: ${extra.slice(0, 5).join(", ")}`);
  for (const f of corpus.files) {
    const s = scores.get(f.name)!;
    if (s.length !== f.length) throw new Error(`${f.name}: ${s.length} scores for ${f.length} data rows (results must be row-aligned with the data)`);
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (!(v >= 0 && v <= 1)) throw new Error(`${f.name}: row ${i}: anomaly score ${v} outside [0, 1]`);
    }
  }
}

/** Score of one file at threshold θ (a row is a detection iff score >= θ). */
export function scoreFile(file: ScoringFile, scores: ArrayLike<number>, threshold: number, profile: Profile): FileScore {
  checkWindows(file);
  const { window, weight } = unitRowWeights(file);
  const p = probationaryLength(file.length);
  const best = new Float64Array(file.windows.length).fill(NaN);
  let fp = 0, falsePositives = 0;
  for (let i = p; i < file.length; i++) {
    if (!(scores[i] >= threshold)) continue;
    const w = window[i];
    if (w < 0) { fp += profile.fpWeight * weight[i]; falsePositives++; }
    else {
      const tp = profile.tpWeight * weight[i];
      if (!(tp <= best[w])) best[w] = tp; // NaN (no detection yet) or a higher (earlier) value
    }
  }
  let score = fp, detected = 0, missed = 0;
  file.windows.forEach(([, e], w) => {
    if (e < p) return; // wholly probationary: neither TP nor FN
    if (Number.isNaN(best[w])) { score -= profile.fnWeight; missed++; }
    else { score += best[w]; detected++; }
  });
  return { file: file.name, score, detected, missed, falsePositives };
}

export function normalize(raw: number, profile: Profile, windowCount: number): number {
  const nullScore = -profile.fnWeight * windowCount;
  const perfect = profile.tpWeight * windowCount;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** Corpus score at a given threshold: the sum of the file scores, normalised. */
export function scoreAtThreshold(corpus: ScoringCorpus, scores: ScoresByFile, threshold: number, profile: Profile): CorpusScore {
  validateScores(corpus, scores);
  const perFile = corpus.files.map((f) => scoreFile(f, scores.get(f.name)!, threshold, profile));
  const raw = perFile.reduce((s, f) => s + f.score, 0);
  return { threshold, raw, normalized: normalize(raw, profile, corpus.windowCount), perFile };
}

/** The non-probationary rows of all files, sorted by score (highest first), with their unit
 * weights and corpus-wide window ids: computed once, swept once per profile. */
export interface Pool {
  score: Float64Array;
  weight: Float64Array;
  window: Int32Array;
  /** Row indices into score/weight/window, by descending score. */
  order: Uint32Array;
  /** Windows that have at least one non-probationary row. */
  scoredWindows: number;
  windowSlots: number;
}

export function poolScores(corpus: ScoringCorpus, scores: ScoresByFile): Pool {
  validateScores(corpus, scores);
  let total = 0;
  for (const f of corpus.files) total += f.length - probationaryLength(f.length);
  const pool: Pool = {
    score: new Float64Array(total), weight: new Float64Array(total), window: new Int32Array(total),
    order: new Uint32Array(total), scoredWindows: 0, windowSlots: 0,
  };
  let k = 0;
  for (const f of corpus.files) {
    checkWindows(f);
    const s = scores.get(f.name)!;
    const { window, weight } = unitRowWeights(f);
    const p = probationaryLength(f.length);
    for (const [, e] of f.windows) if (e >= p) pool.scoredWindows++;
    for (let i = p; i < f.length; i++, k++) {
      pool.score[k] = s[i];
      pool.weight[k] = weight[i];
      pool.window[k] = window[i] < 0 ? -1 : pool.windowSlots + window[i];
      pool.order[k] = k;
    }
    pool.windowSlots += f.windows.length;
  }
  const sc = pool.score;
  pool.order.sort((a, b) => sc[b] - sc[a]);
  return pool;
}

/** Sweeps the candidate thresholds (1.1, then every distinct score, descending) keeping the
 * per-window best TP and the FP sum; returns the threshold of the highest raw score, the higher
 * threshold on ties. O(N) after the sort. */
export function sweepThreshold(pool: Pool, profile: Profile): { threshold: number; raw: number } {
  const { score, weight, window, order } = pool;
  const best = new Float64Array(pool.windowSlots).fill(NaN);
  let s = -profile.fnWeight * pool.scoredWindows;
  let bestRaw = s, bestThreshold = NO_DETECTION_THRESHOLD;
  let i = 0;
  while (i < order.length) {
    const v = score[order[i]];
    for (; i < order.length && score[order[i]] === v; i++) {
      const r = order[i], w = window[r];
      if (w < 0) s += profile.fpWeight * weight[r];
      else {
        const tp = profile.tpWeight * weight[r];
        if (Number.isNaN(best[w])) { s += tp + profile.fnWeight; best[w] = tp; }
        else if (tp > best[w]) { s += tp - best[w]; best[w] = tp; }
      }
    }
    if (s > bestRaw) { bestRaw = s; bestThreshold = v; }
  }
  return { threshold: bestThreshold, raw: bestRaw };
}

/** NAB's optimise-then-score for one profile. */
export function scoreCorpus(corpus: ScoringCorpus, scores: ScoresByFile, profile: Profile): CorpusScore {
  const { threshold } = sweepThreshold(poolScores(corpus, scores), profile);
  return scoreAtThreshold(corpus, scores, threshold, profile);
}

/** scoreCorpus for several profiles, sorting the pooled rows once. */
export function scoreProfiles(corpus: ScoringCorpus, scores: ScoresByFile, profiles: Record<string, Profile>): Record<string, CorpusScore> {
  const pool = poolScores(corpus, scores);
  const out: Record<string, CorpusScore> = {};
  for (const [name, profile] of Object.entries(profiles)) {
    out[name] = scoreAtThreshold(corpus, scores, sweepThreshold(pool, profile).threshold, profile);
  }
  return out;
}
