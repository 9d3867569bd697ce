// The scorer on the real development corpus reproduces what NAB's own scorer gives the three
// published detectors (expected_scores.json): normalized to ±0.01 (the tolerance; the
// file gives 2 decimals), raw to ±1e-4 (4 decimals given), threshold to ±1e-6 (6 decimals given).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCorpus, timestampKey } from "./corpus";
import { readResults } from "./results-io";
import { scoreProfiles } from "./scorer";

const corpus = loadCorpus();
const expected = JSON.parse(readFileSync(join(corpus.dir, "expected_scores.json"), "utf8")) as {
  windows: number;
  scores: Record<string, Record<string, { threshold: number; raw: number; normalized: number }>>;
};

test("corpus: files, rows, windows as row indices", () => {
  assert.is(corpus.files.length, 35);
  assert.is(corpus.windowCount, expected.windows);
  assert.is(corpus.files.reduce((n, f) => n + f.length, 0), 181653);
  assert.equal(Object.keys(corpus.profiles).sort(), ["reward_low_FN_rate", "reward_low_FP_rate", "standard"]);
  // SCORING.md: ec2_cpu_utilization_825cc2's two labels became one window of 343 rows.
  const f = corpus.files.find((x) => x.name === "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv")!;
  assert.is(f.windows.length, 1);
  assert.is(f.windows[0][1] - f.windows[0][0] + 1, 343);
  assert.is(timestampKey(f.timestamps[f.windows[0][0]]), timestampKey("2014-04-15 07:24:00.000000"));
  // A 4032-row file with one label gets a 403-row window.
  const one = corpus.files.find((x) => x.name === "artificialWithAnomaly/art_daily_jumpsup.csv")!;
  assert.is(one.windows[0][1] - one.windows[0][0] + 1, 403);
});

for (const detector of Object.keys(expected.scores)) {
  test(`reproduces expected_scores.json for ${detector}`, () => {
    const results = readResults(join(corpus.dir, "results"), detector, corpus.files);
    const got = scoreProfiles(corpus, results, corpus.profiles);
    for (const [profile, e] of Object.entries(expected.scores[detector])) {
      const g = got[profile];
      const msg = `${detector} ${profile}: got θ=${g.threshold} raw=${g.raw} norm=${g.normalized}, expected ${JSON.stringify(e)}`;
      assert.ok(Math.abs(g.normalized - e.normalized) <= 0.01, msg);
      assert.ok(Math.abs(g.raw - e.raw) <= 1e-4, msg);
      assert.ok(Math.abs(g.threshold - e.threshold) <= 1e-6, msg);
    }
  });
}

test("the perfect detector scores 100 and the null detector 0 on every profile", () => {
  const perfect = new Map(corpus.files.map((f) => {
    const s = new Float64Array(f.length);
    for (const [a] of f.windows) s[a] = 1;
    return [f.name, s] as const;
  }));
  const nul = new Map(corpus.files.map((f) => [f.name, new Float64Array(f.length).fill(0.5)] as const));
  for (const [p, r] of Object.entries(scoreProfiles(corpus, perfect, corpus.profiles))) assert.ok(Math.abs(r.normalized - 100) < 1e-9, `${p}: ${r.normalized}`);
  for (const [p, r] of Object.entries(scoreProfiles(corpus, nul, corpus.profiles))) assert.ok(Math.abs(r.normalized) < 1e-9, `${p}: ${r.normalized}`);
});

test("a published results set with one file removed is refused", () => {
  const results = readResults(join(corpus.dir, "results"), "numenta", corpus.files);
  results.delete("realKnownCause/nyc_taxi.csv");
  assert.throws(() => scoreProfiles(corpus, results, corpus.profiles), /1 of 35 corpus files missing \(realKnownCause\/nyc_taxi\.csv\)/);
});

test.run();
