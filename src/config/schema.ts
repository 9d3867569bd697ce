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

/** A bearer token: long enough not to be guessed, and writable in an HTTP header. */
const bearerToken = z.string().trim().refine((v) => v === "" || /^[\x21-\x7e]{16,4096}$/.test(v), {
  message: "expected at least 16 visible ASCII characters without spaces (e.g. the output of `openssl rand -hex 32`), or nothing for no token",
});

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
    /** The most CPU a /detection block may take, ms, estimated from its variables' pipelines and
     * windows (src/stations/block-cost.ts); a costlier block is refused with a 413 saying how to
     * split it. */
    max_block_cpu_ms: positiveInt.max(3_600_000).default(10_000),
    /** Threads that compute heavy /detection blocks (src/stations/detection-host.ts); 0: as many as the
     * machine's cores (os.availableParallelism()). */
    detection_threads: z.coerce.number().int().min(0).max(256).default(0),
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
    /** The dataSources a traffic request's query may name (comma-separated; "*": any). Default: the
     * datasource of the training queries (src/deep/training/training-query.ts). */
    allowed_datasources: z.string().trim().min(1).default("rb_flow"),
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
  /** Access to both ports (docs/operations.md § Access). */
  Server: z.object({
    /** Bearer token every write and delete request must carry (Authorization: Bearer ...) on both
     * ports; empty: none asked for. Also RB_AIOUTLIERS_SERVER_AUTH_TOKEN. */
    auth_token: bearerToken.default(""),
    /** A file holding the token (its first line), readable by the service's user and no one else
     * but its group; instead of auth_token. */
    auth_token_file: z.string().default(""),
    /** With a token: reads (GET) need it too, except /health and the status page's shell. */
    auth_reads: bool.default(false),
  }).prefault({}),
  /** S3 model sharing (docs/cluster.md): the original's keys plus ours. Off while s3_hostname is empty. */
  AWS: z.object({
    /** The S3 endpoint: a host[:port] (scheme from s3_tls) or a URL, as the original wrote it ("http://s3.service"). */
    s3_hostname: z.string().default(""),
    s3_public_key: z.string().default(""),
    /** A secret: better from RB_AIOUTLIERS_AWS_S3_PRIVATE_KEY or s3_private_key_file. */
    s3_private_key: z.string().default(""),
    /** A file holding s3_private_key, readable by the service user only (mode 0600 or 0400); "" = none. */
    s3_private_key_file: z.string().default(""),
    s3_region: z.string().min(1).default("us-east-1"),
    s3_bucket: z.string().min(1).default("bucket"),
    /** https for an s3_hostname without a scheme. */
    s3_tls: bool.default(false),
    /** Every object's key starts with it. */
    key_prefix: z.string().regex(/^[A-Za-z0-9._\-/]*$/, "letters, digits, '.', '_', '-' and '/' only").default("rbaioutliers/"),
    /** How often every box looks for a new model version, seconds. */
    sync_interval_s: positiveInt.max(86_400).default(60),
    /** Versions of each model kept in S3 (the newest first); older ones are deleted. */
    versions_kept: positiveInt.max(1000).default(5),
    /** After each publish, also write the original's latest/<model>.keras, .ini, _filter.json (mixed clusters). */
    write_original_layout: bool.default(false),
  }).prefault({}),
  /** The training lease (docs/cluster.md): the original's keys plus ours. Off while rd_hostname is empty. */
  Redis: z.object({
    rd_hostname: z.string().default(""),
    rd_port: port.default(6379),
    /** A secret (Redis AUTH password): better from RB_AIOUTLIERS_REDIS_RD_SECRET or rd_secret_file. */
    rd_secret: z.string().default(""),
    /** A file holding rd_secret, readable by the service user only (mode 0600 or 0400); "" = none. */
    rd_secret_file: z.string().default(""),
    rd_tls: bool.default(false),
    /** Every Redis key starts with it. */
    key_prefix: z.string().min(1).default("rbaioutliers/"),
    /** How long a training box holds its lease without renewing it (renewed every third of it): the
     * longest a killed box keeps others from training, milliseconds. */
    lease_ms: positiveInt.min(500).max(3_600_000).default(30_000),
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
