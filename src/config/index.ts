export { configSchema, pipelineKinds, type Config, type PipelineKindName } from "./schema";
export { loadConfig, readConfig, readIniFile, envOverrides, modelsDir, backupsDir, cacheDir, type LoadOptions, type LoadedConfig } from "./load";
export { ConfigError } from "./config-error";
