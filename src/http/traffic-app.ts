// The traffic API (port 39091, docs/design.md § Traffic API): outliers of a Druid timeseries (POST
// /api/v1/outliers and the older POST /calculate), IP attribution, the model list, health and
// metrics. The routes only: the models, the Druid client and the training schedule are built by
// src/app.
import { Hono } from "hono";
import { Counter, Histogram, type Registry } from "prom-client";
import type { Logger } from "pino";
import { makeErrorHandler, notFoundHandler } from "./error-handler";
import { limitBody } from "./body-limit";
import { BadRequestError, HttpError, NotFoundError, PayloadTooLargeError } from "./errors";
import type { ModelCatalog } from "../detect/model-catalog";
import { outliersHandler, type OutliersDeps } from "./traffic-outliers";
import { ipIdentifierHandler } from "./ip-identifier";
import { mountConsole, type ConsoleFiles } from "./console-routes";
import { trafficOpenApi } from "./openapi";
import { requireToken, type AccessOptions } from "./access";
import type { RecentRequests } from "../traffic/recent-requests";
import { modelRoutes, type ModelAdmin } from "./model-routes";

export interface TrafficAppOptions {
  /** The default model and the named ones. */
  catalog: ModelCatalog;
  druid: OutliersDeps["druid"];
  /** [Outliers] metric. */
  metric: string;
  /** [Outliers] body_limit, bytes. */
  bodyLimit: number;
  log: Logger;
  /** [Server] auth_token and auth_reads (./access.ts). */
  access: AccessOptions;
  /** [Druid] allowed_datasources, as a list; "*" allows any. */
  allowedDataSources: string[];
  /** The process's metrics registry, served at /metrics. */
  metrics: Registry;
  /** The product version (the OpenAPI document's) and the status page's files. */
  version: string;
  consoleFiles: ConsoleFiles;
  /** What GET /status answers (src/app/console-files.ts). */
  status: () => Promise<Record<string, unknown>>;
  /** The last requests answered, kept for the status page (GET /api/v1/requests). */
  recent: RecentRequests;
  /** Model management: training runs, training now, backups, restore, the cluster-wide rollback. */
  models: ModelAdmin;
  /** The series memory's file and its last write's disk fault, for /health; undefined when the
   * memory is off. */
  storage?: () => { path: string; problem: { error: string; since_ms: number } | null };
  /** Cluster mode's state for /health (docs/cluster.md); undefined when standalone. */
  clusterHealth?: () => { status: "ok" | "degraded" } | undefined;
}

export function createTrafficApp(o: TrafficAppOptions): Hono {
  const { catalog, log, metrics } = o;
  const requests = new Counter({
    name: "rb_aioutliers_traffic_requests_total", help: "Traffic API requests by route and status",
    labelNames: ["route", "status"], registers: [metrics],
  });
  const seconds = new Histogram({
    name: "rb_aioutliers_traffic_request_seconds", help: "Traffic API request duration by route",
    labelNames: ["route"], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60], registers: [metrics],
  });

  const limit = o.bodyLimit;
  const app = new Hono();
  app.onError(makeErrorHandler(log));
  app.notFound(notFoundHandler);
  const routes = new Set(["/api/v1/outliers", "/calculate", "/api/v1/ip_identifier", "/api/v1/models", "/api/v1/requests", "/api/v1/training", "/api/v1/backups", "/api/v1/models/rollback", "/health", "/metrics", "/", "/status", "/openapi.json", "/docs"]);
  app.use("*", async (c, next) => {
    const path = c.req.path.replace(/^\/api\/v1\/models\/[^/]+\/rollback$/, "/api/v1/models/rollback");
    const route = routes.has(path) ? path : "other"; // bounded label values
    const stop = seconds.startTimer({ route });
    await next();
    stop();
    requests.inc({ route, status: String(c.res.status) });
  });
  app.use("*", requireToken(o.access));
  const tooLarge = () => {
    throw new PayloadTooLargeError(limit, "[Outliers] body_limit", "send a shorter series or raise the limit");
  };
  const limited = limitBody(limit, tooLarge);
  const outliers = outliersHandler({ catalog, druid: o.druid, metric: o.metric, allowedDataSources: o.allowedDataSources, log, recent: o.recent });
  app.post("/api/v1/outliers", limited, outliers);
  app.post("/calculate", limited, outliers);
  app.post("/api/v1/ip_identifier", limited, ipIdentifierHandler);
  for (const path of ["/api/v1/outliers", "/calculate", "/api/v1/ip_identifier"])
    app.all(path, (c) => { throw new HttpError(405, `${c.req.method} ${path} is not supported; send POST with form, multipart or JSON fields (see docs/traffic.md)`); });
  app.get("/api/v1/models", async (c) => c.json({ status: "success", models: await catalog.list() }));
  app.get("/api/v1/requests", (c) => c.json({ status: "success", requests: o.recent.list() }));
  app.get("/api/v1/requests/:id", (c) => {
    const id = c.req.param("id");
    if (!/^[1-9]\d{0,15}$/.test(id)) throw new BadRequestError(`request id: must be a positive integer, as GET /api/v1/requests lists them (got ${JSON.stringify(id.slice(0, 40))})`);
    const request = o.recent.get(Number(id));
    if (!request) throw new NotFoundError(`request ${id} is not among the last requests kept; GET /api/v1/requests lists them`);
    return c.json({ status: "success", request });
  });
  app.route("/", modelRoutes(o.models, limited));
  // Degraded (Redis or S3 unreachable, the series memory's disk full or failing) is still 200: the
  // box serves (docs/cluster.md, docs/traffic.md).
  app.get("/health", (c) => {
    const cluster = o.clusterHealth?.();
    const s = o.storage?.();
    const degraded = cluster?.status === "degraded" || Boolean(s?.problem);
    return c.json({
      status: degraded ? "degraded" : "ok",
      ...(cluster ? { cluster } : {}),
      // The last write's disk fault (full, read-only, failing), until a write succeeds again.
      ...(s ? { storage: { path: s.path, error: s.problem?.error ?? null, since: s.problem ? new Date(s.problem.since_ms).toISOString() : null } } : {}),
    });
  });
  app.get("/metrics", async (c) => c.text(await metrics.metrics(), 200, { "content-type": metrics.contentType }));
  mountConsole(app, { api: "traffic", openapi: trafficOpenApi(o.version), files: o.consoleFiles, status: o.status, access: o.access });
  return app;
}
