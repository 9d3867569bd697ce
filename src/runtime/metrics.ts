// One Prometheus registry for the process, served at /metrics on both ports.
import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { productVersion } from "./version";

export function createMetricsRegistry(opts: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "rb_aioutliers_" });
  // The usual Prometheus build-info gauge: the version as a label (the status page shows it).
  new Gauge({ name: "rb_aioutliers_build_info", help: "Always 1; the product version is its label", labelNames: ["version"], registers: [registry] })
    .set({ version: productVersion() }, 1);
  return registry;
}
