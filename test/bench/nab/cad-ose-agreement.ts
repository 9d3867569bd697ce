// `npx tsx test/bench/nab/cad-ose-agreement.ts [FILTER...]`: our CAD OSE, run the NAB way
// (cad-ose-nab.ts), against NAB's published contextOSE scores, row by row, for every corpus file
// (or those whose name contains a FILTER): rows equal to 1e-6 (the published files print 12
// significant digits), the first differing row, and the total. docs/quality.md explains the one
// file that differs.
import { join } from "node:path";
import { loadCorpus } from "./corpus";
import { agreement, nabCadOseScores } from "./cad-ose-nab";
import { readResults } from "./results-io";

const TOLERANCE = 1e-6;
const filters = process.argv.slice(2);
const corpus = loadCorpus();
const files = corpus.files.filter((f) => filters.length === 0 || filters.some((s) => f.name.includes(s)));
const published = readResults(join(corpus.dir, "results"), "contextOSE", files);
let rows = 0, agreeing = 0, cpu = 0;
console.log("| file | rows | agreeing | % | first difference |\n|---|---:|---:|---:|---:|");
for (const f of files) {
  const ref = published.get(f.name);
  if (!ref) throw new Error(`no published contextOSE results for ${f.name}`);
  const c0 = process.cpuUsage();
  const a = agreement(nabCadOseScores(f.values), ref, TOLERANCE);
  const c = process.cpuUsage(c0);
  cpu += (c.user + c.system) / 1e6;
  rows += a.rows;
  agreeing += a.agreeing;
  console.log(`| ${f.name} | ${a.rows} | ${a.agreeing} | ${((100 * a.agreeing) / a.rows).toFixed(2)} | ${a.firstDifference < 0 ? "—" : a.firstDifference} |`);
}
console.log(`| total (${files.length} files) | ${rows} | ${agreeing} | ${((100 * agreeing) / rows).toFixed(2)} | |`);
console.log(`\nCPU ${cpu.toFixed(1)} s, ${Math.round(rows / cpu).toLocaleString("en-US")} points/s`);
