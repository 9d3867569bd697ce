// The secrets of the configuration: each may be written in config.ini, set in the environment
// (RB_AIOUTLIERS_<SECTION>_<KEY>, as any key) or read from `<key>_file`, a file the service user
// alone may read. A secret is never printed: check-config shows it as REDACTED.
import { readFileSync, statSync } from "node:fs";
import type { Config } from "./schema";

/** [section, key] of every secret; `<key>_file` is the key naming its file. */
export const SECRET_KEYS = [["AWS", "s3_private_key"], ["Redis", "rd_secret"]] as const;

export const REDACTED = "REDACTED";

type RawSections = Record<string, Record<string, unknown>>;

/**
 * Replaces each `<key>_file` of `raw` by the file's text (trailing newline dropped) under `<key>`;
 * returns the problems (both given, unreadable, readable by others).
 */
export function readSecretFiles(raw: RawSections): string[] {
  const errors: string[] = [];
  for (const [section, key] of SECRET_KEYS) {
    const values = raw[section];
    const file = values?.[`${key}_file`];
    if (!values || typeof file !== "string" || file === "") continue;
    const name = `[${section}] ${key}_file`;
    if (typeof values[key] === "string" && values[key] !== "") {
      errors.push(`${name}: give ${key} or ${key}_file, not both`);
      continue;
    }
    try {
      const mode = statSync(file).mode;
      if (mode & 0o077) {
        errors.push(`${name}: ${file} may be read by other users (mode ${(mode & 0o777).toString(8)}); make it readable by the service user only (chmod 600)`);
        continue;
      }
      values[key] = readFileSync(file, "utf8").replace(/\r?\n$/, "");
    } catch (e) {
      errors.push(`${name}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  return errors;
}

/** The config with every non-empty secret replaced by REDACTED (for printing). */
export function redactSecrets(config: Config): Config {
  const out = structuredClone(config) as unknown as RawSections;
  for (const [section, key] of SECRET_KEYS) if (out[section]?.[key]) out[section]![key] = REDACTED;
  return out as unknown as Config;
}
