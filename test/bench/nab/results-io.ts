// Detector results in NAB's layout: <root>/<detector>/<category>/<detector>_<file>.csv with
// columns timestamp,value,anomaly_score,label, one row per data row.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CorpusFile } from "./corpus";
import { readTextMaybeGzipped } from "../../support/fixtures";
import type { ScoresByFile } from "./scorer";

export function resultsPath(root: string, detector: string, file: Pick<CorpusFile, "category" | "base">): string {
  return join(root, detector, file.category, `${detector}_${file.base}.csv`);
}

/** Reads one numeric column (anomaly_score by default) of one results CSV (plain or as `<path>.gz`). */
function readResultsCsv(path: string, column: string): Float64Array {
  const lines = readTextMaybeGzipped(path).split("\n");
  const header = lines[0].trim().split(",");
  const col = header.indexOf(column);
  if (col < 0) throw new Error(`${path}: no ${column} column in header ${JSON.stringify(lines[0])}`);
  const out: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0 || line === "\r") continue;
    const cell = line.split(",")[col];
    const v = Number(cell);
    if (cell === undefined || cell.trim() === "" || Number.isNaN(v)) throw new Error(`${path}:${i + 1}: bad ${column} ${JSON.stringify(cell)}`);
    out.push(v);
  }
  return Float64Array.from(out);
}

/** Scores (or another numeric column, e.g. the value the detector was given) of one detector for
 * every corpus file that has a results file. Missing files are left out of the map (the scorer
 * then refuses the set and names them). */
export function readResults(root: string, detector: string, files: CorpusFile[], column = "anomaly_score"): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const f of files) {
    const p = resultsPath(root, detector, f);
    if (existsSync(p) || existsSync(`${p}.gz`)) out.set(f.name, readResultsCsv(p, column));
  }
  return out;
}

/** Writes one detector's scores in NAB's layout (label = 1 inside a window). */
export function writeResults(root: string, detector: string, files: CorpusFile[], scores: ScoresByFile): void {
  if (detector.includes("_") || detector.includes("/")) throw new Error(`detector name ${JSON.stringify(detector)}: NAB splits file names on "_"; use "-"`);
  for (const f of files) {
    const s = scores.get(f.name);
    if (!s) throw new Error(`no scores for ${f.name}`);
    const inWindow = new Uint8Array(f.length);
    for (const [a, b] of f.windows) inWindow.fill(1, a, b + 1);
    const rows = ["timestamp,value,anomaly_score,label"];
    for (let i = 0; i < f.length; i++) rows.push(`${f.timestamps[i]},${f.values[i]},${s[i]},${inWindow[i]}`);
    const p = resultsPath(root, detector, f);
    mkdirSync(join(root, detector, f.category), { recursive: true });
    writeFileSync(p, rows.join("\n") + "\n");
  }
}
