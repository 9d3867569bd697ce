import { parseArgs } from "node:util";
import { stringify } from "ini";
import type { Command } from "./command";
import { readConfig, redactSecrets } from "../config";

export const checkConfigCommand: Command = {
  name: "check-config",
  summary: "validate a config file and print the effective configuration",
  help: `Usage: rb-aioutliers check-config [--config FILE]

Reads FILE (default: embedded defaults only), applies the environment
(DATA_SERVER_ENDPOINT, DRUID_ENDPOINT, RB_AIOUTLIERS_<SECTION>_<KEY>), validates
every section, key and value and prints the effective configuration as ini,
secrets ([AWS] s3_private_key, [Redis] rd_secret) shown as REDACTED.
Sections and keys of the original service's config.ini that mean nothing here
([NTP], [ZooKeeper], outliers_server_workers, ...) are accepted and each
named in a warning on stderr. Exit code 0 when valid; 1 otherwise, with every
problem listed at once: each unknown section or key (with "did you mean" for a
near miss) and each bad value with its accepted range.`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { config: { type: "string" } }, strict: true });
    const { config, warnings } = readConfig({ file: values.config, env: process.env });
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(stringify(redactSecrets(config) as unknown as Record<string, unknown>));
    return 0;
  },
};
