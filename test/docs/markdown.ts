// Reading the project's Markdown as the docs tests need it: the documents (README.md and
// docs/*.md), their fenced blocks, and their headings with GitHub's anchors.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const repoRoot = new URL("../..", import.meta.url).pathname;

/** README.md and every docs/*.md, as paths relative to the repository's root. */
export function documents(): string[] {
  const docs = readdirSync(join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).sort();
  return ["README.md", ...docs.map((f) => `docs/${f}`)];
}

export interface FencedBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string after the opening fence ("" when there is none). */
  lang: string;
  text: string;
}

export interface Markdown {
  blocks: FencedBlock[];
  /** The heading texts outside fenced blocks, without the leading #s. */
  headings: string[];
}

export function readMarkdown(file: string): Markdown {
  const lines = readFileSync(join(repoRoot, file), "utf8").split("\n");
  const blocks: FencedBlock[] = [], headings: string[] = [];
  let open: FencedBlock | undefined, body: string[] = [];
  lines.forEach((ln, i) => {
    const fence = /^```(.*)$/.exec(ln);
    if (open) {
      if (fence && fence[1].trim() === "") { blocks.push({ ...open, text: body.join("\n") }); open = undefined; }
      else body.push(ln);
    } else if (fence) {
      open = { file, line: i + 1, lang: fence[1].trim(), text: "" };
      body = [];
    } else {
      const h = /^#{1,6}\s+(.+?)\s*$/.exec(ln);
      if (h) headings.push(h[1]);
    }
  });
  if (open) throw new Error(`${file}:${open.line}: fenced block never closed`);
  return { blocks, headings };
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}
