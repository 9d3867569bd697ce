// `npm run bench:nab [-- --detector NAME[,NAME...]] [--write-results DIR] [--no-published] [--cv] [--traffic] [--rows N]`:
// runs every registered detector (detectors.ts; with --traffic the traffic API's default model
// replayed as the redborder manager polls, traffic-detectors.ts) over the NAB corpus (corpus.ts: test/fixtures/nab or
// $NAB_DIR), scores it on the three profiles and prints a markdown table, with the published
// detectors under <corpus>/results scored for reference. NAME matches a detector's name exactly
// or as a prefix ("batch" selects batch-32, batch-64, batch-128). `--cv` prints instead the
// leave-one-category-out cross-validated figures beside the in-sample ones (cv-table.ts). `--rows N`
// cuts every file to its first N rows (short files; truncateCorpus in corpus.ts).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadCorpus, truncateCorpus, type Corpus } from "./corpus";
import { detectors as stationDetectors, type BenchDetector } from "./detectors";
import { readResults, writeResults } from "./results-io";
import { crossValidate, type Candidate } from "./cross-validation";
import { cvHeader, cvRows } from "./cv-table";
import { scoreAtThreshold, scoreProfiles, type CorpusScore } from "./scorer";
import { trafficDetectors } from "./traffic-detectors";

const PROFILES = [
  ["standard", "standard"],
  ["reward_low_FP_rate", "low FP"],
  ["reward_low_FN_rate", "low FN"],
] as const;

interface Row {
  detector: string;
  window: string;
  scores: Record<string, CorpusScore>;
  /** Standard profile scored on the detector's own 0/1 decisions (its fixed threshold). */
  ownLabels?: number;
  /** Detector run time over the corpus: CPU (user + system, robust to other load on the box) and wall. */
  seconds?: { cpu: number; wall: number };
  rows: number;
}

function header(): string {
  const cols = ["detector", "window", ...PROFILES.map(([, label]) => label), "θ standard", "standard at own labels", "CPU time", "wall time", "points/s (CPU)"];
  return `| ${cols.join(" | ")} |\n|${cols.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`;
}

function format(r: Row): string {
  const cells = [
    r.detector,
    r.window,
    ...PROFILES.map(([p]) => r.scores[p].normalized.toFixed(2)),
    String(Number(r.scores.standard.threshold.toPrecision(6))),
    r.ownLabels === undefined ? "—" : r.ownLabels.toFixed(2),
    r.seconds === undefined ? "—" : `${r.seconds.cpu.toFixed(1)} s`,
    r.seconds === undefined ? "—" : `${r.seconds.wall.toFixed(1)} s`,
    r.seconds === undefined ? "—" : Math.round(r.rows / r.seconds.cpu).toLocaleString("en-US"),
  ];
  return `| ${cells.join(" | ")} |`;
}

function matches(name: string, filters: string[]): boolean {
  return filters.length === 0 || filters.some((f) => name === f || name.startsWith(`${f}-`));
}

function runDetector(corpus: Corpus, d: BenchDetector) {
  const scores = new Map<string, Float64Array>();
  const labels = new Map<string, Uint8Array>();
  const seconds = { cpu: 0, wall: 0 };
  for (const f of corpus.files) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const out = d.run(f.values, f.timestamps);
    const c = process.cpuUsage(c0);
    seconds.wall += (performance.now() - t0) / 1000;
    seconds.cpu += (c.user + c.system) / 1e6;
    scores.set(f.name, out.scores);
    if (out.labels) labels.set(f.name, out.labels);
  }
  return { scores, labels: labels.size === corpus.files.length ? labels : undefined, seconds };
}

/** A published detector's scores, each file's cut to the corpus's rows (--rows). */
function publishedScores(corpus: Corpus, name: string): Map<string, Float64Array> {
  const scores = readResults(join(corpus.dir, "results"), name, corpus.files);
  for (const f of corpus.files) {
    const s = scores.get(f.name);
    if (s) scores.set(f.name, s.subarray(0, f.length));
  }
  return scores;
}

function publishedDetectors(corpus: Corpus): string[] {
  const dir = join(corpus.dir, "results");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory() && d !== "null").sort();
}

