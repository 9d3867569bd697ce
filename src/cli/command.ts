// The shape of a subcommand. Each lives in its own file and is listed in ./commands.ts.
export interface Command {
  name: string;
  /** One line for the overview of `rb-aioutliers --help`. */
  summary: string;
  /** The full `--help` text of the subcommand. */
  help: string;
  /** Runs the subcommand; resolves to the process exit code (a server resolves when it stops). */
  run(argv: string[]): Promise<number>;
}

/** A usage mistake: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
