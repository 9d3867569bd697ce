// Linux /proc readers for tests and benches: a process's CPU time and state, and its descendants
// (the service's child processes, e.g. the outbox sender).
import { readdirSync, readFileSync } from "node:fs";

/** The fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, [7] minflt, [11] utime, [12] stime. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch { return undefined; } // ended meanwhile
}

/** CPU time (user + system) the process has used, ms (clock ticks of 10 ms); 0 once it is gone. */
export function processCpuMs(pid: number): number {
  const f = statFields(pid);
  return f ? ((Number(f[11]) + Number(f[12])) * 1000) / 100 : 0;
}

/** The process's kernel CPU time (ms) and minor page faults so far; zeros once it is gone. */
export function processKernelUse(pid: number): { kernelMs: number; minorFaults: number } {
  const f = statFields(pid);
  return f ? { kernelMs: (Number(f[12]) * 1000) / 100, minorFaults: Number(f[7]) } : { kernelMs: 0, minorFaults: 0 };
}

/** Whether the process runs (exists and is not a zombie). */
export function alive(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== "Z";
}

/** The running processes below `root` (children, grandchildren, ...). */
export function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && f[0] !== "Z") parent.set(Number(name), Number(f[1]));
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(below);
}

/** Whether the process has the outbox sender's role in its environment (src/runtime/child-process.ts). */
function hasSenderRole(pid: number): boolean {
  try { return readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes("RB_AIOUTLIERS_CHILD=outbox-sender"); } catch { return false; }
}

/** The service's outbox sender processes below `root`: those with the sender's role whose parent
 * has not (what a sender starts inherits its environment: from source, tsx's esbuild service). */
export function outboxSenders(root: number): number[] {
  return descendants(root).filter((pid) => hasSenderRole(pid) && !hasSenderRole(Number(statFields(pid)?.[1])));
}
