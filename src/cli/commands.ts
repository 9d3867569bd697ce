// Every subcommand of rb-aioutliers. `serve` is the default. `--help` and the man page
// (./man-page.ts) are made from these.
import type { Command } from "./command";
import { serveCommand } from "./serve";
import { versionCommand } from "./version";
import { checkConfigCommand } from "./check-config";
import { importKerasCommand } from "./import-keras";
import { exportKerasCommand } from "./export-keras";
import { trainCommand } from "./train";
import { detectCommand } from "./detect";
import { healthcheckCommand } from "./healthcheck";
import { modelsCommand } from "./models";

export const commands: Command[] = [serveCommand, checkConfigCommand, versionCommand, importKerasCommand, exportKerasCommand, trainCommand, detectCommand, healthcheckCommand, modelsCommand];
export const defaultCommand = "serve";

/** The text of `rb-aioutliers --help`. */
export function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: rb-aioutliers [subcommand] [options]

Outlier detection for time series: the traffic API (port 39091) and the station
API (port 8080) in one service. Without a subcommand it runs \`${defaultCommand}\`.

Subcommands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run \`rb-aioutliers <subcommand> --help\` for the options of one.`;
}

