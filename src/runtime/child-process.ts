// Runs this program again as a child process in a role (e.g. the outbox sender, issue 17 part 2),
// with an IPC channel to it. Inside the single executable the child is the executable itself, and
// src/cli/main.ts reads the role (RB_AIOUTLIERS_CHILD) before any subcommand; from source it is
// src/cli/child-main.ts under tsx, which loads only what the role needs. A child process, not a worker thread: inside the
// executable a worker that loads node:http aborts the process (Node 24's startup snapshot:
// `shutdown_wrap_template_.IsEmpty()`), a child is a whole Node of its own.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

type Sea = typeof import("node:sea");

const ROLE_ENV = "RB_AIOUTLIERS_CHILD";

/** The role this process was started in by startChildProcess, if any. */
export function childRole(): string | undefined {
  return process.env[ROLE_ENV] || undefined;
}

/** Starts the child; it shares stdout and stderr, and talks over `child.send` / `process.send`. */
export function startChildProcess(role: string): ChildProcess {
  const sea = process.getBuiltinModule("node:sea") as Sea | undefined;
  const args = sea?.isSea() ? [] : ["--import", import.meta.resolve("tsx"), fileURLToPath(new URL("../cli/child-main.ts", import.meta.url))];
  return spawn(process.execPath, args, { env: { ...process.env, [ROLE_ENV]: role }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
}
