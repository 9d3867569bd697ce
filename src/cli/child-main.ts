// Entry of a child process started from source (src/runtime/child-process.ts): loads only what its
// role needs, not every subcommand as src/cli/main.ts does (under tsx, 0.8 s of CPU against 2 s).
import { childRole } from "../runtime/child-process";
import { runChildRole } from "./child-roles";

runChildRole(childRole() ?? "");
