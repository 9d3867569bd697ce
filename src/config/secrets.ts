// The secrets of the configuration: each may be written in config.ini, set in the environment
// (RB_AIOUTLIERS_<SECTION>_<KEY>, as any key) or read from `<key>_file`, a file not open to others
// (./secret-file.ts). A secret is never printed: check-config shows it as REDACTED.
import { readSecretFile } from "./secret-file";
import type { Config } from "./schema";

/** [section, key] of every secret; `<key>_file` is the key naming its file. */
export const SECRET_KEYS = [["Server", "auth_token"], ["AWS", "s3_private_key"], ["Redis", "rd_secret"]] as const;

export const REDACTED = "REDACTED";

type RawSections = Record<string, Record<string, unknown>>;

export interface SecretFiles {
  /** The problems: both given, unreadable, readable by others, an empty first line. */
  errors: string[];
  /** The file a secret was read from ("[Section] key" -> path), to name it when its value is refused. */
  files: Map<string, string>;
}

/** Replaces each `<key>_file` of `raw` by the file's first line under `<key>`. */
export function readSecretFiles(raw: RawSections): SecretFiles {
  const errors: string[] = [], files = new Map<string, string>();
  for (const [section, key] of SECRET_KEYS) {
    const values = raw[section];
    const file = values?.[`${key}_file`];
    if (!values || typeof file !== "string" || file === "") continue;
    const name = `[${section}] ${key}_file`;
    if (typeof values[key] === "string" && values[key] !== "") {
      errors.push(`${name}: give ${key} or ${key}_file, not both`);
      continue;
    }
    const read = readSecretFile(file);
    if ("error" in read) errors.push(`${name}: ${read.error}`);
    else if (read.secret === "") errors.push(`${name}: the first line of ${file} is empty; it must hold the ${key}`);
    else {
      values[key] = read.secret;
      files.set(`[${section}] ${key}`, file);
    }
  }
  return { errors, files };
}

/** The config with every non-empty secret replaced by REDACTED (for printing). */
export function redactSecrets(config: Config): Config {
  const out = structuredClone(config) as unknown as RawSections;
  for (const [section, key] of SECRET_KEYS) if (out[section]?.[key]) out[section]![key] = REDACTED;
  return out as unknown as Config;
}
