// The station half of the service (docs/design.md § Station API; docs/stations.md), wired: the
// SQLite store in the data dir, the registry of live pipelines, the outbox sender's process, the hourly
// pruning of reported outliers, events and ended maintenance windows, and the station API's routes
// over them.
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { createStationApp } from "../http/station-app";
import { consoleOptions } from "./console-files";
import { OutboxProcess } from "../stations/outbox-process";
import { withoutCredentials } from "../runtime/url-credentials";
import { createStationMetrics } from "../stations/station-metrics";
import { StationRegistry } from "../stations/station-registry";
import { InlineFirstDetection } from "../stations/detection-host";
import { StationStore } from "../stations/store";
import { WalCheckpointer } from "../stations/wal-checkpointer";
import type { Service, ServiceDeps } from "./service";

const HOUR_MS = 3_600_000;

/** The station store's file in the data dir. */
export const STATIONS_DB = "stations.sqlite";

export async function createStationService(deps: ServiceDeps): Promise<Service> {
  const cfg = deps.config.Stations;
  const dbFile = join(deps.config.Paths.data_dir, STATIONS_DB);
  const store = new StationStore(dbFile, { synchronous: cfg.sqlite_synchronous });
  // WAL checkpoints in a thread of their own, every second, once the WAL has reached SQLite's own
  // checkpoint size (1,000 pages); the WAL bounded at ~40 MB (4 KiB pages)
  const checkpointer = new WalCheckpointer(store.db, { intervalMs: 1000, maxWalPages: 10_000, startWalPages: 1000, log: deps.log });
  checkpointer.start();
  const endpoint = cfg.data_server_endpoint;
  // cheap blocks on this thread, heavy stations in detection threads started at their first
  // station (issue 17 parts 1 and 3); a thread that dies loses only the stations it held
  const host = new InlineFirstDetection({
    defaultPipeline: cfg.default_pipeline, threads: { size: cfg.detection_threads || availableParallelism(), log: deps.log },
    onLost: (ids) => registry.lost(ids),
  });
  const registry: StationRegistry = new StationRegistry(store, {
    host, defaultPipeline: cfg.default_pipeline, deliver: endpoint !== "", cacheBytes: cfg.state_cache_bytes, historySamples: cfg.history_samples,
    acceptOlderSamples: cfg.accept_older_samples, maxBlockCpuMs: cfg.max_block_cpu_ms, log: deps.log,
    commitsHeld: () => checkpointer.restarting,
  });
  const metrics = createStationMetrics(deps.metrics, { outbox: store, cache: registry.cache, now: Date.now });
  // deliveries in a child process of its own, started only with an endpoint (docs/stations.md § Outbox (delivery downstream))
  const sender = endpoint === "" ? undefined : new OutboxProcess({
    settings: { dbFile, synchronous: cfg.sqlite_synchronous, endpoint, timeoutMs: cfg.outbox_timeout_ms, maxBackoffMs: cfg.outbox_max_backoff_ms },
    log: deps.log, onAttempts: (outcome, n) => metrics.deliveries.inc({ outcome }, n),
  });
  const prune = () => {
    const now = Date.now();
    store.pruneOutliers(now - cfg.outlier_retention_hours * HOUR_MS);
    store.records.prune(now - cfg.event_retention_hours * HOUR_MS);
  };
  prune();
  const pruneTimer = setInterval(prune, HOUR_MS).unref();
  sender?.start();
  if (endpoint === "") {
    deps.log.warn("no downstream data server configured (DATA_SERVER_ENDPOINT / [Stations] data_server_endpoint): results are not queued for delivery");
    const held = store.outboxStats().depth;
    if (held > 0) deps.log.warn({ held }, `${held} deliveries queued while a downstream was configured are kept, and sent once one is configured again`);
  }
  deps.statusParts.add(() => ({
    downstream: { endpoint: withoutCredentials(endpoint) || null, last_error: store.outboxStats().last_error },
    budgets: { station_state: { setting: "[Stations] state_cache_bytes", bytes: cfg.state_cache_bytes, used_bytes: registry.cache.bytes } },
  }));
  const app = createStationApp({
    store, registry, sender, endpoint: withoutCredentials(endpoint), bodyLimit: cfg.body_limit, metrics, metricsRegistry: deps.metrics, log: deps.log,
    ...consoleOptions(deps.config, deps.statusParts),
    access: { token: deps.config.Server.auth_token, reads: deps.config.Server.auth_reads },
    // Test hook (test/stations/idempotency.test.ts), honoured only when set: a crash between a
    // block's commit and its answer.
    killAfterBlocks: Number(process.env.RB_AIOUTLIERS_TEST_KILL_AFTER_BLOCKS ?? 0) || undefined,
  });
  return {
    app,
    async close() {
      clearInterval(pruneTimer);
      await sender?.close();
      await checkpointer.close();
      await registry.close();
      store.close();
    },
  };
}
