// config.ini + environment -> Config. Precedence: command-line overrides > environment > file >
// embedded defaults. Environment: DATA_SERVER_ENDPOINT (as the original station server read it),
// DRUID_ENDPOINT, and RB_AIOUTLIERS_<SECTION>_<KEY> for any key (section and key upper-cased).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseIni } from "ini";
import type { z } from "zod";
import { configSchema, schemaKeys, type Config } from "./schema";
import { checkEnvKeys, checkKeys } from "./check-keys";
import { ConfigError } from "./config-error";
import { readSecretFiles } from "./secrets";

type RawSections = Record<string, Record<string, unknown>>;

export interface LoadOptions {
  /** Path of a config.ini; absent: embedded defaults only. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Highest-precedence values, e.g. from command-line flags: {Section: {key: value}}. */
  overrides?: RawSections;
}

export function readIniFile(file: string): RawSections {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseIni(text) as RawSections;
}

export function envOverrides(env: NodeJS.ProcessEnv): RawSections {
  const out: RawSections = {};
  const set = (section: string, key: string, value: string) => ((out[section] ??= {})[key] = value);
  if (env.DATA_SERVER_ENDPOINT !== undefined) set("Stations", "data_server_endpoint", env.DATA_SERVER_ENDPOINT);
  if (env.DRUID_ENDPOINT !== undefined) set("Druid", "druid_endpoint", env.DRUID_ENDPOINT);
  for (const [section, keys] of Object.entries(schemaKeys())) {
    for (const key of keys) {
      const v = env[`RB_AIOUTLIERS_${section.toUpperCase()}_${key.toUpperCase()}`];
      if (v !== undefined) set(section, key, v);
    }
  }
  return out;
}

function merge(...layers: RawSections[]): RawSections {
  const out: RawSections = {};
  for (const layer of layers)
    for (const [section, values] of Object.entries(layer))
      if (values && typeof values === "object") out[section] = { ...(out[section] ?? {}), ...values };
  return out;
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length >= 2 ? `[${String(issue.path[0])}] ${issue.path.slice(1).join(".")}` : issue.path.join(".");
  return `${key}: ${issue.message}`;
}

/** A valid configuration and the warnings about what in it is ignored (sections of the original). */
export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

/**
 * Reads, merges and validates; a ConfigError lists every unknown section or key and every bad
 * value at once.
 */
export function readConfig(opts: LoadOptions = {}): LoadedConfig {
  const fromFile = opts.file ? readIniFile(opts.file) : {};
  const keys = checkKeys(fromFile);
  const env = opts.env ?? {};
  const raw = merge(fromFile, envOverrides(env), opts.overrides ?? {});
  const secrets = readSecretFiles(raw);
  const parsed = configSchema.safeParse(raw);
  // A secret read from a file and refused by the schema: the message names the file, not the value.
  const describe = (issue: z.core.$ZodIssue) => {
    const key = `[${String(issue.path[0])}] ${issue.path.slice(1).join(".")}`, file = secrets.files.get(key);
    return file ? `${key}_file: the first line of ${file} is not valid: ${issue.message}` : describeIssue(issue);
  };
  const errors = [...keys.errors, ...checkEnvKeys(env), ...secrets.errors, ...(parsed.success ? [] : parsed.error.issues.map(describe))];
  if (errors.length || !parsed.success)
    throw new ConfigError(`invalid configuration${opts.file ? ` in ${opts.file}` : ""}:\n  ${errors.join("\n  ")}`);
  return { config: parsed.data, warnings: keys.warnings };
}

/** The configuration, warnings dropped: for tests and tools that print nothing about it. */
export function loadConfig(opts: LoadOptions = {}): Config {
  return readConfig(opts).config;
}

export function modelsDir(config: Config): string {
  return resolve(config.Paths.models_dir ?? join(config.Paths.data_dir, "models"));
}

export function backupsDir(config: Config): string {
  return resolve(config.Outliers.backup_path ?? join(config.Paths.data_dir, "backups"));
}

export function cacheDir(config: Config): string {
  return resolve(config.Paths.cache_dir ?? join(config.Paths.data_dir, "cache"));
}
