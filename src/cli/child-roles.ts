// What this program runs when it was started again by itself as a child process in a role
// (src/runtime/child-process.ts): src/cli/main.ts asks here before any subcommand (the executable),
// ./child-main.ts runs it from source.
import { OUTBOX_SENDER_ROLE } from "../stations/outbox-process";
import { runOutboxSenderProcess } from "../stations/outbox-process-main";

export function runChildRole(role: string): void {
  if (role === OUTBOX_SENDER_ROLE) return runOutboxSenderProcess();
  throw new Error(`unknown child process role '${role}'`);
}
