// Loads a NAB corpus (data/<category>/<file>.csv, combined_windows.json, profiles.json) into
// memory, with each anomaly window turned into row indices. Default location: test/fixtures/nab (the
// development part, data files gzip-compressed); NAB_DIR points elsewhere, e.g. at a checkout of the
// full NAB repository (there the windows and profiles live in labels/ and config/; both layouts work,
// and plain or .gz CSVs).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fixturePath, readTextMaybeGzipped } from "../../support/fixtures";
import type { Profile, ScoringCorpus, ScoringFile } from "./scorer";

export interface CorpusFile extends ScoringFile {
  /** Key as in combined_windows.json, e.g. "realKnownCause/nyc_taxi.csv". */
  name: string;
  category: string;
  /** File name without ".csv", e.g. "nyc_taxi". */
  base: string;
  timestamps: string[];
  values: Float64Array;
}

export interface Corpus extends ScoringCorpus {
  dir: string;
  files: CorpusFile[];
  profiles: Record<string, Profile>;
}

/** The corpus directory: $NAB_DIR, else the development part in test/fixtures/nab. */
function nabDir(): string {
  return process.env.NAB_DIR ? resolve(process.env.NAB_DIR) : fixturePath("nab");
}

/** Canonical form of a timestamp for equality: NAB compares parsed datetimes, so
 * "2014-04-10 07:15:00.000000" (windows) equals "2014-04-10 07:15:00" (data). */
export function timestampKey(ts: string): string {
  return ts.trim().replace("T", " ").replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

function firstExisting(dir: string, candidates: string[]): string {
  for (const c of candidates) if (existsSync(join(dir, c))) return join(dir, c);
  throw new Error(`NAB corpus at ${dir}: none of ${candidates.join(", ")} found (set NAB_DIR to a NAB corpus)`);
}

/** Reads a `timestamp,value` CSV (header first), plain or as `<path>.gz`. */
function readDataCsv(path: string): { timestamps: string[]; values: Float64Array } {
  const lines = readTextMaybeGzipped(path).split("\n");
  const timestamps: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0 || line === "\r") continue;
    const comma = line.indexOf(",");
    const value = Number(line.slice(comma + 1));
    if (comma < 0 || !Number.isFinite(value)) throw new Error(`${path}:${i + 1}: expected "timestamp,value", got ${JSON.stringify(line)}`);
    timestamps.push(line.slice(0, comma));
    values.push(value);
  }
  return { timestamps, values: Float64Array.from(values) };
}

/** Row indices of each window, entered by exact timestamp equality while walking the rows in
 * order (SCORING.md, "Other subtleties"). Windows must be sorted, non-overlapping and present. */
function windowRows(name: string, timestamps: string[], windows: [string, string][]): [number, number][] {
  const out: [number, number][] = [];
  let row = 0;
  const find = (ts: string): number => {
    const key = timestampKey(ts);
    while (row < timestamps.length && timestampKey(timestamps[row]) !== key) row++;
    if (row === timestamps.length) throw new Error(`${name}: window timestamp ${ts} not found in the data (after the previous window)`);
    return row;
  };
  for (const [start, end] of windows) {
    const s = find(start);
    const e = find(end);
    out.push([s, e]);
    row = e + 1;
  }
  return out;
}

export function loadCorpus(dir: string = nabDir()): Corpus {
  const windowsPath = firstExisting(dir, ["combined_windows.json", "labels/combined_windows.json"]);
  const profilesPath = firstExisting(dir, ["profiles.json", "config/profiles.json"]);
  const windowsByFile = JSON.parse(readFileSync(windowsPath, "utf8")) as Record<string, [string, string][]>;
  const rawProfiles = JSON.parse(readFileSync(profilesPath, "utf8")) as Record<string, { CostMatrix: Profile }>;
  const profiles: Record<string, Profile> = {};
  for (const [name, p] of Object.entries(rawProfiles)) {
    const { tpWeight, fpWeight, fnWeight } = p.CostMatrix;
    profiles[name] = { tpWeight, fpWeight, fnWeight };
  }

  const dataDir = join(dir, "data");
  const onDisk = new Set<string>();
  for (const category of readdirSync(dataDir).sort()) {
    for (const f of readdirSync(join(dataDir, category)).sort()) {
      if (f.endsWith(".csv") || f.endsWith(".csv.gz")) onDisk.add(`${category}/${f.replace(/\.gz$/, "")}`);
    }
  }
  // The windows file lists every corpus file (files without anomalies have []); a data file it does
  // not list, or a listed file that is missing, means the corpus is inconsistent.
  const names = Object.keys(windowsByFile).sort();
  const missing = names.filter((n) => !onDisk.has(n));
  const extra = [...onDisk].filter((n) => !(n in windowsByFile));
  if (missing.length || extra.length) {
    throw new Error(`NAB corpus at ${dir} is inconsistent: ${missing.length ? `data missing for ${missing.join(", ")}` : ""}${missing.length && extra.length ? "; " : ""}${extra.length ? `no windows entry for ${extra.join(", ")}` : ""}`);
  }

  const files: CorpusFile[] = names.map((name) => {
    const { timestamps, values } = readDataCsv(join(dataDir, name));
    const slash = name.indexOf("/");
    return {
      name,
      category: name.slice(0, slash),
      base: name.slice(slash + 1).replace(/\.csv$/, ""),
      timestamps,
      values,
      length: values.length,
      windows: windowRows(name, timestamps, windowsByFile[name]),
    };
  });
  const windowCount = files.reduce((n, f) => n + f.windows.length, 0);
  return { dir, files, profiles, windowCount };
}

/** The corpus with every file cut to its first `rows` rows (issue 12: short files, like the
 * held-out AdExchange, Traffic and Tweets files): a window is kept if it starts within them, cut at
 * the last row. NAB sizes windows from a file's length, so a cut file's windows are the original
 * ones, not what NAB would label on a file of that length. */
export function truncateCorpus(corpus: Corpus, rows: number): Corpus {
  if (!(Number.isInteger(rows) && rows >= 1)) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const files = corpus.files.map((f) => {
    const length = Math.min(f.length, rows);
    const windows = f.windows.filter(([start]) => start < length).map(([start, end]): [number, number] => [start, Math.min(end, length - 1)]);
    return { ...f, length, timestamps: f.timestamps.slice(0, length), values: f.values.slice(0, length), windows };
  });
  return { ...corpus, files, windowCount: files.reduce((n, f) => n + f.windows.length, 0) };
}
