// Service processes as the boxes of a cluster, for the cluster tests (docs/cluster.md § Tests):
// real redis-server and s3rver on loopback and the stand-in Druid broker, N boxes started from
// one config.ini, each with its own data dir holding the model `orig` (the original's traffic
// model, imported). Helpers read what the boxes say: /health, /api/v1/models, their JSON logs.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { importKeras } from "../../src/deep/files/keras-io";
import { readModelDir } from "../../src/deep/files/model-files";
import { fixturePath, readFixtureJson } from "../support/fixtures";
import { startService, type RunningService } from "../support/service-process";
import { startRedis, startS3, type RedisServer, type S3Server } from "../support/cluster-servers";
import { startStandInDruid, type StandInDruid } from "../deep/stand-in-druid";
import { s3Store } from "../../src/cluster/object-store";
import { ModelStore } from "../../src/cluster/model-store";
import { until as untilValue } from "../support/until";

export const MODEL = "orig";
/** Planted in the environment as the secrets: no log line, /health or /metrics may hold them. */
export const SECRETS = { redis: "planted-redis-pw", s3: "planted-s3-secret" };

export interface Servers {
  redis: RedisServer;
  s3: S3Server;
  druid: StandInDruid;
  close(): Promise<void>;
}

/** `granularities`: the only ones the stand-in broker answers (less data, shorter trainings). */
export async function startServers(druidOptions: { granularities?: string[] } = {}): Promise<Servers> {
  const [redis, s3, druid] = await Promise.all([startRedis(SECRETS.redis), startS3(), startStandInDruid(5, druidOptions)]);
  return { redis, s3, druid, async close() { await redis.stop(); await s3.stop(); await druid.close(); } };
}

/** [Outliers], [Redis] and [AWS] for the boxes: `schedule` trains `orig` for 1 epoch. */
export function clusterIni(servers: Servers, o: { schedule: string; leaseMs: number; syncS: number; kept?: number; epochs?: number }): string {
  return `[Outliers]\nschedule_hour = ${o.schedule}\nmodel_names = ${MODEL}\nepochs = ${o.epochs ?? 1}\nbatch_size = 64\n`
    + `[Redis]\nrd_hostname = 127.0.0.1\nrd_port = ${servers.redis.port}\nlease_ms = ${o.leaseMs}\n`
    + `[AWS]\ns3_hostname = ${servers.s3.endpoint}\ns3_bucket = ${servers.s3.bucket}\ns3_public_key = S3RVER\n`
    + `sync_interval_s = ${o.syncS}\nversions_kept = ${o.kept ?? 5}\n`;
}

/** The models dir of a new box: `orig` imported from the original's traffic.keras. Returns its avg_loss. */
async function importOrig(dataDir: string): Promise<number> {
  const modelsDir = join(dataDir, "models");
  await importKeras({ kerasFile: fixturePath("upstream/traffic.keras"), name: MODEL, modelsDir });
  return readModelDir(join(modelsDir, MODEL)).metadata.avgLoss;
}

/** The avg_loss of `orig` as every box has it before the first version from S3. */
export const initialAvgLoss = () => importOrig(mkdtempSync(join(tmpdir(), "rbao-orig-")));

/** `n` boxes started at once, each with `orig` in its models dir. */
export async function startBoxes(n: number, servers: Servers, configIni: string): Promise<RunningService[]> {
  const env = { DRUID_ENDPOINT: servers.druid.url, RB_AIOUTLIERS_REDIS_RD_SECRET: SECRETS.redis, RB_AIOUTLIERS_AWS_S3_PRIVATE_KEY: SECRETS.s3 };
  const started = await Promise.allSettled(Array.from({ length: n }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rbao-box-"));
    await importOrig(dataDir);
    return startService({ dataDir, env, configIni, startTimeoutMs: 90_000 });
  }));
  const boxes = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    for (const b of boxes) await b.kill9();
    throw (failed as PromiseRejectedResult).reason;
  }
  return boxes;
}

/** Polls `f` every `everyMs` until it gives a value (a throw, e.g. a box not answering yet, counts
 * as none); fails naming `what` after `timeoutMs`. */
export const until = <T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>, everyMs = 200): Promise<T> =>
  untilValue(what, () => f().catch(() => undefined), timeoutMs, everyMs);

/** A box's /health; a box that does not answer within 10 s fails the call (a test never hangs). */
export const health = async (box: RunningService) => (await fetch(`${box.trafficUrl}/health`, { signal: AbortSignal.timeout(10_000) })).json() as Promise<any>;
/** The version of `orig` the box says it installed from S3 (/health), undefined before the first. */
/** Waits until every box's /health says ok (after Redis or S3 came back). */
export const untilHealthOk = (boxes: RunningService[]) =>
  until("/health ok again on every box", 20_000, async () => ((await Promise.all(boxes.map(health))).every((x) => x.status === "ok") ? true : undefined));

export const versionOf = async (box: RunningService) => (await health(box)).cluster?.s3?.versions?.[MODEL] as number | undefined;
/** What the box serves as `orig` (GET /api/v1/models reads the model files in place). */
export async function servedModel(box: RunningService): Promise<{ avg_loss: number; std_loss: number } | undefined> {
  const j = await (await fetch(`${box.trafficUrl}/api/v1/models`)).json() as { models: { name: string; avg_loss: number; std_loss: number }[] };
  return j.models.find((m) => m.name === MODEL);
}

