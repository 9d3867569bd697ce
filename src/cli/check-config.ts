import { parseArgs } from "node:util";
import { stringify } from "ini";
import type { Command } from "./command";
import { readConfig, redactSecrets, type Config } from "../config";
import { withoutCredentials } from "../runtime/url-credentials";

/** The configuration as it may be printed: endpoints without their credentials, the token hidden,
 * the cluster's secrets REDACTED. */
function shown(config: Config): Config {
  return {
    ...redactSecrets(config),
    Server: { ...config.Server, auth_token: config.Server.auth_token && "(hidden)" },
    Stations: { ...config.Stations, data_server_endpoint: withoutCredentials(config.Stations.data_server_endpoint) },
    Druid: { ...config.Druid, druid_endpoint: withoutCredentials(config.Druid.druid_endpoint) },
  };
}

export const checkConfigCommand: Command = {
  name: "check-config",
  summary: "validate a config file and print the effective configuration",
  help: `Usage: rb-aioutliers check-config [--config FILE]

Reads FILE (default: embedded defaults only), applies the environment
(DATA_SERVER_ENDPOINT, DRUID_ENDPOINT, RB_AIOUTLIERS_<SECTION>_<KEY>), validates
every section, key and value and prints the effective configuration as ini,
secrets left out: endpoints without user:password, auth_token as (hidden),
[AWS] s3_private_key and [Redis] rd_secret as REDACTED.
Sections and keys of the original service's config.ini that mean nothing here
([NTP], [ZooKeeper], outliers_server_workers, ...) are accepted and each
named in a warning on stderr. Exit code 0 when valid; 1 otherwise, with every
problem listed at once: each unknown section or key (with "did you mean" for a
near miss) and each bad value with its accepted range.`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { config: { type: "string" } }, strict: true });
    const { config, warnings } = readConfig({ file: values.config, env: process.env });
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(stringify(shown(config) as unknown as Record<string, unknown>));
    return 0;
  },
};
