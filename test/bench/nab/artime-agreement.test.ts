// The ARTime port run the way NAB runs ARTime (each file's min, max and length given in
// advance) reproduces NAB's published ARTime scores (results/ARTime) on every row of three
// development files, to 1e-6 (the published scores carry 6 decimals). `agreement.ts artime-nab
// ARTime` checks all 35 files (all agree, docs/quality.md).
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCorpus } from "./corpus";
import { detectors } from "./detectors";
import { readResults } from "./results-io";

const corpus = loadCorpus();
const names = [
  "realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv",
  "realKnownCause/rogue_agent_key_hold.csv",
  "artificialWithAnomaly/art_daily_flatmiddle.csv",
];
const files = corpus.files.filter((f) => names.includes(f.name));
const published = readResults(join(corpus.dir, "results"), "ARTime", files);
const artime = detectors.find((d) => d.name === "artime-nab")!;

for (const f of files) {
  test(`${f.name}: every row agrees with results/ARTime to 1e-6`, () => {
    const ours = artime.run(f.values, f.timestamps).scores;
    const theirs = published.get(f.name)!;
    assert.is(ours.length, theirs.length);
    let reports = 0;
    for (let i = 0; i < f.length; i++) {
      assert.ok(Math.abs(ours[i] - theirs[i]) <= 1e-6, `row ${i}: ours ${ours[i]}, published ${theirs[i]}`);
      if (theirs[i] > 0) reports++;
    }
    assert.ok(reports >= 3, "the file has reports to agree on");
  });
}

test.run();
