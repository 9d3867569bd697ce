// The markdown table `npm run bench:nab -- --cv` prints: per detector and profile, the in-sample
// figure, the pooled cross-validated one, and each held-out category at the setting its fold chose.
import type { Candidate, FoldResult, ProfileCv } from "./cross-validation";

export function cvHeader(categories: string[]): string {
  const cols = ["detector", "profile", "in-sample", "CV (pooled)", ...categories.map((c) => `held out: ${c}`), "candidates", "run time (wall)"];
  return `| ${cols.join(" | ")} |\n|${cols.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`;
}

const threshold = (t: number) => String(Number(t.toPrecision(4)));

/** A held-out category's figure at its fold's threshold, and the variant when the family has more
 * than one ("shipped" for candidate 0). */
function foldCell(f: FoldResult, candidates: Candidate[], family: string): string {
  const fp = f.score.perFile.reduce((n, x) => n + x.falsePositives, 0);
  const figure = f.windows === 0 ? `${fp} FP rows` : f.score.normalized.toFixed(2);
  const variant = candidates.length < 2 ? "" : `, ${f.candidate === 0 ? "shipped" : candidates[f.candidate].label.replace(`${family}-`, "")}`;
  return `${figure} (θ ${threshold(f.threshold)}${variant})`;
}

export function cvRows(name: string, candidates: Candidate[], cv: Record<string, ProfileCv>, profiles: readonly (readonly [string, string])[], seconds?: number): string[] {
  return profiles.map(([profile, label]) => {
    const p = cv[profile];
    const cells = [
      name, label,
      `${p.inSample.normalized.toFixed(2)} (θ ${threshold(p.inSample.threshold)})`,
      `**${p.pooled.normalized.toFixed(2)}**`,
      ...p.folds.map((f) => foldCell(f, candidates, name)),
      String(candidates.length),
      seconds === undefined ? "—" : `${seconds.toFixed(1)} s`,
    ];
    return `| ${cells.join(" | ")} |`;
  });
}
