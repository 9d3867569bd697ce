// The station API (port 8080, docs/design.md § Station API; docs/stations.md): /initialize and
// /detection as the original server spoke them, the read side (/stations...), /health and /metrics.
// State lives in SQLite in the data dir (src/stations/store.ts); deliveries downstream go through
// the outbox and its background sender, never on the request path.
import { join } from "node:path";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Service, ServiceDeps } from "./service";
import { errorBody, makeErrorHandler, notFoundHandler } from "./error-handler";
import { BadRequestError, NotFoundError } from "./errors";
import { detectionSchema, initializeSchema, parseOrThrow, parseTimestamp } from "./station-schemas";
import { idParam, readJson } from "./station-request";
import { stationRecordRoutes } from "./station-record-routes";
import { StationStore } from "../stations/store";
import { StationNotInitializedError, StationRegistry } from "../stations/station-registry";
import { OutboxSender } from "../stations/outbox-sender";
import { createStationMetrics } from "../stations/station-metrics";
import { stationView, stationsView } from "../stations/station-views";

const HOUR_MS = 3_600_000;

export async function createStationService(deps: ServiceDeps): Promise<Service> {
  const cfg = deps.config.Stations;
  const store = new StationStore(join(deps.config.Paths.data_dir, "stations.sqlite"), { synchronous: cfg.sqlite_synchronous });
  const endpoint = cfg.data_server_endpoint;
  const registry = new StationRegistry(store, {
    defaultPipeline: cfg.default_pipeline, deliver: endpoint !== "", cacheBytes: cfg.state_cache_bytes, historySamples: cfg.history_samples,
  });
  const metrics = createStationMetrics(deps.metrics, { outbox: store, cache: registry.cache, now: Date.now });
  const sender = endpoint === "" ? undefined : new OutboxSender({
    store, endpoint, timeoutMs: cfg.outbox_timeout_ms, maxBackoffMs: cfg.outbox_max_backoff_ms, log: deps.log,
    onAttempt: (outcome) => metrics.deliveries.inc({ outcome }),
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

  const onError = makeErrorHandler(deps.log);
  const app = new Hono();
  app.onError((err, c) => err instanceof StationNotInitializedError
    ? c.json({ status: "Station not initialized", msg: err.message }, 404)
    : onError(err, c));
  app.notFound(notFoundHandler);
  app.use(async (c, next) => {
    const end = metrics.latency.startTimer();
    await next();
    const route = c.req.routePath === "/*" ? "other" : c.req.routePath;
    end({ method: c.req.method, route });
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
  });
  const limit = bodyLimit({ maxSize: cfg.body_limit, onError: (c) => c.json(errorBody(`request body is larger than the limit of ${cfg.body_limit} bytes ([Stations] body_limit)`), 413) });

  app.post("/initialize", limit, async (c) => {
    const req = parseOrThrow(initializeSchema, await readJson(c));
    const r = registry.initialize(req);
    deps.log.info({ station: req.id_estacio, ...r }, "station initialized");
    return c.json({ status: "Ok" });
  });

  app.post("/detection", limit, async (c) => {
    const req = parseOrThrow(detectionSchema, await readJson(c));
    const r = registry.detect(req);
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
    const sinceText = c.req.query("since");
    const since = sinceText === undefined ? 0 : /^\d+$/.test(sinceText) ? Number(sinceText) : parseTimestamp(sinceText);
    if (since === undefined) throw new BadRequestError(`since: must be a sample time like "2021-01-01 00:00:00" (ISO 8601, UTC without a zone) or epoch milliseconds (got ${JSON.stringify(sinceText)})`);
    const limitText = c.req.query("limit") ?? "1000";
    const max = Number(limitText);
    if (!Number.isInteger(max) || max < 1 || max > 100_000) throw new BadRequestError(`limit: must be an integer in [1, 100000] (got ${JSON.stringify(limitText)})`);
    const outliers = store.outliersSince(id, since, max).map((o) => ({
      variable: o.variable, timestamp: o.timestamp, score: o.score, recorded_at: new Date(o.recorded_ms).toISOString(),
    }));
    return c.json({ status: "Ok", id_estacio: id, outliers });
  });
  app.route("/", stationRecordRoutes(store, registry, limit));
  app.delete("/stations/:id", (c) => {
    const id = idParam(c);
    if (!registry.delete(id)) throw new NotFoundError(`no station ${JSON.stringify(id)}; GET /stations lists them`);
    return c.json({ status: "Ok" });
  });

  app.get("/health", (c) => {
    const o = store.outboxStats();
    // Failing deliveries, or deliveries held with no downstream configured to send them to.
    const failing = o.last_error !== null || (endpoint === "" && o.depth > 0);
    return c.json({
      status: failing ? "degraded" : "ok",
      stations: store.stationCount(),
      cached_stations: registry.cache.size,
      outbox: {
        endpoint: endpoint || null,
        depth: o.depth,
        oldest_age_seconds: o.oldest_ms === null ? 0 : (Date.now() - o.oldest_ms) / 1000,
        last_error: o.last_error,
      },
    });
  });
  app.get("/metrics", async (c) => c.text(await deps.metrics.metrics(), 200, { "content-type": deps.metrics.contentType }));

  return {
    app,
    async close() {
      clearInterval(pruneTimer);
      await sender?.close();
      store.close();
    },
  };
}
