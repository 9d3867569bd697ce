// Prometheus metrics of the default model's helper thread (./context-pool.ts), on the process
// registry: its jobs by who did them. The request's thread does a job itself when the thread had
// not begun it by the time its first result was needed (`taken_back`: the machine's second core
// busy, or slow to wake) or stalled in it (`redone`); such a request runs on one core, so a growing
// share of them says why the traffic API's long requests got slower (docs/traffic.md § Metrics).
import { Counter, type Registry } from "prom-client";

export interface HelperCounts {
  readonly counts: { readonly started: number; readonly takenBack: number; readonly finishedHere: number };
}

export function createHelperMetrics(registry: Registry, pool: HelperCounts): Counter<"outcome"> {
  const reported = { thread: 0, taken_back: 0, redone: 0 };
  return new Counter({
    name: "rb_aioutliers_traffic_helper_jobs_total",
    help: "Jobs of the default model's helper thread by who did them: the thread, or the request's thread (taken_back: not begun in time; redone: stalled in)",
    labelNames: ["outcome"], registers: [registry],
    collect() {
      const c = pool.counts;
      const now = { thread: c.started - c.takenBack - c.finishedHere, taken_back: c.takenBack, redone: c.finishedHere };
      for (const outcome of ["thread", "taken_back", "redone"] as const) {
        this.inc({ outcome }, now[outcome] - reported[outcome]);
        reported[outcome] = now[outcome];
      }
    },
  });
}
