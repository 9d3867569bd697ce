// npm run bench [filter...]: imports every test/bench/*.bench.ts in name order (each runs its
// benchmarks and prints its table when imported), or only those whose name contains a filter.
import { readdirSync } from "node:fs";

const dir = new URL("./", import.meta.url);
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(", ")}`);
  process.exit(2);
}
console.log(`# rb-aioutliers benchmarks (node ${process.version}, ${new Date().toISOString()})`);
for (const f of files) {
  console.log(`\n# ${f}`);
  await import(new URL(f, dir).href);
}
