// Exit codes of rb-aioutliers, as `main` returns them and the man page lists them.
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_DATA_DIR = 3;

export const exitCodes: readonly { code: number; meaning: string }[] = [
  { code: EXIT_OK, meaning: "success; for serve, a stop by SIGTERM or SIGINT" },
  { code: EXIT_FAILURE, meaning: "the configuration is invalid (every problem is printed), a port cannot be bound, or the subcommand failed (the message says why)" },
  { code: EXIT_USAGE, meaning: "a usage mistake (unknown subcommand or option, a bad option value), or input data that detect cannot read (with its line number)" },
  { code: EXIT_DATA_DIR, meaning: "serve: the data dir cannot be used (a file, not creatable, not readable or writable, or a database in it of a schema version this release does not read); one line says the path, the cause and the fix" },
];
