// Leave-one-category-out cross-validation of a detector on the NAB corpus (issue 12 part 1): for
// each category, every setting chosen by looking at scores (which candidate of a family of
// variants, and the threshold) is chosen on the other categories only, then the held-out category
// is scored with it. The pooled figure binarises every file's scores at its own fold's threshold
// and scores all files together, normalised over all windows, so it is comparable with the
// in-sample figure (candidate 0, the detector as shipped, threshold optimised on everything).
// Pure functions over score arrays; no I/O.
import { poolScores, scoreAtThreshold, scoreProfiles, sweepThreshold, type CorpusScore, type Profile, type ScoresByFile, type ScoringCorpus, type ScoringFile } from "./scorer";

export interface CategorisedFile extends ScoringFile {
  category: string;
}

export interface CvCorpus extends ScoringCorpus {
  files: CategorisedFile[];
}

/** One setting of a detector family, run over every corpus file. */
export interface Candidate {
  label: string;
  scores: ScoresByFile;
}

export interface Fold {
  category: string;
  train: CvCorpus;
  test: CvCorpus;
}

export interface FoldResult {
  category: string;
  /** Index of the candidate chosen on the training categories. */
  candidate: number;
  threshold: number;
  /** The held-out category scored alone at that setting (normalised over its own windows; NaN
   * when it has none: read perFile's falsePositives then). */
  score: CorpusScore;
  windows: number;
}

export interface ProfileCv {
  /** Candidate 0 with the threshold optimised on the whole corpus (what NAB reports). */
  inSample: CorpusScore;
  folds: FoldResult[];
  /** Every file at its own fold's setting, scored and normalised together. */
  pooled: CorpusScore;
}

/** The files of `corpus` that pass `keep`, with their own window count. */
export function subCorpus(corpus: CvCorpus, keep: (f: CategorisedFile) => boolean): CvCorpus {
  const files = corpus.files.filter(keep);
  return { files, windowCount: files.reduce((n, f) => n + f.windows.length, 0) };
}

/** One fold per category (sorted by name): that category held out, the others for training. */
export function categoryFolds(corpus: CvCorpus): Fold[] {
  const categories = [...new Set(corpus.files.map((f) => f.category))].sort();
  if (categories.length < 2) throw new Error(`cross-validation needs at least two categories, got ${categories.join(", ") || "none"}`);
  return categories.map((category) => ({
    category,
    train: subCorpus(corpus, (f) => f.category !== category),
    test: subCorpus(corpus, (f) => f.category === category),
  }));
}

/** The scores of `corpus`'s files only (the scorer refuses results for files it does not hold). */
export function restrictScores(corpus: ScoringCorpus, scores: ScoresByFile): Map<string, ArrayLike<number>> {
  const out = new Map<string, ArrayLike<number>>();
  for (const f of corpus.files) {
    const s = scores.get(f.name);
    if (s) out.set(f.name, s);
  }
  return out;
}

/** 1 where score >= threshold, else 0: a decision that scores the same at any threshold in (0, 1]. */
export function binarise(scores: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i] >= threshold ? 1 : 0;
  return out;
}

/** For each profile, the candidate and threshold with the highest raw score on `train`; ties go
 * to the earlier candidate (the shipped setting first), then to the higher threshold. */
export function chooseSettings(train: ScoringCorpus, candidates: Candidate[], profiles: Record<string, Profile>): Record<string, { candidate: number; threshold: number }> {
  const best: Record<string, { candidate: number; threshold: number; raw: number }> = {};
  candidates.forEach((c, k) => {
    const pool = poolScores(train, restrictScores(train, c.scores));
    for (const [name, profile] of Object.entries(profiles)) {
      const { threshold, raw } = sweepThreshold(pool, profile);
      if (!best[name] || raw > best[name].raw) best[name] = { candidate: k, threshold, raw };
    }
  });
  return Object.fromEntries(Object.entries(best).map(([name, { candidate, threshold }]) => [name, { candidate, threshold }]));
}

/** Leave-one-category-out cross-validation of a family of candidates, for every profile. */
export function crossValidate(corpus: CvCorpus, candidates: Candidate[], profiles: Record<string, Profile>): Record<string, ProfileCv> {
  if (candidates.length === 0) throw new Error("cross-validation needs at least one candidate");
  const inSample = scoreProfiles(corpus, candidates[0].scores, profiles);
  const folds = categoryFolds(corpus).map((fold) => ({ fold, chosen: chooseSettings(fold.train, candidates, profiles) }));
  const out: Record<string, ProfileCv> = {};
  for (const [name, profile] of Object.entries(profiles)) {
    const decisions = new Map<string, Uint8Array>();
    const results = folds.map(({ fold, chosen }): FoldResult => {
      const { candidate, threshold } = chosen[name];
      const scores = restrictScores(fold.test, candidates[candidate].scores);
      for (const [file, s] of scores) decisions.set(file, binarise(s, threshold));
      return { category: fold.category, candidate, threshold, score: scoreAtThreshold(fold.test, scores, threshold, profile), windows: fold.test.windowCount };
    });
    out[name] = { inSample: inSample[name], folds: results, pooled: scoreAtThreshold(corpus, decisions, 1, profile) };
  }
  return out;
}
