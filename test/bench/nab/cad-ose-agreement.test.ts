// Our CAD OSE, run the NAB way, reproduces NAB's published contextOSE scores row by row on a few
// development files (all 35: `npx tsx test/bench/nab/cad-ose-agreement.ts`). Tolerance 1e-6: the
// published files print 12 significant digits, and an exact port differs only by that rounding.
// The one file that differs, and why, is checked too.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCorpus } from "./corpus";
import { agreement, nabCadOseScores } from "./cad-ose-nab";
import { readResults } from "./results-io";

const TOLERANCE = 1e-6;
const corpus = loadCorpus();
const pick = (name: string) => corpus.files.find((f) => f.name === name)!;
const results = join(corpus.dir, "results");

for (const name of ["artificialWithAnomaly/art_daily_jumpsup.csv", "realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv", "realKnownCause/rogue_agent_key_hold.csv"]) {
  test(`${name}: every row equals the published score`, () => {
    const f = pick(name);
    const published = readResults(results, "contextOSE", [f]).get(name)!;
    assert.equal(agreement(nabCadOseScores(f.values), published, TOLERANCE), { rows: f.length, agreeing: f.length, firstDifference: -1 });
  });
}

test("ec2_request_latency_system_failure differs from row 3517 on because NAB's run saw its maximum rounded", () => {
  // The corpus has 99.24799999999999 at row 3395 (its maximum); the values NAB's run read (the
  // published file's value column) have 99.248. With the corpus value that row quantises to level
  // 7, with NAB's to 6 ((max - min) / step = 7.000000000000001 vs 6.99...), and the contexts part
  // from there; the scores first differ at row 3517.
  const name = "realKnownCause/ec2_request_latency_system_failure.csv";
  const f = pick(name);
  const published = readResults(results, "contextOSE", [f]).get(name)!;
  assert.equal(agreement(nabCadOseScores(f.values), published, TOLERANCE), { rows: 4032, agreeing: 3524, firstDifference: 3517 });
  const valuesNabSaw = readResults(results, "contextOSE", [f], "value").get(name)!;
  assert.is(valuesNabSaw[3395], 99.248);
  assert.is(f.values[3395], 99.24799999999999);
  assert.equal(agreement(nabCadOseScores(valuesNabSaw), published, TOLERANCE), { rows: 4032, agreeing: 4032, firstDifference: -1 });
});

test.run();
