// Every section and key of a config file is either the schema's, or the original service's and
// ignored with a warning (./original-keys.ts); anything else is an error, with a "did you mean"
// for a near miss, so a typo such as `levl` cannot pass unnoticed as the default.
import { nearest } from "./did-you-mean";
import { ignoredKeys, ignoredSections } from "./original-keys";
import { schemaKeys } from "./schema";

export interface KeyReport {
  errors: string[];
  warnings: string[];
}

const known = schemaKeys();
const allSections = [...Object.keys(known), ...Object.keys(ignoredSections)];

function keysOf(section: string): string[] {
  return [...(known[section] ?? []), ...Object.keys(ignoredKeys[section] ?? {}), ...(ignoredSections[section]?.keys ?? [])];
}

/** The schema's sections that have a key called `key`. */
function sectionsWithKey(key: string): string[] {
  return Object.keys(known).filter((s) => known[s]!.includes(key));
}

function unknownKey(section: string, key: string): string {
  const near = nearest(key, keysOf(section));
  if (near) return `[${section}] ${key}: unknown key; did you mean ${near}?`;
  const elsewhere = sectionsWithKey(key);
  if (elsewhere.length) return `[${section}] ${key}: unknown key here; it belongs in ${elsewhere.map((s) => `[${s}]`).join(" or ")}`;
  return `[${section}] ${key}: unknown key; [${section}] has: ${keysOf(section).join(", ")}`;
}

function unknownSection(section: string): string {
  const near = nearest(section, allSections);
  return near ? `[${section}]: unknown section; did you mean [${near}]?`
    : `[${section}]: unknown section; known sections: ${Object.keys(known).map((s) => `[${s}]`).join(" ")}`;
}

/** Checks the sections and keys of a parsed ini file (values are the schema's business). */
export function checkKeys(raw: Record<string, unknown>): KeyReport {
  const errors: string[] = [], warnings: string[] = [];
  for (const [section, values] of Object.entries(raw)) {
    if (values === null || typeof values !== "object") {
      const home = sectionsWithKey(section);
      errors.push(`${section}: a key outside any section; put it under ${home.length ? home.map((s) => `[${s}]`).join(" or ") : "its section"}`);
      continue;
    }
    const ignored = ignoredSections[section];
    if (!known[section] && !ignored) {
      errors.push(unknownSection(section));
      continue;
    }
    const keys = new Set(keysOf(section));
    for (const key of Object.keys(values)) {
      if (!keys.has(key)) errors.push(unknownKey(section, key));
      else if (ignoredKeys[section]?.[key]) warnings.push(`[${section}] ${key} is ignored: ${ignoredKeys[section]![key]}`);
    }
    if (ignored) warnings.push(`[${section}] is ignored: ${ignored.reason}`);
  }
  return { errors, warnings };
}

/**
 * RB_AIOUTLIERS_<SECTION>_<KEY> variables whose section is ours but whose key is not: a typo that
 * would otherwise be dropped silently. (Other RB_AIOUTLIERS_* variables belong to tools.)
 */
export function checkEnvKeys(env: NodeJS.ProcessEnv): string[] {
  const errors: string[] = [];
  for (const name of Object.keys(env)) {
    for (const [section, keys] of Object.entries(known)) {
      const prefix = `RB_AIOUTLIERS_${section.toUpperCase()}_`;
      if (!name.startsWith(prefix)) continue;
      const key = name.slice(prefix.length).toLowerCase();
      if (keys.includes(key)) continue;
      const near = nearest(key, keys);
      errors.push(`${name}: no key ${key} in [${section}]${near ? `; did you mean ${prefix}${near.toUpperCase()}?` : `; it has: ${keys.join(", ")}`}`);
    }
  }
  return errors;
}
