// npm run bench [filter...]: imports every test/bench/*.bench.ts in name order (each runs its
// benchmarks and prints its table when imported), or only those whose name contains a filter.
import { readdirSync } from "node:fs";

const dir = new URL("./", import.meta.url);
const filters = process.argv.slice(2);
const all = readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).sort();

if (filters.includes("--help") || filters.includes("-h")) {
  console.log(`Usage: npm run bench [-- FILTER...]

Runs every test/bench/*.bench.ts in name order, or only those whose file name
contains one of the FILTERs. Each prints a table: name | ours | original | ratio
(medians of >= 5 runs after a warm-up; CPU time of the process, BENCH_CLOCK=wall
for wall-clock time). Benchmarks: ${all.map((f) => f.replace(/\.bench\.ts$/, "")).join(", ")}.
NAB detection quality is separate: npm run bench:nab -- --help.`);
  process.exit(0);
}
const files = all.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(", ")} (known: ${all.join(", ")})`);
  process.exit(2);
}
console.log(`# rb-aioutliers benchmarks (node ${process.version}, ${new Date().toISOString()})`);
for (const f of files) {
  console.log(`\n# ${f}`);
  await import(new URL(f, dir).href);
}
