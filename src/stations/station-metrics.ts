// Prometheus metrics of the station API, on the process registry (served at /metrics).
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface OutboxGaugeSource {
  outboxStats(): { depth: number; oldest_ms: number | null };
}

export function createStationMetrics(registry: Registry, source: { outbox: OutboxGaugeSource; cache: { size: number; bytes: number }; now: () => number }) {
  const p = "rb_aioutliers_station_";
  return {
    requests: new Counter({ name: `${p}http_requests_total`, help: "Requests to the station API by route and status", labelNames: ["method", "route", "status"], registers: [registry] }),
    latency: new Histogram({
      name: `${p}http_request_duration_seconds`, help: "Latency of station API requests", labelNames: ["method", "route"],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    samples: new Counter({ name: `${p}samples_total`, help: "Samples applied (one per variable value)", registers: [registry] }),
    outliers: new Counter({ name: `${p}outliers_total`, help: "Outliers found", registers: [registry] }),
    retrains: new Counter({ name: `${p}retrains_total`, help: "Pipeline trainings (the first one and every drift)", registers: [registry] }),
    deliveries: new Counter({ name: `${p}outbox_attempts_total`, help: "Delivery attempts to the downstream server by outcome", labelNames: ["outcome"], registers: [registry] }),
    outboxDepth: new Gauge({
      name: `${p}outbox_depth`, help: "Entries waiting in the outbox", registers: [registry],
      collect() { this.set(source.outbox.outboxStats().depth); },
    }),
    outboxOldest: new Gauge({
      name: `${p}outbox_oldest_age_seconds`, help: "Age of the oldest undelivered outbox entry (0 when empty)", registers: [registry],
      collect() { const s = source.outbox.outboxStats(); this.set(s.oldest_ms === null ? 0 : (source.now() - s.oldest_ms) / 1000); },
    }),
    cachedStations: new Gauge({
      name: `${p}cached_stations`, help: "Stations whose pipelines are in memory", registers: [registry],
      collect() { this.set(source.cache.size); },
    }),
    cachedBytes: new Gauge({
      name: `${p}cached_state_bytes`, help: "Estimated bytes of pipeline state in memory (budget: [Stations] state_cache_bytes)", registers: [registry],
      collect() { this.set(source.cache.bytes); },
    }),
  };
}

export type StationMetrics = ReturnType<typeof createStationMetrics>;
