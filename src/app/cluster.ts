// Cluster mode, built from [Redis] and [AWS] (docs/cluster.md): the Redis connection and the
// training lease, the S3 model store and its sync. Each is made only when its section names a
// host, and its client package is imported only then, so a standalone box loads neither.
import { hostname } from "node:os";
import type { Logger } from "pino";
import { backupsDir, modelsDir, type Config } from "../config";
import { TrainingLease } from "../cluster/lease";
import { ModelStore } from "../cluster/model-store";
import { ModelSync, type SyncHealth } from "../cluster/model-sync";
import { s3Store } from "../cluster/object-store";
import { connectRedis, type RedisConnection } from "../cluster/redis-connection";

export interface Cluster {
  lease?: { lease: TrainingLease; leaseMs: number; reachable(): boolean };
  store?: ModelStore;
  sync?: ModelSync;
  /** For /health: undefined when standalone. */
  health(): ClusterHealth | undefined;
  close(): Promise<void>;
}

export interface ClusterHealth {
  status: "ok" | "degraded";
  redis?: { state: "ok" | "unreachable" };
  s3?: SyncHealth;
}

/** This box's name in leases and manifests: host and pid (two services on one host differ). */
export const boxName = () => `${hostname()}-${process.pid}`;

export async function modelStoreFromConfig(config: Config): Promise<ModelStore | undefined> {
  const a = config.AWS;
  if (!a.s3_hostname) return undefined;
  const objects = await s3Store({
    endpoint: a.s3_hostname, tls: a.s3_tls, accessKeyId: a.s3_public_key, secretAccessKey: a.s3_private_key,
    region: a.s3_region, bucket: a.s3_bucket,
  });
  return new ModelStore(objects, { prefix: a.key_prefix, kept: a.versions_kept, box: boxName(), writeOriginalLayout: a.write_original_layout });
}

export async function startCluster(config: Config, modelNames: string[], log: Logger): Promise<Cluster> {
  const r = config.Redis;
  let redis: RedisConnection | undefined;
  if (r.rd_hostname) {
    redis = await connectRedis({ host: r.rd_hostname, port: r.rd_port, password: r.rd_secret, tls: r.rd_tls },
      (up, why) => (up ? log.info({ redis: `${r.rd_hostname}:${r.rd_port}` }, "Redis reached: training is shared with the cluster")
        : log.warn({ redis: `${r.rd_hostname}:${r.rd_port}`, err: why }, "Redis cannot be reached: this box does not train until it can, and keeps serving")));
  }
  const store = await modelStoreFromConfig(config);
  if (redis && !store) log.warn("[Redis] without [AWS]: one box trains each model and the others never receive it; set [AWS] s3_hostname");
  const sync = store && new ModelSync({
    store, modelsDir: modelsDir(config), backupsDir: backupsDir(config), names: modelNames,
    intervalMs: config.AWS.sync_interval_s * 1000, log,
  });
  sync?.start();
  const lease = redis && {
    lease: new TrainingLease(redis.redis, { prefix: r.key_prefix, leaseMs: r.lease_ms, box: boxName() }),
    leaseMs: r.lease_ms,
    reachable: () => redis.state() === "ok",
  };
  return {
    lease, store, sync,
    health() {
      if (!redis && !sync) return undefined;
      const h: ClusterHealth = { status: "ok" };
      if (redis) h.redis = { state: redis.state() };
      if (sync) h.s3 = sync.health();
      if (h.redis?.state === "unreachable" || h.s3?.state === "unreachable") h.status = "degraded";
      return h;
    },
    async close() {
      await sync?.close();
      await redis?.close();
    },
  };
}
