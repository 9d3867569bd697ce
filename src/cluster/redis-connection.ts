// The Redis connection of cluster mode, made only when [Redis] is configured (ioredis is imported
// then, not before). It never queues a command while disconnected and never holds one in retries:
// a box that cannot reach Redis learns it at once, does not train, and keeps serving; ioredis
// reconnects in the background (every second), and `state()` says which it is for /health.
import type { Redis } from "ioredis";

export interface RedisOptions {
  host: string;
  port: number;
  /** AUTH password; "" = none. */
  password: string;
  tls: boolean;
}

export interface RedisConnection {
  redis: Redis;
  state(): "ok" | "unreachable";
  close(): Promise<void>;
}

export async function connectRedis(o: RedisOptions, onChange: (up: boolean, why?: string) => void): Promise<RedisConnection> {
  const { Redis } = await import("ioredis");
  const redis = new Redis({
    host: o.host, port: o.port, password: o.password || undefined, tls: o.tls ? {} : undefined,
    enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2000, commandTimeout: 2000,
    retryStrategy: () => 1000,
  });
  // Reported on each change only (undefined: not known yet), not on every failed reconnection.
  let up: boolean | undefined, closing = false;
  const down = (why: string) => { if (up !== false && !closing) { up = false; onChange(false, why); } };
  redis.on("ready", () => { if (up !== true) { up = true; onChange(true); } });
  // ioredis's message names host and port only; the password is never in it.
  redis.on("error", (e: Error) => down(e.message));
  redis.on("close", () => down("connection closed"));
  return {
    redis,
    state: () => (redis.status === "ready" ? "ok" : "unreachable"),
    async close() { closing = true; redis.disconnect(); },
  };
}
