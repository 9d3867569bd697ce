// POST /api/v1/outliers and POST /calculate (docs/design.md § Traffic request): the rows come from
// `data` (base64 of a Druid timeseries response) or, when there is none, from the Druid broker for
// `query` (base64 of a timeseries query); `model` (base64 of a name) picks the model, falling back
// to the default one. Every request the API can never satisfy is a 400 saying what to send.
import type { Context } from "hono";
import type { Logger } from "pino";
import { DEFAULT_MODEL_NAME, type CatalogEntry, type ModelCatalog } from "../detect/model-catalog";
import type { TimeseriesRow } from "../detect/traffic-model";
import { granularitySeconds } from "../druid/granularity";
import type { DruidClient } from "../druid/client";
import { withTrafficMetrics, type DruidQuery } from "../druid/query-builder";
import { parseTimeseries } from "../druid/timeseries";
import { timeseriesColumns } from "../druid/timeseries-columns";
import { base64BytesAsText, decodeBase64Text } from "./base64-field";
import { BadRequestError } from "./errors";
import { checkDataSource } from "./allowed-datasources";
import { chooseMetric, metricOfFields } from "./metric-choice";
import { outliersJson } from "./outliers-json";
import { chooseModelName } from "./model-name";
import { DecodedBytes, readTrafficFields, type TrafficFields } from "./traffic-request";
import { namedSeriesKey, querySeriesKey } from "../traffic/series-key";
import type { JudgedSeries, RecentRequests } from "../traffic/recent-requests";

export interface OutliersDeps {
  catalog: ModelCatalog;
  druid: Pick<DruidClient, "answer" | "rows">;
  /** [Outliers] metric. */
  metric: string;
  /** [Druid] allowed_datasources as a list ("*": any). */
  allowedDataSources: readonly string[];
  log: Logger;
  /** Where answered requests are kept for the status page; none: not kept. */
  recent?: RecentRequests;
}

/** The `series` field names posted data's series; at most this long. */
const SERIES_NAME_MAX = 200;

/** Which series the request is about, for a model that remembers series (the default model with
 * series memory): the query's, or the name the caller gave posted data; none for unnamed data. */
function seriesOf(fields: TrafficFields, query: DruidQuery | undefined): ((metric: string) => string) | undefined {
  if (fields.series !== undefined && fields.series.length > SERIES_NAME_MAX)
    throw new BadRequestError(`field "series" is ${fields.series.length} characters long; send a name of at most ${SERIES_NAME_MAX}`);
  if (query) return (metric) => querySeriesKey(query, metric);
  return fields.series === undefined ? undefined : (metric) => namedSeriesKey(fields.series!, metric);
}

const NOTHING_SENT = 'send "query" (base64 of a Druid timeseries query) or "data" (base64 of a Druid timeseries response), as form fields or JSON';

function parseJsonText(field: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (/\b(NaN|-?Infinity)\b/.test(text))
      throw new BadRequestError(`field "${field}" holds NaN or Infinity, which JSON does not allow; send finite numbers`);
    throw new BadRequestError(`field "${field}" is base64 of something that is not JSON; send base64 of ${what}`);
  }
}

function rowsFromData(data: string | unknown[] | DecodedBytes): TimeseriesRow[] {
  const json = typeof data === "string" ? parseJsonText("data", decodeBase64Text("data", data), "a Druid timeseries response")
    : data instanceof DecodedBytes ? parseJsonText("data", base64BytesAsText("data", data.bytes), "a Druid timeseries response") : data;
  return parseTimeseries(json, "data");
}

/** The query as the broker will get it: checked, and rewritten for a deep model. */
function prepareQuery(query: string | Record<string, unknown>, entry: CatalogEntry, allowed: readonly string[]): DruidQuery {
  const json = typeof query === "string" ? parseJsonText("query", decodeBase64Text("query", query), "a Druid timeseries query") : query;
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new BadRequestError('field "query" must be a Druid query object, e.g. {"queryType": "timeseries", "dataSource": "rb_flow", ...}');
  const q = json as DruidQuery;
  if (q.queryType !== "timeseries")
    throw new BadRequestError(`the query's queryType is ${JSON.stringify(q.queryType) ?? "missing"}; only "timeseries" queries can be judged`);
  checkDataSource(q, allowed);
  granularitySeconds(q.granularity); // refuses a granularity without a fixed length
  return entry.info.kind === "deep" ? withTrafficMetrics(q) : q;
}

