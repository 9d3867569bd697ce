// Every subcommand of rb-aioutliers. `serve` is the default.
import type { Command } from "./command";
import { serveCommand } from "./serve";
import { versionCommand } from "./version";
import { checkConfigCommand } from "./check-config";

export const commands: Command[] = [serveCommand, checkConfigCommand, versionCommand];
export const defaultCommand = "serve";
