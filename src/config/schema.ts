// The one validated, typed configuration object (docs/design.md § Config). config.ini keeps the
// original service's sections and keys where they still mean something; new keys live in new
// sections. Every value is checked at start: a bad value stops the start naming the key and the
// accepted range.
import { Cron } from "croner";
import { z } from "zod";
import { pipelineNameList } from "../detect/pipeline-registry";

// 0 asks the kernel for a free port (tests).
const port = z.coerce.number().int().min(0).max(65535);
const host = z.string().min(1);
const url = z.string().url();
const positiveInt = z.coerce.number().int().positive();
const bool = z.union([z.boolean(), z.enum(["true", "false", "1", "0", "yes", "no"])])
  .transform((v) => v === true || v === "true" || v === "1" || v === "yes");

const cronPattern = z.string().trim().min(1)
  .transform((v) => (/^\d{1,2}$/.test(v) && Number(v) <= 23 ? `0 ${Number(v)} * * *` : v))
  .refine((v) => {
    try { new Cron(v, { paused: true }).stop(); return true; } catch { return false; }
  }, { message: 'expected a cron pattern "minute hour day month weekday" (e.g. "0 15 * * *") or an hour 0-23' });

export const configSchema = z.object({
  OutliersServerProduction: z.object({
    outliers_binding_address: host.default("0.0.0.0"),
    outliers_server_port: port.default(39091),
  }).prefault({}),
  Stations: z.object({
    binding_address: host.default("0.0.0.0"),
    port: port.default(8080),
    /** Downstream data server; also DATA_SERVER_ENDPOINT. Empty: nothing is queued for delivery. */
    data_server_endpoint: z.union([url, z.literal("")]).default(""),
    /** Pipeline of new variables when /initialize does not name one. */
    default_pipeline: z.enum(pipelineNameList).default("default"),
    /** Largest request body accepted on the station port, bytes. */
    body_limit: positiveInt.max(1 << 30).default(1 << 20),
    /** Bytes of pipeline state kept in memory (estimated); the rest is read from SQLite on demand.
     * Under cache churn V8's heap grows to ~3-4x the live set: 128 MiB keeps 1,000 stations x 3
     * variables under ~600 MB RSS (docs/stations.md). */
    state_cache_bytes: positiveInt.default(128 * 1024 * 1024),
    /** Outbox retry backoff cap, milliseconds. */
    outbox_max_backoff_ms: positiveInt.default(30_000),
    /** Per-request timeout of a delivery to the downstream server, milliseconds. */
    outbox_timeout_ms: positiveInt.default(10_000),
    /** How long reported outliers stay queryable at /stations/:id/outliers, hours. */
    outlier_retention_hours: positiveInt.default(24 * 7),
    /** Samples of history (value, score, label) kept per station for /stations/:id/history: a week
     * of one-minute samples by default; 0 = none (its cost: docs/stations.md § History, events and
     * maintenance windows). */
    history_samples: z.coerce.number().int().min(0).max(1_000_000).default(10_080),
    /** How long station events (/stations/:id/events) and ended maintenance windows are kept, hours. */
    event_retention_hours: positiveInt.default(24 * 7),
    /** SQLite synchronous mode of the station state: "normal" survives a process crash (kill -9),
     * "full" also an OS crash or power loss, at an fsync per block (docs/stations.md). */
    sqlite_synchronous: z.enum(["normal", "full"]).default("normal"),
    /** Apply samples older than their variable's last applied sample (default: refused with 409). */
    accept_older_samples: bool.default(false),
  }).prefault({}),
  Outliers: z.object({
    metric: z.string().min(1).default("bytes"),
    /** When scheduled training runs: a cron pattern, or (as the original config.ini wrote it)
     * a bare hour 0-23 meaning every day at that hour. Default: the original's 15 (15:00 daily). */
    schedule_hour: cronPattern.default("0 15 * * *"),
    epochs: positiveInt.max(100_000).default(20),
    batch_size: positiveInt.max(1_000_000).default(32),
    backup_path: z.string().min(1).optional(),
    model_names: z.string().default("traffic"),
    /** k of the deep model's threshold avg_loss + k·std_loss. */
    threshold_k: z.coerce.number().positive().default(5),
    /** Largest request body accepted on the traffic port, bytes. */
    body_limit: positiveInt.max(1 << 30).default(16 * 1024 * 1024),
    /** Run the scheduled training inside the service. */
    training_enabled: bool.default(true),
  }).prefault({}),
  ShallowOutliers: z.object({
    sensitivity: z.coerce.number().gt(0).lte(1).default(0.95),
    contamination: z.coerce.number().gt(0).lte(0.5).default(0.01),
    /** Series memory of the default model (docs/traffic.md): a streaming detector per series,
     * in <data_dir>/traffic-series.sqlite. false: every request is judged from its rows alone. */
    memory: bool.default(true),
    /** Most series remembered (least recently used out). */
    memory_series: positiveInt.max(1_000_000).default(1000),
    /** Most bytes of series memory (a series of a week of minutes takes ~0.3-0.4 MB). */
    memory_bytes: positiveInt.max(2 ** 40).default(512 * 1024 * 1024),
  }).prefault({}),
  Druid: z.object({
    druid_endpoint: url.default("http://127.0.0.1:8082/druid/v2/"),
    /** Timeout of a Druid query when its context has none, milliseconds. */
    timeout_ms: positiveInt.max(3_600_000).default(90_000),
    /** The longest broker answer read, bytes; a longer one is a 502 (64 MiB: a year of minutes
     * is ~40 MB; at most 256 MiB, well under the longest string Node can make). */
    max_answer_bytes: positiveInt.max(256 * 1024 * 1024).default(64 * 1024 * 1024),
  }).prefault({}),
  Paths: z.object({
    data_dir: z.string().min(1).default("./data"),
    /** Defaults to <data_dir>/models. */
    models_dir: z.string().min(1).optional(),
    /** Where the executable extracts its native addon and wasm files; must not be noexec. */
    cache_dir: z.string().min(1).optional(),
  }).prefault({}),
  Logger: z.object({
    log_file: z.string().optional(),
    level: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
    /** json: one JSON object per line (journald, log shippers); text: one readable line (a terminal). */
    log_format: z.enum(["json", "text"]).default("json"),
    /** A line per served request at info (method, path, status, ms, bytes) on both ports. */
    access_log: bool.default(true),
  }).prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** The schema's sections and, for each, its keys. */
export function schemaKeys(): Record<string, string[]> {
  const shape = configSchema.shape as Record<string, z.ZodType>;
  return Object.fromEntries(Object.entries(shape).map(([section, type]) => {
    const inner = (type as unknown as { unwrap(): z.ZodObject }).unwrap();
    return [section, Object.keys(inner.shape)];
  }));
}
