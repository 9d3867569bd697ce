// One Prometheus registry for the process, served at /metrics on both ports.
import { Registry, collectDefaultMetrics } from "prom-client";

export function createMetricsRegistry(opts: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "rb_aioutliers_" });
  return registry;
}
