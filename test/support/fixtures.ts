// The test data the project carries (test/fixtures/: golden vectors, the original service's files,
// the NAB development corpus; each folder's README names its source and licence). Every test
// reaches them through here, so a missing file fails at once with its path.
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

/** Absolute path of test/fixtures/<rel>. */
export function fixturePath(rel: string): string {
  return fileURLToPath(new URL(`../fixtures/${rel}`, import.meta.url));
}

/** test/fixtures/<rel> as text; a `.gz` file beside it is read when the plain one is absent. */
export function readFixtureText(rel: string): string {
  return readTextMaybeGzipped(fixturePath(rel));
}

// Fixture JSON is untyped by nature (as JSON.parse); tests pick the fields they use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readFixtureJson<T = any>(rel: string): T {
  return JSON.parse(readFixtureText(rel)) as T;
}

/** A text file, or its gzip-compressed sibling `<path>.gz` (how the large fixtures are stored). */
export function readTextMaybeGzipped(path: string): string {
  if (existsSync(path)) return readFileSync(path, "utf8");
  if (existsSync(`${path}.gz`)) return gunzipSync(readFileSync(`${path}.gz`)).toString("utf8");
  throw new Error(`missing test file: ${path} (nor ${path}.gz); test data lives in test/fixtures/, see its README`);
}
