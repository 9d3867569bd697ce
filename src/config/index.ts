export { configSchema, type Config } from "./schema";
export { loadConfig, readIniFile, envOverrides, modelsDir, backupsDir, cacheDir, type LoadOptions } from "./load";
export { ConfigError } from "./config-error";
