// The layer rules of docs/architecture.md, checked on every import of every module under src/
// (unit tests included: they belong to their folder's layer, and may also use test/support). A
// relative import is resolved to the folder it lands in; a package import (npm or node:) is
// checked where a layer may use none.
// A new folder under src/ must be given its rules here before anything may import it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const src = new URL("../src/", import.meta.url).pathname;
const testSupport = new URL("./support/", import.meta.url).pathname;

/** The folders of src/ each layer may import (besides itself), lowest layer first. src/deep is
 * split by concern: deep/files and deep/inference stay below deep/training, and what they all
 * use sits at deep/ itself. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  detect: [],
  runtime: [],
  config: ["detect"],
  druid: ["detect", "config", "runtime"],
  deep: ["detect", "runtime"],
  "deep/files": ["deep", "detect", "runtime"],
  "deep/inference": ["deep", "deep/files", "detect", "runtime"],
  "deep/training": ["deep", "deep/files", "deep/inference", "detect", "druid", "runtime"],
  cluster: ["deep", "deep/files", "detect", "runtime"],
  stations: ["detect", "runtime"],
  traffic: ["detect", "druid", "runtime"],
  http: ["detect", "druid", "stations", "traffic"],
  app: ["http", "cluster", "stations", "traffic", "deep", "deep/files", "deep/inference", "deep/training", "druid", "detect", "runtime", "config"],
  cli: ["app", "cluster", "stations", "traffic", "deep", "deep/files", "deep/inference", "deep/training", "druid", "detect", "runtime", "config"],
};

/** Layers that may import no package but these (the pure core: arrays in, values out). */
const PACKAGES_ALLOWED: Record<string, RegExp> = {
  detect: /^node:buffer$/,
};
/** Packages a test file may import in any layer. */
const TEST_PACKAGES = /^(uvu|uvu\/assert|node:.*)$/;

function layerOf(file: string): string {
  const parts = relative(src, file).split("/");
  if (parts[0] === "deep" && parts.length > 2) return `deep/${parts[1]}`;
  return parts.length > 1 ? parts[0]! : "(src)";
}

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** The specifiers of a module's static and dynamic imports and re-exports (comments removed). */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)) out.push(m[1]!);
  return out;
}

/** Every import that breaks a rule, as "file: specifier (why)". */
function violations(): string[] {
  const out: string[] = [];
  for (const file of sources(src)) {
    const layer = layerOf(file);
    const where = relative(src, file);
    const allowed = MAY_IMPORT[layer];
    if (!allowed) { out.push(`${where}: folder ${layer} has no rules in test/layers.test.ts`); continue; }
    const isTest = file.endsWith(".test.ts");
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) {
        const path = resolve(dirname(file), spec);
        if (relative(src, path).startsWith("..")) { // outside src/: a test may use the test helpers
          if (!(isTest && path.startsWith(testSupport))) out.push(`${where}: ${spec} (src/ imports nothing outside src/)`);
          continue;
        }
        const target = layerOf(existsSync(path) && statSync(path).isDirectory() ? join(path, "index.ts") : path);
        if (target !== layer && !allowed.includes(target)) out.push(`${where}: ${spec} (${layer} may not import ${target})`);
      } else if (PACKAGES_ALLOWED[layer] && !PACKAGES_ALLOWED[layer]!.test(spec) && !(isTest && TEST_PACKAGES.test(spec))) {
        out.push(`${where}: ${spec} (${layer} imports no packages)`);
      }
    }
  }
  return out;
}

test("importsOf finds static, dynamic, side-effect and re-export imports, not commented ones", () => {
  const text = `import { a } from "./a";\nimport type { B } from '../b';\nexport { c } from "./c";\nimport "./d";\n` +
    `const e = await import("./e");\n// import { f } from "./f";\n/* import("./g") */\nconst s = "from here";`;
  assert.equal(importsOf(text), ["./a", "../b", "./c", "./d", "./e"]);
});

test("the check sees a broken rule (a lower layer reaching into http)", () => {
  const layer = layerOf(join(src, "druid/client.ts"));
  const target = layerOf(resolve(join(src, "druid"), "../http/errors.ts"));
  assert.is(layer, "druid");
  assert.is(target, "http");
  assert.not.ok(MAY_IMPORT[layer]!.includes(target));
  assert.is(layerOf(join(src, "deep/files/model-files.ts")), "deep/files");
  assert.is(layerOf(join(src, "deep/features.ts")), "deep");
});

test("every import under src/ keeps the layer rules of docs/architecture.md", () => {
  const found = violations();
  assert.equal(found, [], `layer rules broken:\n  ${found.join("\n  ")}`);
});

test("only the composition root (src/app) imports src/http", () => {
  for (const [layer, allowed] of Object.entries(MAY_IMPORT))
    if (layer !== "app") assert.not.ok(allowed.includes("http"), layer);
});

test.run();
