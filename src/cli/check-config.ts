import { parseArgs } from "node:util";
import { stringify } from "ini";
import type { Command } from "./command";
import { loadConfig } from "../config";

export const checkConfigCommand: Command = {
  name: "check-config",
  summary: "validate a config file and print the effective configuration",
  help: `Usage: rb-aioutliers check-config [--config FILE]

Reads FILE (default: embedded defaults only), applies the environment
(DATA_SERVER_ENDPOINT, DRUID_ENDPOINT, RB_AIOUTLIERS_<SECTION>_<KEY>), validates
every value and prints the effective configuration as ini. Exit code 0 when
valid, 1 with a message naming each bad key and its accepted range otherwise.`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { config: { type: "string" } }, strict: true });
    const config = loadConfig({ file: values.config, env: process.env });
    process.stdout.write(stringify(config as unknown as Record<string, unknown>));
    return 0;
  },
};
