// The OpenAPI 3.1 documents of the two APIs, served at /openapi.json on each port (issue 15 part 6).
// Request bodies and query parameters are z.toJSONSchema of the very zod schemas that validate
// them (./station-schemas.ts, ./traffic-request.ts, ./ip-identifier.ts), read on their input side;
// what a refinement enforces is stated by the schema's .meta(). Examples are the original READMEs'
// (outlier-detection-server and rb-aioutliers), with our answers.
import { z } from "zod";
import { detectionSchema, eventsQuerySchema, historyQuerySchema, initializeSchema, maintenanceSchema, outliersQuerySchema, stationIdSchema } from "./station-schemas";
import { trafficFieldsSchema } from "./traffic-request";
import { ipPayloadSchema } from "./ip-identifier";
import { consoleOperations } from "./console-routes";
import { CAPACITY, SERIES_POINTS } from "../traffic/recent-requests";
import { backupsQuerySchema, restoreBodySchema, rollbackBodySchema, trainingBodySchema } from "./model-routes";

type Json = Record<string, unknown>;

export function jsonSchemaOf(schema: z.ZodType): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Json;
  return rest;
}

const errorResponse = (description: string): Json => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const okJson = (description: string, example?: unknown): Json => ({
  description,
  content: { "application/json": { schema: { type: "object" }, ...(example === undefined ? {} : { example }) } },
});

const components = {
  securitySchemes: {
    bearerToken: {
      type: "http", scheme: "bearer",
      description: "[Server] auth_token (docs/operations.md § Access). When it is set, every write and delete needs it; with [Server] auth_reads, reads too, except /health and the status page's shell (/, /ui/*, /docs, /openapi.json).",
    },
  },
  schemas: {
    Error: {
      type: "object", required: ["status", "msg"],
      properties: { status: { const: "error" }, msg: { type: "string", description: "what was wrong and what is accepted" } },
    },
  },
};

const metricsOperation = {
  get: {
    summary: "Prometheus metrics of the process (both APIs, outbox, cache, Node)", tags: ["operations"],
    responses: { 200: { description: "Prometheus text exposition format", content: { "text/plain": { schema: { type: "string" } } } } },
  },
};

/** Paths no token is ever asked for (./access.ts). */
const OPEN_PATHS = new Set(["/health", "/", "/ui/{file}", "/docs", "/openapi.json"]);
const unauthorized = errorResponse("no bearer token, or not [Server] auth_token (with a WWW-Authenticate: Bearer challenge)");

/** Each operation's security (./access.ts): writes need the token, reads only with [Server]
 * auth_reads (so it is optional here: `{}` or the token), the open paths never. */
function secured(paths: Record<string, Record<string, Json>>): Record<string, Record<string, Json>> {
  return Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, Object.fromEntries(Object.entries(item).map(([method, op]) => {
    if (OPEN_PATHS.has(path)) return [method, { ...op, security: [] }];
    const security = method === "get" ? [{}, { bearerToken: [] }] : [{ bearerToken: [] }];
    return [method, { ...op, security, responses: { ...(op.responses as Json), 401: unauthorized } }];
  }))]));
}

/** Query parameters of an operation from a zod object schema. */
function queryParameters(schema: z.ZodObject): Json[] {
  const json = jsonSchemaOf(schema) as { properties: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: "query", required: json.required?.includes(name) ?? false, description, schema: rest };
  });
}

const stationIdParameter = { name: "id", in: "path", required: true, schema: jsonSchemaOf(stationIdSchema) };
const noStation = errorResponse("no such station");

function jsonBody(schema: z.ZodType, example: unknown): Json {
  return { required: true, content: { "application/json": { schema: jsonSchemaOf(schema), example } } };
}

