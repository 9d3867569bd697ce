// Maintenance windows (issue 15 part 4): while technicians work on a station its readings are not
// to be believed, so an outlier whose sample time falls inside a window is recorded (outliers
// table, history, an `outlier` event marked suppressed) but not delivered downstream nor answered
// to /detection. A window covers [from, to) of sample time, for the listed variables or all of
// them. Two windows of one station may not overlap on a variable they share: which reason would
// apply would be ambiguous, and an overlap is almost always a window entered twice.
import type { MaintenanceRow } from "./station-records";

export interface MaintenanceWindow {
  id: number;
  fromMs: number;
  toMs: number;
  /** undefined = every variable of the station. */
  variables?: string[];
  reason: string;
  createdMs: number;
}

export function windowOfRow(r: MaintenanceRow): MaintenanceWindow {
  return {
    id: r.id, fromMs: r.from_ms, toMs: r.to_ms, reason: r.reason, createdMs: r.created_ms,
    ...(r.variables === null ? {} : { variables: JSON.parse(r.variables) as string[] }),
  };
}

const covers = (w: Pick<MaintenanceWindow, "variables">, variable: string) => w.variables === undefined || w.variables.includes(variable);

/** The window that suppresses an outlier of `variable` at `timeMs`, if any. */
export function suppressingWindow(windows: readonly MaintenanceWindow[], variable: string, timeMs: number): MaintenanceWindow | undefined {
  return windows.find((w) => w.fromMs <= timeMs && timeMs < w.toMs && covers(w, variable));
}

/** An existing window that overlaps the new one on a variable both cover, if any. */
export function overlappingWindow(windows: readonly MaintenanceWindow[], w: Omit<MaintenanceWindow, "id" | "createdMs">): MaintenanceWindow | undefined {
  return windows.find((o) => o.fromMs < w.toMs && w.fromMs < o.toMs &&
    (o.variables === undefined || w.variables === undefined || o.variables.some((v) => w.variables!.includes(v))));
}

/** Windows a station may hold at once (ended windows are pruned with the events). */
export const MAX_WINDOWS_PER_STATION = 1000;

const iso = (ms: number) => new Date(ms).toISOString();

/** A window as the API shows it. */
export function windowView(w: MaintenanceWindow) {
  return { id: w.id, from: iso(w.fromMs), to: iso(w.toMs), variables: w.variables ?? null, reason: w.reason, created_at: iso(w.createdMs) };
}

function describe(w: MaintenanceWindow): string {
  const vars = w.variables === undefined ? "every variable" : w.variables.map((v) => JSON.stringify(v)).join(", ");
  return `window ${w.id} (${iso(w.fromMs)} to ${iso(w.toMs)}, ${vars}, ${JSON.stringify(w.reason)})`;
}

/** Why the window cannot be added to the station's, or undefined when it can. */
export function windowProblem(existing: readonly MaintenanceWindow[], stationVariables: readonly string[], w: Omit<MaintenanceWindow, "id" | "createdMs">): string | undefined {
  const unknown = (w.variables ?? []).filter((v) => !stationVariables.includes(v));
  if (unknown.length)
    return `variables: ${unknown.map((v) => JSON.stringify(v)).join(", ")} not initialized for this station (its variables: ${stationVariables.map((v) => JSON.stringify(v)).join(", ")}); omit "variables" for all of them`;
  const o = overlappingWindow(existing, w);
  if (o) return `overlaps ${describe(o)} on a variable both cover; change the times, or DELETE that window first`;
  if (existing.length >= MAX_WINDOWS_PER_STATION) return `the station already has ${existing.length} maintenance windows, the most it may hold; DELETE some first`;
  return undefined;
}
