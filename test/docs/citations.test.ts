// Every citation of a document section resolves (issue 13 part 3): "docs/design.md § Station API"
// in a comment of src/, test/ or build/, or in README.md and docs/, must name a heading of that
// document ("test/fixtures/golden/README.md §5" a heading numbered "5."), and every Markdown link
// to "file.md#anchor" or "#anchor" an anchor it has. Comments wrap, so a citation may continue on
// the next comment line.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { anchor, documents, readMarkdown, repoRoot } from "./markdown";

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(repoRoot, dir))) {
    const p = join(dir, name);
    if (statSync(join(repoRoot, p)).isDirectory()) sources(p, out);
    else if (/\.(ts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

const headingsOf = new Map<string, string[]>();
function headings(file: string): string[] | undefined {
  if (!headingsOf.has(file)) {
    if (!existsSync(join(repoRoot, file))) return undefined;
    headingsOf.set(file, readMarkdown(file).headings);
  }
  return headingsOf.get(file);
}

/** A cited path as written in `from`: relative to its own folder when that file exists (docs
 * citing docs), else to the repository's root. */
function resolve(from: string, path: string): string {
  const beside = normalize(join(dirname(from), path));
  return existsSync(join(repoRoot, beside)) ? beside : normalize(path);
}

/** The text with comment continuations ("\n   // ", "\n * ") joined into single spaces. */
const unwrapped = (text: string) => text.replace(/\n[ \t]*(?:\/\/|\*(?!\/))[ \t]*/g, " ");

const CITATION = /(?<![\w/.-])((?:[\w-]+\/)*[\w.-]+\.md) § /g;
/** A numbered section, "test/fixtures/golden/README.md §5": a heading "5. …". */
const NUMBERED = /(?<![\w/.-])((?:[\w-]+\/)*[\w.-]+\.md) §(\d+)\b/g;

function citations(file: string): { path: string; rest: string }[] {
  const text = unwrapped(readFileSync(join(repoRoot, file), "utf8"));
  return [
    ...[...text.matchAll(CITATION)].map((m) => ({ path: m[1], rest: text.slice(m.index! + m[0].length, m.index! + m[0].length + 120) })),
    ...[...text.matchAll(NUMBERED)].map((m) => ({ path: m[1], rest: `${m[2]}. ` })),
  ];
}

const scanned = [...sources("src"), ...sources("test"), ...sources("build"), ...documents()];

test("every citation of a document section (path.md, the section sign, a heading) names a heading of it", () => {
  const bad: string[] = [];
  let count = 0;
  for (const file of scanned) {
    for (const { path, rest } of citations(file)) {
      count++;
      const target = resolve(file, path), hs = headings(target);
      if (!hs) { bad.push(`${file}: cites ${path}, which does not exist`); continue; }
      const ok = hs.some((h) => (rest.startsWith(h) && !/[\p{L}\p{N}]/u.test(rest.charAt(h.length))) || (/^\d+\. $/.test(rest) && h.startsWith(rest)));
      if (!ok) bad.push(`${file}: "${path} § ${rest.slice(0, 40)}…" names no heading of ${target} (${hs.join(" | ")})`);
    }
  }
  assert.equal(bad, []);
  // The comments of src/ cite the design about twenty-five times and the golden README a dozen;
  // far fewer found means the patterns broke.
  assert.ok(count >= 35, `found only ${count} citations`);
});

test("no citation of the old numbered design (DESIGN §n) is left", () => {
  const self = relative(repoRoot, new URL(import.meta.url).pathname);
  const left = scanned.filter((f) => f !== self && /DESIGN §/.test(readFileSync(join(repoRoot, f), "utf8")));
  assert.equal(left, []);
});

test("every Markdown link to a section (file.md#anchor, #anchor) points at a heading", () => {
  const bad: string[] = [];
  let count = 0;
  for (const file of documents()) {
    const text = readFileSync(join(repoRoot, file), "utf8");
    for (const m of text.matchAll(/\]\(([^)\s#]*\.md|)#([^)\s]+)\)/g)) {
      count++;
      const target = m[1] === "" ? file : resolve(file, m[1]), hs = headings(target);
      if (!hs) { bad.push(`${file}: links to ${m[1]}, which does not exist`); continue; }
      if (!hs.map(anchor).includes(m[2])) bad.push(`${file}: #${m[2]} is no heading of ${target}`);
    }
  }
  assert.equal(bad, []);
  assert.ok(count >= 5, `found only ${count} section links`);
});

test("anchors are GitHub's", () => {
  assert.is(anchor("Default (shallow) model"), "default-shallow-model");
  assert.is(anchor("POST /api/v1/outliers, POST /calculate"), "post-apiv1outliers-post-calculate");
  assert.is(anchor("Our default model `traffic`"), "our-default-model-traffic");
});

test.run();
