// One training per model per schedule tick across the cluster: a lease in Redis with a fencing
// token (Kleppmann, "How to do distributed locking", 2016; the single-instance lock of the Redis
// documentation, "Distributed Locks with Redis": SET key value NX PX ttl, released by a script that
// deletes only its own value; here the SET NX and the fence's INCR are one script, so a fence is
// drawn only when the lease is taken). docs/cluster.md says why this and not BullMQ.
//
// Keys (under [Redis] key_prefix):
//   lease/<model>    "<fence>:<box>" while a box trains it, expiring lease_ms after the last renewal
//   fence/<model>    a counter: each lease taken gets the next value, so a later holder's token is
//                    always larger (the model version it publishes is its fence)
//   trained/<model>  the last tick (ms since the epoch) whose training is over, done or failed
import type { Redis } from "ioredis";

/** Takes the lease when it is free, with the next fence (so fences count the leases taken, not
 * the tries); returns the fence, or 0 when another box holds it. */
const TAKE = `if redis.call("exists", KEYS[1]) == 1 then return 0 end
local fence = redis.call("incr", KEYS[2])
redis.call("set", KEYS[1], fence .. ":" .. ARGV[1], "PX", ARGV[2])
return fence`;
/** Deletes the lease only while it is still ours. */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
/** Extends the lease only while it is still ours. */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
/** Marks the tick over only while the lease is still ours, and never moves the mark back. */
const FINISH = `if redis.call("get", KEYS[1]) ~= ARGV[1] then return 0 end
local last = tonumber(redis.call("get", KEYS[2]) or "0")
if tonumber(ARGV[2]) > last then redis.call("set", KEYS[2], ARGV[2]) end
return 1`;

export interface Lease {
  /** The fencing token: larger than every earlier holder's. */
  fence: number;
  /** Aborted when a renewal finds the lease gone (expired, or Redis unreachable). */
  lost: AbortSignal;
  /** Records the tick as trained (while still the holder); false when the lease was lost. */
  finish(): Promise<boolean>;
  release(): Promise<void>;
}

export type LeaseAnswer = { kind: "taken"; lease: Lease } | { kind: "done" } | { kind: "busy" };

export class TrainingLease {
  constructor(private readonly redis: Redis, private readonly o: { prefix: string; leaseMs: number; box: string }) {}

  private key = (what: string, model: string) => `${this.o.prefix}${what}/${model}`;

  /** Whether the tick (or a later one) of `model` is over. */
  async isDone(model: string, tick: number): Promise<boolean> {
    return Number(await this.redis.get(this.key("trained", model)) ?? 0) >= tick;
  }

  /** Tries once to take the lease of `model` for `tick`. Throws when Redis cannot be reached. */
  async tryTake(model: string, tick: number): Promise<LeaseAnswer> {
    if (await this.isDone(model, tick)) return { kind: "done" };
    const leaseKey = this.key("lease", model);
    const fence = Number(await this.redis.eval(TAKE, 2, leaseKey, this.key("fence", model), this.o.box, this.o.leaseMs));
    if (fence === 0) return { kind: "busy" };
    const value = `${fence}:${this.o.box}`;
    // Taken just after another box finished the tick: give it back.
    if (await this.isDone(model, tick)) {
      await this.redis.eval(RELEASE, 1, leaseKey, value);
      return { kind: "done" };
    }
    const lost = new AbortController();
    const timer = setInterval(() => {
      this.redis.eval(RENEW, 1, leaseKey, value, this.o.leaseMs)
        .then((ok) => { if (ok !== 1) lost.abort(new Error("the training lease expired")); })
        .catch((e: Error) => lost.abort(new Error(`the training lease could not be renewed: ${e.message}`)));
    }, Math.max(100, Math.floor(this.o.leaseMs / 3)));
    timer.unref();
    lost.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
    return {
      kind: "taken",
      lease: {
        fence, lost: lost.signal,
        finish: async () => (await this.redis.eval(FINISH, 2, leaseKey, this.key("trained", model), value, tick)) === 1,
        release: async () => {
          clearInterval(timer);
          await this.redis.eval(RELEASE, 1, leaseKey, value).catch(() => {}); // unreachable: it expires by itself
        },
      },
    };
  }
}