async function pickModel(catalog: ModelCatalog, field: string | undefined, log: Logger): Promise<CatalogEntry> {
  const choice = chooseModelName(field);
  const fallback = (await catalog.get(DEFAULT_MODEL_NAME))!;
  if (choice.kind === "default") return fallback;
  if (choice.kind === "rejected") {
    log.warn({ reason: choice.reason }, "unsafe model name; using the default model");
    return fallback;
  }
  const entry = await catalog.get(choice.name);
  if (!entry) {
    log.info({ model: choice.name }, "unknown model; using the default model");
    return fallback;
  }
  return entry;
}

/** The general path's answer as aligned columns (the status page's view of a request). */
function judgedOfResult(rows: TimeseriesRow[], metric: string, predicted: Array<{ timestamp: string; forecast: number }>, anomalies: Array<{ timestamp: string }>): JudgedSeries {
  const flagged = new Set(anomalies.map((a) => a.timestamp));
  return {
    timestamps: rows.map((r) => r.timestamp), values: rows.map((r) => r.result[metric]!),
    forecast: predicted.map((p) => p.forecast), anomalous: rows.map((r) => flagged.has(r.timestamp)),
  };
}

export function outliersHandler(deps: OutliersDeps) {
  return async (c: Context) => {
    const started = performance.now();
    const fields = await readTrafficFields(c);
    if (fields.data === undefined && fields.query === undefined) throw new BadRequestError(`no "query" or "data" in the request; ${NOTHING_SENT}`);
    const entry = await pickModel(deps.catalog, fields.model, deps.log);
    // The broker is asked once; its answer is read by the fast path below or the general one.
    const query = fields.data === undefined ? prepareQuery(fields.query!, entry, deps.allowedDataSources) : undefined;
    const broker = query ? await deps.druid.answer(query) : undefined;
    const series = seriesOf(fields, query);
    const remember = (model: string, metric: string, judged: JudgedSeries) => deps.recent?.add({
      at: new Date().toISOString(), source: query ? "query" : "data",
      datasource: query ? (typeof query.dataSource === "string" ? query.dataSource : JSON.stringify(query.dataSource ?? null)) : null,
      series_name: fields.series ?? null, model, metric, ms: Math.round((performance.now() - started) * 10) / 10,
    }, judged);
    const bytes = fields.data instanceof DecodedBytes ? fields.data.bytes : broker?.bytes;
    if (bytes !== undefined && entry.model.judgeColumn) {
      // A model that judges one column (the default model): read it without building row
      // objects, and write the answer without building result objects (same answer; anything
      // unusual goes the general way below).
      const columns = timeseriesColumns(bytes, (names) => metricOfFields(names, deps.metric));
      if (columns) {
        const { timestamps, times, values, metric } = columns;
        const decision = entry.model.judgeColumn(values, times, series?.(metric));
        // As bytes: the server then writes them as they are, instead of measuring and encoding a
        // string of ~700 kB.
        const json = outliersJson(entry.model.name, metric, timestamps, values, decision.expected, decision.scores, decision.anomalous);
        remember(entry.model.name, metric, { timestamps, values, forecast: decision.expected, anomalous: decision.anomalous });
        return c.body(json, 200, { "content-type": "application/json" });
      }
    }
    const rows = broker ? deps.druid.rows(broker) : rowsFromData(fields.data!);
    const metric = chooseMetric(rows, deps.metric);
    const result = await entry.model.run(rows, metric, series?.(metric));
    remember(entry.model.name, metric, judgedOfResult(rows, metric, result.predicted, result.anomalies));
    return c.json({ status: "success", model: entry.model.name, metric, anomalies: result.anomalies, predicted: result.predicted });
  };
}