export interface LogLine { time: string; msg: string; [k: string]: unknown }
/** The boxes' JSON log lines with message `msg`, each with the index of its box. */
export const loggedBy = (boxes: RunningService[], msg: string): (LogLine & { box: number })[] =>
  boxes.flatMap((b, box) => logged(b, msg).map((l) => ({ ...l, box })));
/** The box's JSON log lines with message `msg`. */
export function logged(box: RunningService, msg: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of box.output().split("\n")) {
    if (!line.startsWith("{") || !line.includes(msg)) continue;
    try {
      const j = JSON.parse(line) as LogLine;
      if (j.msg === msg) out.push(j);
    } catch { /* a line cut by the read */ }
  }
  return out;
}

/** What one box answered at one moment: /health's version of `orig` and the avg_loss of what it serves. */
export interface Sample { box: number; at: number; version?: number; avgLoss?: number }

/** Asks every live box every `everyMs` for its version and the model it serves, until stopped. */
export function sampleBoxes(boxes: RunningService[], everyMs = 200): { samples: Sample[]; stop(): Promise<void> } {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      await Promise.all(boxes.map(async (box, i) => {
        if (box.child.exitCode !== null || box.child.signalCode !== null) return;
        const [version, served] = await Promise.all([versionOf(box), servedModel(box)]).catch(() => [undefined, undefined] as const);
        if (served) samples.push({ box: i, at: Date.now(), version, avgLoss: served.avg_loss });
      }));
      await sleep(everyMs);
    }
  })();
  return { samples, async stop() { running = false; await loop; } };
}

/** The first time box `i` answered version `v` or a later one (versions only grow between rollbacks). */
export const firstAnswered = (samples: Sample[], i: number, v: number, after = 0) =>
  samples.find((s) => s.box === i && s.at >= after && (s.version ?? 0) >= v)?.at;

/** The boxes' S3 models as the test reads them. */
async function modelStore(servers: Servers): Promise<ModelStore> {
  const objects = await s3Store({ endpoint: servers.s3.endpoint, tls: false, accessKeyId: "S3RVER", secretAccessKey: SECRETS.s3, region: "us-east-1", bucket: servers.s3.bucket });
  return new ModelStore(objects, { prefix: "rbaioutliers/", kept: 1000, box: "test" });
}

/** The current version of `orig` in S3's manifest. */
export const currentVersion = async (servers: Servers) => (await (await modelStore(servers)).manifest(MODEL))?.current;

/**
 * Every version of `orig` the manifest in S3 lists, each fetched as a box fetches it (every file's
 * size and SHA-256 checked against the manifest, the model read back): version -> its avg_loss.
 */
export async function completeVersions(servers: Servers): Promise<Map<number, number>> {
  const store = await modelStore(servers);
  const manifest = await store.manifest(MODEL);
  const out = new Map<number, number>();
  for (const v of manifest?.versions ?? []) out.set(v.version, (await store.fetch(MODEL, manifest!, v.version)).metadata.avgLoss);
  return out;
}

/** The boxes' cluster-related log lines in time order, one short line each: printed when a test fails. */
export function clusterStory(boxes: RunningService[]): string {
  const lines = boxes.flatMap((b, box) => b.output().split("\n").filter((l) => l.startsWith("{")).flatMap((l) => {
    try { return [{ ...(JSON.parse(l) as LogLine), box } as LogLine & { box: number }]; } catch { return []; }
  }));
  return lines.filter((l) => /training|S3|Redis|lease|model/.test(l.msg) && !/^training epoch$/.test(l.msg))
    .sort((a, b) => a.time.localeCompare(b.time))
    .map((l) => `${l.time} box ${l.box}: ${l.msg}${["tick", "version", "err"].map((k) => (l[k] === undefined ? "" : ` ${k}=${String(l[k])}`)).join("")}`)
    .join("\n");
}

/** Starts the servers and three boxes on `ini(servers)`, and runs `scenario` with them while their
 * answers are sampled (`watch`); on a failure prints the cluster's story; always kills the boxes
 * and stops the servers. */
export async function withCluster(ini: (servers: Servers) => string,
  scenario: (c: { servers: Servers; boxes: RunningService[]; watch: ReturnType<typeof sampleBoxes> }) => Promise<void>): Promise<void> {
  const servers = await startServers({ granularities: ["pt15m", "pt30m"] });
  let boxes: RunningService[] = [];
  let watch: ReturnType<typeof sampleBoxes> | undefined;
  try {
    boxes = await startBoxes(3, servers, ini(servers));
    watch = sampleBoxes(boxes);
    await scenario({ servers, boxes, watch });
  } catch (e) {
    console.log(clusterStory(boxes));
    throw e;
  } finally {
    await watch?.stop();
    for (const b of boxes) await b.kill9();
    await servers.close();
  }
}

const testRows = readFixtureJson("upstream/outliers_test_data.json");
/** The status of an outliers request run with `orig` on the box: 200 while it serves. */
export async function detectStatus(box: RunningService): Promise<number> {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const res = await fetch(`${box.trafficUrl}/api/v1/outliers`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, signal: AbortSignal.timeout(30_000),
    body: new URLSearchParams({ data: b64(JSON.stringify(testRows)), model: b64(MODEL) }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** No planted secret in the box's log, /health or /metrics. */
export async function secretsShown(box: RunningService): Promise<string[]> {
  const seen = box.output() + JSON.stringify(await health(box)) + await (await fetch(`${box.trafficUrl}/metrics`)).text();
  return Object.values(SECRETS).filter((s) => seen.includes(s));
}
