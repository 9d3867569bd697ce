import { parseArgs } from "node:util";
import type { ServerType } from "@hono/node-server";
import type { Command } from "./command";
import { cacheDir, readConfig, type Config } from "../config";
import { setAssetCacheDir } from "../runtime/embedded-assets";
import { createLogs, type Logger } from "../runtime/logger";
import { logRequests } from "../runtime/access-log";
import { createMetricsRegistry } from "../runtime/metrics";
import { checkDataDir } from "../runtime/data-dir";
import { createStationService, STATIONS_DB } from "../app/station-service";
import { createTrafficService, SERIES_DB } from "../app/traffic-service";
import type { Service } from "../app/service";
import { StatusParts } from "../app/console-files";
import { settleMallocThresholds } from "../runtime/malloc-thresholds";

export const serveCommand: Command = {
  name: "serve",
  summary: "run the service: traffic API and station API (default)",
  help: `Usage: rb-aioutliers serve [--config FILE] [--traffic-port N] [--station-port N] [--data-dir DIR]

Runs both HTTP APIs until SIGTERM or SIGINT:
  traffic API  (default port 39091) POST /api/v1/outliers, /calculate,
               /api/v1/ip_identifier; GET /api/v1/models, /health, /metrics
  station API  (default port 8080) POST /initialize, /detection; GET /stations,
               /stations/ID, /stations/ID/outliers, /health, /metrics;
               DELETE /stations/ID
  on both      GET / (status page), /docs and /openapi.json (OpenAPI 3.1)

Options:
  --config FILE       config.ini to read (default: embedded defaults only)
  --traffic-port N    overrides [OutliersServerProduction] outliers_server_port
  --station-port N    overrides [Stations] port
  --data-dir DIR      overrides [Paths] data_dir (SQLite state, models, backups)

Environment: DATA_SERVER_ENDPOINT (downstream server of the station API),
DRUID_ENDPOINT, and RB_AIOUTLIERS_<SECTION>_<KEY> for any config key.
Port 0 picks a free port; the chosen ports are logged ("listening").
Addresses: [OutliersServerProduction] outliers_binding_address and [Stations]
binding_address (default 0.0.0.0; 127.0.0.1 serves this box alone).
Access: with [Server] auth_token (or RB_AIOUTLIERS_SERVER_AUTH_TOKEN, or
[Server] auth_token_file) every write and delete on both ports needs
"Authorization: Bearer <token>" (else 401); [Server] auth_reads = true asks it
of reads too, except /health and the status page's shell.`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv, strict: true,
      options: {
        config: { type: "string" }, "traffic-port": { type: "string" },
        "station-port": { type: "string" }, "data-dir": { type: "string" },
      },
    });
    const overrides: Record<string, Record<string, unknown>> = {};
    if (values["traffic-port"] !== undefined) overrides.OutliersServerProduction = { outliers_server_port: values["traffic-port"] };
    if (values["station-port"] !== undefined) overrides.Stations = { port: values["station-port"] };
    if (values["data-dir"] !== undefined) overrides.Paths = { data_dir: values["data-dir"] };
    const { config, warnings } = readConfig({ file: values.config, env: process.env, overrides });
    checkDataDir(config.Paths.data_dir, [STATIONS_DB, SERIES_DB]);
    setAssetCacheDir(cacheDir(config));
    const { log, access } = createLogs({ level: config.Logger.level, file: config.Logger.log_file, format: config.Logger.log_format });
    for (const w of warnings) log.warn(w);
    settleMallocThresholds();
    return runService(config, log, access);
  },
};

async function listenOn(service: Service, hostname: string, port: number): Promise<ServerType> {
  // Loaded here, not at start: @hono/node-server reads the global Response at import, which loads
  // Node's fetch implementation (undici, with http2 and tls), and those cannot be in the executable's
  // startup snapshot (build/build.mjs), which holds every module initialised before this point.
  const { serve: listen } = await import("@hono/node-server");
  return new Promise((resolve, reject) => {
    const server = listen({ fetch: service.app.fetch, hostname, port }, () => resolve(server));
    server.once("error", reject);
  });
}

async function runService(config: Config, log: Logger, access: Logger): Promise<number> {
  const metrics = createMetricsRegistry();
  const deps = { config, log, metrics, statusParts: new StatusParts() };
  const station = await createStationService(deps);
  const traffic = await createTrafficService(deps);
  const servers = [
    { name: "traffic", service: traffic, host: config.OutliersServerProduction.outliers_binding_address, port: config.OutliersServerProduction.outliers_server_port },
    { name: "station", service: station, host: config.Stations.binding_address, port: config.Stations.port },
  ];
  const listening: ServerType[] = [];
  for (const s of servers) {
    try {
      const server = await listenOn(s.service, s.host, s.port);
      listening.push(server);
      if (config.Logger.access_log) logRequests(server, access, s.name);
      const addr = server.address();
      log.info({ api: s.name, host: s.host, port: typeof addr === "object" && addr ? addr.port : s.port }, "listening");
    } catch (e) {
      log.fatal({ api: s.name, host: s.host, port: s.port, err: String(e) }, "cannot listen");
      await Promise.all([station.close(), traffic.close()]);
      return 1;
    }
  }
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "stopping");
      await Promise.all(listening.map((s) => new Promise((r) => s.close(r))));
      await Promise.all([station.close(), traffic.close()]);
      log.info("stopped");
      log.flush();
      resolve(0);
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
  });
}