function main(): void {
  const { values } = parseArgs({
    options: {
      detector: { type: "string", multiple: true },
      "write-results": { type: "string" },
      "no-published": { type: "boolean" },
      cv: { type: "boolean" },
      traffic: { type: "boolean" },
      rows: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const detectors = values.traffic ? trafficDetectors : stationDetectors;
  if (values.help) {
    console.log("usage: npm run bench:nab -- [--detector NAME[,NAME...]] [--write-results DIR] [--no-published] [--cv] [--traffic] [--rows N]\n" +
      "  --cv  leave-one-category-out cross-validation: the threshold (and a detector's variants) chosen on the other categories\n" +
      "  --traffic  the traffic API's default model replayed as the redborder manager polls (window 1,440, step 32)\n" +
      "  --rows N  every file cut to its first N rows (windows starting within them kept, cut; the published results too)\n" +
      `detectors: ${detectors.map((d) => d.name).join(", ") || "(none registered)"}`);
    return;
  }
  const filters = (values.detector ?? []).flatMap((s) => s.split(",")).filter(Boolean);
  const selected = detectors.filter((d) => matches(d.name, filters));
  const corpus = values.rows === undefined ? loadCorpus() : truncateCorpus(loadCorpus(), Number(values.rows));
  const published = values["no-published"] ? [] : publishedDetectors(corpus).filter((d) => matches(d, filters));
  if (selected.length === 0 && published.length === 0) {
    throw new Error(`no detector matches ${filters.join(", ")}; registered: ${detectors.map((d) => d.name).join(", ")}`);
  }
  const rows = corpus.files.reduce((n, f) => n + f.length, 0);
  if (values.cv) {
    crossValidated(corpus, selected, published);
    return;
  }
  console.log(`NAB corpus ${corpus.dir}: ${corpus.files.length} files, ${rows} rows, ${corpus.windowCount} windows; normalized scores (null 0, perfect 100), threshold optimised per profile\n`);
  console.log(header());
  for (const d of selected) {
    const { scores, labels, seconds } = runDetector(corpus, d);
    if (values["write-results"]) writeResults(values["write-results"], d.name, corpus.files, scores);
    const window = d.window === undefined ? "auto" : String(d.window);
    const ownLabels = labels && scoreAtThreshold(corpus, labels, 1, corpus.profiles.standard).normalized;
    console.log(format({ detector: d.name, window, scores: scoreProfiles(corpus, scores, corpus.profiles), ownLabels, seconds, rows }));
  }
  for (const name of published) {
    const scores = publishedScores(corpus, name);
    console.log(format({ detector: `${name} (published)`, window: "—", scores: scoreProfiles(corpus, scores, corpus.profiles), rows }));
  }
}

/** `--cv`: each detector's candidates (itself, then its variants) run once over the corpus, then
 * cross-validated; the published results are a family of one (their threshold). */
function crossValidated(corpus: Corpus, selected: BenchDetector[], published: string[]): void {
  const categories = [...new Set(corpus.files.map((f) => f.category))].sort();
  console.log(`NAB corpus ${corpus.dir}: ${corpus.files.length} files, ${corpus.windowCount} windows; leave-one-category-out cross-validation over ${categories.join(", ")}. ` +
    "Each fold's threshold (and variant) is chosen on the other categories, the held-out category is scored with it " +
    "(normalised over its own windows; a category without windows shows its false-positive rows); \"pooled\" scores every file at its own fold's setting together. " +
    "\"in-sample\" is the detector as shipped with the threshold optimised on the whole corpus.\n");
  console.log(cvHeader(categories));
  for (const d of selected) {
    const t0 = performance.now();
    const candidates: Candidate[] = [d, ...(d.variants ?? [])].map((c) => ({ label: c.name, scores: runDetector(corpus, c).scores }));
    const seconds = (performance.now() - t0) / 1000;
    for (const line of cvRows(d.name, candidates, crossValidate(corpus, candidates, corpus.profiles), PROFILES, seconds)) console.log(line);
  }
  for (const name of published) {
    const candidates = [{ label: name, scores: publishedScores(corpus, name) }];
    for (const line of cvRows(`${name} (published)`, candidates, crossValidate(corpus, candidates, corpus.profiles), PROFILES)) console.log(line);
  }
}

try {
  main();
} catch (e) {
  console.error(`bench:nab: ${(e as Error).message}`);
  process.exit(2);
}
