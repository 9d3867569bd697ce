// Entry point of the rb-aioutliers executable and of `npm run cli -- <subcommand>`.
import { startupSnapshot } from "node:v8";
import { commands, defaultCommand, overview } from "./commands";
import { EXIT_DATA_DIR, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes";
import { UsageError } from "./command";
import { ConfigError, loadConfig } from "../config";
import { DataDirError } from "../runtime/data-dir";
import { childRole } from "../runtime/child-process";
import { runChildRole } from "./child-roles";

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h" || first === "help") {
    console.log(overview());
    return EXIT_OK;
  }
  if (first === "--version") return main(["version"]);
  const explicit = first !== undefined && !first.startsWith("-");
  const name = explicit ? first : defaultCommand;
  const args = explicit ? rest : argv;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`rb-aioutliers: unknown subcommand '${name}'\n\n${overview()}`);
    return EXIT_USAGE;
  }
  if (args.includes("--help") || args.includes("-h")) {
    console.log(command.help);
    return EXIT_OK;
  }
  try {
    return await command.run(args);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`rb-aioutliers ${command.name}: ${(e as Error).message}\nRun 'rb-aioutliers ${command.name} --help' for usage.`);
      return EXIT_USAGE;
    }
    if (e instanceof ConfigError) {
      console.error(`rb-aioutliers ${command.name}: ${e.message}`);
      return EXIT_FAILURE;
    }
    if (e instanceof DataDirError) {
      console.error(`rb-aioutliers ${command.name}: ${e.message}`);
      return EXIT_DATA_DIR;
    }
    throw e;
  }
}

function run(): void {
  // this program started again by itself as a child process (src/runtime/child-process.ts)
  const role = childRole();
  if (role !== undefined) return runChildRole(role);
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => { console.error(e); process.exitCode = EXIT_FAILURE; },
  );
}

// The executable is built with a V8 startup snapshot (build/build.mjs): this script runs at build
// time, every module is initialised then, and run() is what the executable starts with. Parsing
// the default config there (no file, no environment: nothing of the build machine is kept) puts
// zod's generated parser of the config schema in the snapshot as well (~5 ms less per start).
if (startupSnapshot.isBuildingSnapshot()) {
  loadConfig({ env: {} });
  startupSnapshot.setDeserializeMainFunction(run);
} else {
  run();
}
