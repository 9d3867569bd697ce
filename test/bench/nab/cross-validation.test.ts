// Leave-one-category-out cross-validation on small hand-built corpora whose right answers are
// known: the fold split, a variant that wins in-sample only through one category losing under CV,
// and the pooled figure equal to the scorer on the binarised rows.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../src/detect/rng";
import { binarise, categoryFolds, crossValidate, type Candidate, type CategorisedFile, type CvCorpus } from "./cross-validation";
import { scoreAtThreshold, scoreCorpus, type Profile } from "./scorer";

const std: Profile = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const profiles = { standard: std };

function corpusOf(files: CategorisedFile[]): CvCorpus {
  return { files, windowCount: files.reduce((n, f) => n + f.windows.length, 0) };
}

/** 1000 rows (probation 150); `windows` 10-row windows starting at 300, 400, ... */
function fileIn(category: string, windows: number): CategorisedFile {
  return { name: `${category}/f.csv`, category, length: 1000, windows: Array.from({ length: windows }, (_, k): [number, number] => [300 + 100 * k, 309 + 100 * k]) };
}

/** 0/1 scores: a detection at the first row of the windows listed, and at the rows given. */
function detections(f: CategorisedFile, windows: number[], rows: number[] = []): Float64Array {
  const s = new Float64Array(f.length);
  for (const w of windows) s[f.windows[w][0]] = 1;
  for (const r of rows) s[r] = 1;
  return s;
}

test("one fold per category: held out once, trained on the others, together the whole corpus", () => {
  const corpus = corpusOf([fileIn("b", 1), fileIn("a", 2), { ...fileIn("a", 0), name: "a/g.csv" }, fileIn("c", 3)]);
  const folds = categoryFolds(corpus);
  assert.equal(folds.map((f) => f.category), ["a", "b", "c"]);
  for (const f of folds) {
    assert.ok(f.test.files.every((x) => x.category === f.category));
    assert.ok(f.train.files.every((x) => x.category !== f.category));
    assert.is(f.train.files.length + f.test.files.length, corpus.files.length);
    assert.is(f.train.windowCount + f.test.windowCount, corpus.windowCount);
  }
  assert.equal(folds.flatMap((f) => f.test.files.map((x) => x.name)).sort(), corpus.files.map((x) => x.name).sort());
  assert.throws(() => categoryFolds(corpusOf([fileIn("a", 1)])), /at least two categories/);
});

test("a variant that wins in-sample only through one category loses under cross-validation", () => {
  // c1 has 6 windows, c2..c4 two each. A finds the first half of every category's windows (raw 0
  // per category: +1 per found window at its first row, -1 per missed one). B finds all of c1 (+6)
  // and one window elsewhere, with an FP row before the first window (-0.11 each, standard profile).
  const files = [fileIn("c1", 6), fileIn("c2", 2), fileIn("c3", 2), fileIn("c4", 2)];
  const corpus = corpusOf(files);
  const a: Candidate = { label: "A", scores: new Map(files.map((f) => [f.name, detections(f, f.windows.map((_, k) => k).slice(0, f.windows.length / 2))])) };
  const b: Candidate = { label: "B", scores: new Map(files.map((f) => [f.name, f.category === "c1" ? detections(f, [0, 1, 2, 3, 4, 5]) : detections(f, [0], [200])])) };
  const inA = scoreCorpus(corpus, a.scores, std), inB = scoreCorpus(corpus, b.scores, std);
  assert.ok(Math.abs(inA.raw) < 1e-12, `A in-sample raw ${inA.raw}`);
  assert.ok(Math.abs(inB.raw - (6 - 3 * 0.11)) < 1e-12, `B in-sample raw ${inB.raw}`);

  const family = crossValidate(corpus, [a, b], profiles).standard;
  // Holding out c1, B's training score is -0.33 and A's 0: A is chosen, and c1 scores only 0.
  const c1 = family.folds.find((f) => f.category === "c1")!;
  assert.is(c1.candidate, 0);
  assert.ok(Math.abs(c1.score.raw) < 1e-12);
  // Holding out c2 (or c3, c4), c1 is in training and B wins there: the held-out category gets B's -0.11.
  for (const f of family.folds.filter((x) => x.category !== "c1")) {
    assert.is(f.candidate, 1, f.category);
    assert.ok(Math.abs(f.score.raw + 0.11) < 1e-12, `${f.category}: ${f.score.raw}`);
  }
  const aAlone = crossValidate(corpus, [a], profiles).standard;
  assert.ok(Math.abs(family.pooled.raw + 0.33) < 1e-12, `family pooled raw ${family.pooled.raw}`);
  assert.ok(family.pooled.normalized < aAlone.pooled.normalized, `CV: family ${family.pooled.normalized} vs A alone ${aAlone.pooled.normalized}`);
  assert.ok(family.pooled.normalized < scoreCorpus(corpus, b.scores, std).normalized, "CV below B's in-sample figure");
  assert.is(family.inSample.normalized, inA.normalized, "in-sample is candidate 0's");
});

test("pooled = the scorer on every file's rows binarised at its own fold's threshold = the sum of the folds' raw scores", () => {
  const rng = new Rng(5);
  const files: CategorisedFile[] = [];
  for (const c of ["p", "q", "r", "s"]) {
    for (let k = 0; k < 3; k++) {
      const length = 300 + Math.floor(rng.nextFloat() * 700);
      const w = c === "s" ? [] : [[Math.floor(length * 0.3), Math.floor(length * 0.3) + 20], [Math.floor(length * 0.7), Math.floor(length * 0.7) + 30]] as [number, number][];
      files.push({ name: `${c}/f${k}.csv`, category: c, length, windows: w });
    }
  }
  const corpus = corpusOf(files);
  const candidates: Candidate[] = [0, 1, 2].map((seed) => {
    const r = new Rng(100 + seed);
    return { label: String(seed), scores: new Map(files.map((f) => [f.name, Float64Array.from({ length: f.length }, () => r.nextFloat() ** 8)])) };
  });
  const allProfiles = { standard: std, lowFP: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 }, lowFN: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 } };
  for (const [name, cv] of Object.entries(crossValidate(corpus, candidates, allProfiles))) {
    const profile = allProfiles[name as keyof typeof allProfiles];
    const rows = new Map<string, Uint8Array>();
    for (const fold of cv.folds) {
      for (const f of files.filter((x) => x.category === fold.category)) rows.set(f.name, binarise(candidates[fold.candidate].scores.get(f.name)!, fold.threshold));
    }
    const expected = scoreAtThreshold(corpus, rows, 1, profile);
    assert.is(cv.pooled.raw, expected.raw, name);
    assert.is(cv.pooled.normalized, expected.normalized, name);
    const sum = cv.folds.reduce((s, f) => s + f.score.raw, 0);
    assert.ok(Math.abs(cv.pooled.raw - sum) < 1e-9, `${name}: pooled raw ${cv.pooled.raw}, folds sum ${sum}`);
    const noWindows = cv.folds.find((f) => f.category === "s")!;
    assert.is(noWindows.windows, 0);
    assert.ok(Number.isNaN(noWindows.score.normalized) || !Number.isFinite(noWindows.score.normalized), "a category without windows has no normalised score");
  }
});

test.run();