export function stationOpenApi(version: string): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "rb-aioutliers station API", version,
      description: "Stations push blocks of samples; outlier timestamps go downstream (docs/stations.md). Errors are {\"status\": \"error\", \"msg\"} with a 4xx that says what was wrong.",
    },
    paths: secured({
      "/initialize": {
        post: {
          summary: "register a station and its variables (again: reset them)", tags: ["stations"],
          requestBody: jsonBody(initializeSchema, { id_estacio: "station_1", variables: { var_1: 32, var_2: 128, var_3: 256 } }),
          responses: { 200: okJson("initialized", { status: "Ok" }), 400: errorResponse("the body is not as accepted"), 415: errorResponse("not JSON") },
        },
      },
      "/detection": {
        post: {
          summary: "a block of samples: the outliers it holds", tags: ["stations"],
          requestBody: jsonBody(detectionSchema, {
            id_estacio: "station_1", numero_mostres: 2,
            mostres: [
              { timestamp: "2021-01-01 00:00:00", values: { var_1: 0.5, var_2: 4, var_3: 2 } },
              { timestamp: "2021-01-01 00:01:00", values: { var_1: 0.6, var_2: 3, var_3: 5 } },
            ],
          }),
          responses: {
            200: okJson("the outliers, also queued for the downstream server", {
              status: "Ok", outliers: [{ id_estacio: "station_1", variable: "var_1", dates: ["2021-01-01 00:00:00", "2021-01-01 00:01:00"] }],
            }),
            400: errorResponse("the body is not as accepted"), 404: errorResponse("station not initialized"),
            413: errorResponse("body over [Stations] body_limit, or the block's estimated CPU over [Stations] max_block_cpu_ms (the message says the block size that fits)"),
            507: errorResponse("the station store's disk is full (the message names the file); nothing was applied"),
          },
        },
      },
      "/stations": { get: { summary: "every station", tags: ["stations"], responses: { 200: okJson("the stations") } } },
      "/stations/{id}": {
        get: { summary: "a station and its variables", tags: ["stations"], parameters: [stationIdParameter], responses: { 200: okJson("the station"), 404: noStation } },
        delete: { summary: "forget a station", tags: ["stations"], parameters: [stationIdParameter], responses: { 200: okJson("deleted", { status: "Ok" }), 404: noStation } },
      },
      "/stations/{id}/outliers": {
        get: {
          summary: "the outliers recorded for a station, oldest first", tags: ["stations"],
          parameters: [stationIdParameter, ...queryParameters(outliersQuerySchema)],
          responses: {
            200: okJson("the outliers", { status: "Ok", id_estacio: "station_1", outliers: [{ variable: "var_1", timestamp: "2021-01-01 00:01:00", score: 4.2, recorded_at: "2021-01-01T00:01:02.000Z" }] }),
            400: errorResponse("bad since or limit"), 404: noStation,
          },
        },
      },
      "/stations/{id}/history": {
        get: {
          summary: "a variable's recent samples with their score and label ([Stations] history_samples)", tags: ["stations"],
          parameters: [stationIdParameter, ...queryParameters(historyQuerySchema)],
          responses: { 200: okJson("a page of history rows {sample, timestamp, value, score, label}, next_cursor, and history_samples (what is kept per variable; 0: history is off)"), 400: errorResponse("bad variable, since, limit or cursor"), 404: noStation },
        },
      },
      "/stations/{id}/events": {
        get: {
          summary: "the station's events (drift, retrain, outlier, maintenance), newest first", tags: ["stations"],
          parameters: [stationIdParameter, ...queryParameters(eventsQuerySchema)],
          responses: { 200: okJson("a page of events {id, kind, variable, timestamp, recorded_at, detail} and next_cursor"), 400: errorResponse("bad since, kind, limit or cursor"), 404: noStation },
        },
      },
      "/stations/{id}/maintenance": {
        get: { summary: "the station's maintenance windows", tags: ["stations"], parameters: [stationIdParameter], responses: { 200: okJson("the windows"), 404: noStation } },
        post: {
          summary: "a maintenance window: outliers inside it are recorded and shown but not delivered", tags: ["stations"],
          parameters: [stationIdParameter],
          requestBody: jsonBody(maintenanceSchema, { from: "2024-05-20 10:00:00", to: "2024-05-20 12:00:00", variables: ["temperature"], reason: "sensor cleaning" }),
          responses: { 201: okJson("the window created"), 400: errorResponse("reversed, overlapping or absurd window"), 404: noStation },
        },
      },
      "/stations/{id}/maintenance/{wid}": {
        delete: {
          summary: "remove a maintenance window", tags: ["stations"],
          parameters: [stationIdParameter, { name: "wid", in: "path", required: true, schema: { type: "string", pattern: "^[1-9]\\d{0,14}$" } }],
          responses: { 200: okJson("removed"), 400: errorResponse("bad window id"), 404: errorResponse("no such station or window") },
        },
      },
      "/health": { get: { summary: "stations, cache and outbox state", tags: ["operations"], responses: { 200: okJson("ok or degraded") } } },
      "/metrics": metricsOperation,
      ...consoleOperations,
    }),
    components,
  };
}

