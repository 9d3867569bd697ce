export { configSchema, type Config } from "./schema";
export { loadConfig, readConfig, readIniFile, envOverrides, modelsDir, backupsDir, cacheDir, type LoadOptions, type LoadedConfig } from "./load";
export { ConfigError } from "./config-error";
export { SECRET_KEYS, REDACTED, redactSecrets } from "./secrets";
