// The station API (port 8080, docs/design.md § Station API; docs/stations.md): /initialize and
// /detection as the original server spoke them, the read side (/stations...), /health and /metrics.
// The routes only: the store (SQLite in the data dir), the registry and the outbox sender are built
// by src/app; deliveries downstream go through the outbox and its background sender, never on the
// request path.
import { Hono, type Context } from "hono";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { makeErrorHandler, notFoundHandler } from "./error-handler";
import { limitBody } from "./body-limit";
import { BadRequestError, NotFoundError, PayloadTooLargeError } from "./errors";
import { initializeSchema, outliersQuerySchema, parseOrThrow, readDetection } from "./station-schemas";
import { idParam, readJson } from "./station-request";
import { stationRecordRoutes } from "./station-record-routes";
import { mountConsole, type ConsoleFiles } from "./console-routes";
import { stationOpenApi } from "./openapi";
import { requireToken, type AccessOptions } from "./access";
import type { StationStore } from "../stations/store";
import type { StationRegistry } from "../stations/station-registry";
import type { StationMetrics } from "../stations/station-metrics";
import { stationView, stationsView } from "../stations/station-views";

export interface StationAppOptions {
  store: StationStore;
  registry: StationRegistry;
  /** Woken after each block; none when no downstream endpoint is configured. */
  sender?: { wake(): void };
  /** [Stations] data_server_endpoint as it may be shown, without credentials ("" when none). */
  endpoint: string;
  /** [Stations] body_limit, bytes. */
  bodyLimit: number;
  metrics: StationMetrics;
  /** The process's metrics registry, served at /metrics. */
  metricsRegistry: Registry;
  log: Logger;
  /** [Server] auth_token and auth_reads (./access.ts). */
  access: AccessOptions;
  /** The product version (the OpenAPI document's) and the status page's files. */
  version: string;
  consoleFiles: ConsoleFiles;
  /** What GET /status answers (src/app/console-files.ts). */
  status: () => Promise<Record<string, unknown>>;
  /** Test hook (RB_AIOUTLIERS_TEST_KILL_AFTER_BLOCKS, src/app/station-service.ts): SIGKILL the
   * process after committing its Nth block, before answering it. */
  killAfterBlocks?: number;
}

/** The Idempotency-Key header: 1-255 visible ASCII characters (a UUID is typical), or none. */
function idempotencyKey(c: Context): string | undefined {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new BadRequestError(`Idempotency-Key: must be 1-255 visible ASCII characters, e.g. a UUID (got ${key.length} characters)`);
  return key;
}

export function createStationApp(o: StationAppOptions): Hono {
  const { store, registry, sender, endpoint, metrics } = o;
  const app = new Hono();
  app.onError(makeErrorHandler(o.log));
  app.notFound(notFoundHandler);
  app.use(async (c, next) => {
    const end = metrics.latency.startTimer();
    await next();
    const route = c.req.routePath === "/*" ? "other" : c.req.routePath;
    end({ method: c.req.method, route });
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
  });
  app.use(requireToken(o.access));
  const limit = limitBody(o.bodyLimit, () => { throw new PayloadTooLargeError(o.bodyLimit, "[Stations] body_limit"); });

  app.post("/initialize", limit, async (c) => {
    const req = parseOrThrow(initializeSchema, await readJson(c));
    const r = await registry.initialize(req);
    o.log.info({ station: req.id_estacio, ...r }, "station initialized");
    return c.json({ status: "Ok" });
  });

  let committedBlocks = 0;
  app.post("/detection", limit, async (c) => {
    const key = idempotencyKey(c);
    const req = readDetection(await readJson(c));
    const r = await registry.detect(req, key);
    if (r.replayed) {
      c.header("idempotent-replayed", "true");
      return c.json({ status: "Ok", outliers: r.outliers });
    }
    if (++committedBlocks === o.killAfterBlocks) process.kill(process.pid, "SIGKILL");
    metrics.samples.inc(r.samples);
    if (r.outlierCount) metrics.outliers.inc(r.outlierCount);
    if (r.retrains) metrics.retrains.inc(r.retrains);
    sender?.wake();
    return c.json({ status: "Ok", outliers: r.outliers });
  });

  app.get("/stations", (c) => c.json({ status: "Ok", stations: stationsView(store) }));
  app.get("/stations/:id", (c) => {
    const id = idParam(c);
    const view = stationView(store, id);
    if (!view) throw new NotFoundError(`no station ${JSON.stringify(id)}; GET /stations lists them`);
    return c.json({ status: "Ok", station: view });
  });
  app.get("/stations/:id/outliers", (c) => {
    const id = idParam(c);
    if (!registry.has(id)) throw new NotFoundError(`no station ${JSON.stringify(id)}; GET /stations lists them`);
    const { since, limit: max } = parseOrThrow(outliersQuerySchema, c.req.query());
    const outliers = store.outliersSince(id, since, max).map((o) => ({
      variable: o.variable, timestamp: o.timestamp, score: o.score, recorded_at: new Date(o.recorded_ms).toISOString(),
    }));
    return c.json({ status: "Ok", id_estacio: id, outliers });
  });
  app.route("/", stationRecordRoutes(store, registry, limit));
  app.delete("/stations/:id", async (c) => {
    const id = idParam(c);
    if (!(await registry.delete(id))) throw new NotFoundError(`no station ${JSON.stringify(id)}; GET /stations lists them`);
    return c.json({ status: "Ok" });
  });

  app.get("/health", (c) => {
    const o = store.outboxStats();
    // Failing deliveries, or deliveries held with no downstream configured to send them to.
    const failing = o.last_error !== null || (endpoint === "" && o.depth > 0);
    const storage = store.health.problem;
    return c.json({
      status: failing || storage ? "degraded" : "ok",
      stations: store.stationCount(),
      cached_stations: registry.cache.size,
      // threads computing /detection blocks; a block in progress no longer holds the event loop
      detection: registry.detection(),
      outbox: {
        endpoint: endpoint || null,
        depth: o.depth,
        oldest_age_seconds: o.oldest_ms === null ? 0 : (Date.now() - o.oldest_ms) / 1000,
        last_error: o.last_error,
      },
      // The last write's disk fault (full, read-only, failing), until a write succeeds again.
      storage: { path: store.health.path, error: storage?.error ?? null, since: storage ? new Date(storage.since_ms).toISOString() : null },
    });
  });
  app.get("/metrics", async (c) => c.text(await o.metricsRegistry.metrics(), 200, { "content-type": o.metricsRegistry.contentType }));
  mountConsole(app, { api: "station", openapi: stationOpenApi(o.version), files: o.consoleFiles, status: o.status, access: o.access });

  return app;
}
