export { configSchema, pipelineKinds, type Config, type PipelineKindName } from "./schema";
export { loadConfig, readIniFile, envOverrides, modelsDir, backupsDir, cacheDir, type LoadOptions } from "./load";
export { ConfigError } from "./config-error";