/** The original README's Druid query (docs/examples/query.json), shortened to what the example needs. */
const readmeQuery = {
  dataSource: "rb_flow", queryType: "timeseries",
  granularity: { type: "period", period: "pt1m", origin: "2023-09-21T09:00:00Z" },
  intervals: ["2023-09-21T09:00:00+00:00/2023-09-21T10:00:00+00:00"],
  filter: { type: "selector", dimension: "sensor_name", value: "FlowSensor" },
  aggregations: [{ type: "longSum", name: "bytes", fieldName: "sum_bytes" }],
};

function trafficBody(example: Json): Json {
  const schema = jsonSchemaOf(trafficFieldsSchema);
  return {
    required: true,
    content: {
      "application/x-www-form-urlencoded": { schema, example: { query: Buffer.from(JSON.stringify(readmeQuery)).toString("base64") } },
      "multipart/form-data": { schema },
      "application/json": { schema, example },
    },
  };
}

export function trafficOpenApi(version: string): Json {
  const outliers = {
    summary: "anomalies and a forecast of a Druid timeseries", tags: ["traffic"],
    requestBody: trafficBody({ query: readmeQuery }),
    responses: {
      200: okJson("the anomalies and the forecast of every row", {
        status: "success", model: "default", metric: "bytes",
        anomalies: [{ timestamp: "2023-09-28T07:00:00.000Z", expected: 36453984.6858499, value: 81234567 }],
        predicted: [{ timestamp: "2023-09-28T07:00:00.000Z", forecast: 36453984.6858499 }],
      }),
      400: errorResponse("the request can never succeed as sent"), 403: errorResponse("the query's dataSource is not in [Druid] allowed_datasources"),
      413: errorResponse("body over [Outliers] body_limit"),
      415: errorResponse("unaccepted content type"), 502: errorResponse("the Druid broker failed"),
      503: errorResponse("the series memory's disk is read-only or failing (the message names the file)"),
      507: errorResponse("the series memory's disk is full (the message names the file); send the request again once space is freed"),
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "rb-aioutliers traffic API", version,
      description: "Anomalies of Druid timeseries, IP attribution and models (docs/traffic.md). Errors are {\"status\": \"error\", \"msg\"}.",
    },
    paths: secured({
      "/api/v1/outliers": { post: outliers },
      "/calculate": { post: { ...outliers, summary: "the original's name of POST /api/v1/outliers" } },
      "/api/v1/ip_identifier": {
        post: {
          summary: "which addresses caused each outlier", tags: ["traffic"],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: jsonSchemaOf(ipPayloadSchema),
                example: { outliers: [{ timestamp: "2024-05-20T18:00:00.000Z" }], all_ips_data: { "10.1.1.2": [{ timestamp: "2024-05-20T18:00:00.000Z", result: { bytes: 9000000 } }] } },
              },
              "application/x-www-form-urlencoded": { schema: { type: "object", properties: { payload: { type: "string", description: "the JSON payload, or base64 of it" } }, required: ["payload"] } },
            },
          },
          responses: { 200: okJson("one entry per outlier", { ips: [{ caused_by: ["10.1.1.2"] }] }), 400: errorResponse("the payload is not as accepted"),
            422: errorResponse("the answer would list more than 1,000,000 IPs; the message says how to split the request") },
        },
      },
      "/api/v1/models": { get: { summary: "the models a request can name", tags: ["traffic"], responses: { 200: okJson("the models") } } },
      "/api/v1/training": {
        get: {
          summary: "the training runs (when, which box, duration, loss, result; the running one with its progress), newest first, and the next scheduled one", tags: ["models"],
          responses: {
            200: okJson("the runs", {
              status: "success", next_training: "2026-12-07T15:00:00.000Z", defaults: { model_names: "traffic", epochs: 20, batch_size: 32 },
              runs: [{ id: 3, model: "traffic", trigger: "request", host: "sensor-1", started_at: "2026-12-07T00:40:00.000Z", finished_at: "2026-12-07T00:41:10.000Z", duration_s: 70, epochs: 20, epoch: 20, loss: 0.0123, avg_loss: 0.0131, std_loss: 0.004, result: "done", error: null, backup: "/var/lib/rb-aioutliers/backups/traffic-2026-12-07T00-41-10Z" }],
            }),
          },
        },
        post: {
          summary: "train now (in a worker; the loaded model keeps serving): the settings are checked as `rb-aioutliers train` checks its flags", tags: ["models"],
          requestBody: jsonBody(trainingBodySchema, { model: "traffic", epochs: 5 }),
          responses: {
            202: okJson("started; GET /api/v1/training shows its progress", { status: "success", started: { models: ["traffic"], epochs: 5, batch_size: 32, learning_rate: 0.0001 } }),
            400: errorResponse("a setting is not as accepted"), 409: errorResponse("a training run is in progress"), 415: errorResponse("not JSON"),
          },
        },
      },
      "/api/v1/backups": {
        get: {
          summary: "the backups of replaced models, newest first", tags: ["models"],
          parameters: queryParameters(backupsQuerySchema),
          responses: { 200: okJson("the backups", { status: "success", backups: [{ backup: "traffic-2026-12-07T00-41-10Z", model: "traffic", saved_at: "2026-12-07T00:41:10Z" }] }), 400: errorResponse("unknown query parameter") },
        },
      },
      "/api/v1/models/{name}/restore": {
        post: {
          summary: "make a backup the model again (the model it replaces is backed up in turn)", tags: ["models"],
          parameters: [{ name: "name", in: "path", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" } }],
          requestBody: jsonBody(restoreBodySchema, { backup: "traffic-2026-12-07T00-41-10Z" }),
          responses: {
            200: okJson("restored", { status: "success", model: "traffic", restored: "traffic-2026-12-07T00-41-10Z", backup: "/var/lib/rb-aioutliers/backups/traffic-2026-12-07T00-45-00Z" }),
            400: errorResponse("bad model name or body"), 404: errorResponse("no such backup of the model"), 409: errorResponse("a training run is in progress"),
          },
        },
      },
      "/api/v1/requests": {
        get: {
          summary: `the last ${CAPACITY} outlier requests answered, newest first (kept in memory for the status page)`, tags: ["operations"],
          responses: {
            200: okJson("the requests", {
              status: "success",
              requests: [{ id: 7, at: "2026-12-07T00:30:00.000Z", source: "query", datasource: "rb_flow", series_name: null, model: "default", metric: "bytes", points: 60, anomalies: 1, ms: 4.2 }],
            }),
          },
        },
      },
      "/api/v1/requests/{id}": {
        get: {
          summary: `one of the last requests with its series (the last ${SERIES_POINTS} points): values, forecast and anomaly flags`, tags: ["operations"],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[1-9]\\d{0,15}$" }, description: "a request id as GET /api/v1/requests lists them" }],
          responses: { 200: okJson("the request and its series {timestamps, values, forecast, anomalous, left_out}"), 400: errorResponse("not a request id"), 404: errorResponse("not among the requests kept") },
        },
      },
      "/api/v1/models/{name}/rollback": {
        post: {
          summary: "make an older kept version of a model current on every box (cluster mode, docs/cluster.md)", tags: ["traffic"],
          parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
          requestBody: { ...jsonBody(rollbackBodySchema, { version: 3 }), required: false },
          responses: {
            200: okJson("rolled back", { status: "success", model: "traffic", from: 4, to: 3 }),
            400: errorResponse("the body is not as accepted"), 404: errorResponse("no such model or version in S3"),
            409: errorResponse("S3 is not configured on this box"), 502: errorResponse("S3 cannot be reached"),
          },
        },
      },
      "/health": { get: { summary: "liveness; degraded (still 200) while the series memory's disk fails writes, or in cluster mode when Redis or S3 cannot be reached", tags: ["operations"], responses: { 200: okJson("ok or degraded", { status: "ok" }) } } },
      "/metrics": metricsOperation,
      ...consoleOperations,
    }),
    components,
  };
}
