// config.ini + environment -> Config. Precedence: command-line overrides > environment > file >
// embedded defaults. Environment: DATA_SERVER_ENDPOINT (as the original station server read it),
// DRUID_ENDPOINT, and RB_AIOUTLIERS_<SECTION>_<KEY> for any key (section and key upper-cased).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseIni } from "ini";
import { z } from "zod";
import { configSchema, type Config } from "./schema";
import { ConfigError } from "./config-error";

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
  const shape = configSchema.shape as Record<string, z.ZodType>;
  for (const section of Object.keys(shape)) {
    const inner = (shape[section] as unknown as { unwrap?: () => z.ZodObject }).unwrap?.() ?? shape[section];
    const keys = Object.keys((inner as z.ZodObject).shape ?? {});
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

export function loadConfig(opts: LoadOptions = {}): Config {
  const fromFile = opts.file ? readIniFile(opts.file) : {};
  const known = new Set(Object.keys(configSchema.shape));
  const unknown = Object.keys(fromFile).filter((s) => !known.has(s) && !LEGACY_SECTIONS.has(s));
  if (unknown.length) throw new ConfigError(`unknown section(s) in ${opts.file}: ${unknown.join(", ")}; known: ${[...known].join(", ")}`);
  const raw = merge(fromFile, envOverrides(opts.env ?? {}), opts.overrides ?? {});
  for (const s of LEGACY_SECTIONS) delete raw[s];
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid configuration:\n  ${parsed.error.issues.map(describeIssue).join("\n  ")}`);
  return parsed.data;
}

/** Sections of the original config.ini that mean nothing here; accepted and ignored. */
const LEGACY_SECTIONS = new Set(["OutliersServerTraining", "OutliersServerTesting", "redBorder", "NTP", "AWS"]);

export function modelsDir(config: Config): string {
  return resolve(config.Paths.models_dir ?? join(config.Paths.data_dir, "models"));
}

export function backupsDir(config: Config): string {
  return resolve(config.Outliers.backup_path ?? join(config.Paths.data_dir, "backups"));
}

export function cacheDir(config: Config): string {
  return resolve(config.Paths.cache_dir ?? join(config.Paths.data_dir, "cache"));
}
