// `npx tsx test/bench/nab/agreement.ts DETECTOR PUBLISHED [TOLERANCE]`: runs one registered
// detector (detectors.ts) over the NAB corpus and compares its score with a published
// detector's (<corpus>/results/PUBLISHED) row by row: per file, the rows within TOLERANCE
// (default 1e-6, the 6 decimals NAB results carry), the non-zero rows of each and the largest
// difference. E.g. `artime-nab ARTime`.
import { join } from "node:path";
import { loadCorpus } from "./corpus";
import { detectors } from "./detectors";
import { readResults } from "./results-io";

function main(): void {
  const [name, published, tol = "1e-6"] = process.argv.slice(2);
  const detector = detectors.find((d) => d.name === name);
  if (!detector || !published) throw new Error(`usage: agreement.ts DETECTOR PUBLISHED [TOLERANCE]; detectors: ${detectors.map((d) => d.name).join(", ")}`);
  const tolerance = Number(tol);
  const corpus = loadCorpus();
  const theirs = readResults(join(corpus.dir, "results"), published, corpus.files);
  console.log(`| file | rows | agreeing (≤ ${tolerance}) | non-zero ours | non-zero ${published} | largest difference |\n|---|---:|---:|---:|---:|---:|`);
  let rows = 0, agreeing = 0;
  for (const f of corpus.files) {
    const ref = theirs.get(f.name);
    if (!ref || ref.length !== f.length) throw new Error(`${published}: no results of ${f.length} rows for ${f.name}`);
    const ours = detector.run(f.values, f.timestamps).scores;
    let ok = 0, nzOurs = 0, nzTheirs = 0, worst = 0;
    for (let i = 0; i < f.length; i++) {
      const d = Math.abs(ours[i] - ref[i]);
      if (d <= tolerance) ok++;
      worst = Math.max(worst, d);
      if (ours[i] !== 0) nzOurs++;
      if (ref[i] !== 0) nzTheirs++;
    }
    rows += f.length;
    agreeing += ok;
    console.log(`| ${f.name} | ${f.length} | ${ok} | ${nzOurs} | ${nzTheirs} | ${worst.toPrecision(3)} |`);
  }
  console.log(`| all ${corpus.files.length} files | ${rows} | ${agreeing} (${((100 * agreeing) / rows).toFixed(3)} %) | | | |`);
}

try {
  main();
} catch (e) {
  console.error(`agreement: ${(e as Error).message}`);
  process.exit(2);
}
