// Every subcommand of rb-aioutliers. `serve` is the default.
import type { Command } from "./command";
import { serveCommand } from "./serve";
import { versionCommand } from "./version";
import { checkConfigCommand } from "./check-config";
import { importKerasCommand } from "./import-keras";
import { exportKerasCommand } from "./export-keras";
import { trainCommand } from "./train";
import { detectCommand } from "./detect";

export const commands: Command[] = [serveCommand, checkConfigCommand, versionCommand, importKerasCommand, exportKerasCommand, trainCommand, detectCommand];
export const defaultCommand = "serve";
