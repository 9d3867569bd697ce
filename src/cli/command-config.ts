// The configuration of a subcommand that reads state or models: config file, environment, then
// `--data-dir`; and where the executable extracts its embedded native files ([Paths] cache_dir),
// which must be set before anything loads them.
import { cacheDir, readConfig, type Config } from "../config";
import { setAssetCacheDir } from "../runtime/embedded-assets";

export function loadCommandConfig(values: { config?: string; "data-dir"?: string }): Config {
  const { config, warnings } = readConfig({
    file: values.config, env: process.env,
    overrides: values["data-dir"] !== undefined ? { Paths: { data_dir: values["data-dir"] } } : {},
  });
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  setAssetCacheDir(cacheDir(config));
  return config;
}
