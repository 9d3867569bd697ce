// The deep models' part of the running service: the catalog the traffic API reads named models
// from (models dir, then the bundled ones) and, when given `training`, the training of each of its
// models on its cron schedule. Training runs in a worker thread (src/deep/training/training-job.ts),
// one run at a time; requests keep being served by the loaded model, which the catalog swaps for
// the new one when its files change. In cluster mode (./cluster.ts, docs/cluster.md) a box trains
// a model at a tick only while it holds that model's lease, publishes the result to S3, and the
// other boxes wait for the tick to be over (taking the lease over if its holder dies).
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { Cron } from "croner";
import type { Logger } from "pino";
import type { TimeseriesRow } from "../detect/traffic-model";
import type { DruidQuery } from "../druid/query-builder";
import { DeepModelCatalog } from "../deep/inference/catalog";
import { modelLoader } from "../deep/inference/runtime-model";
import { trainModel } from "../deep/training/training-job";
import { readModelDir } from "../deep/files/model-files";
import type { Cluster } from "./cluster";

type Training = NonNullable<DeepModelsOptions["training"]>;

export interface DeepModelsOptions {
  /** [Paths] models_dir, and where replaced models are backed up. */
  modelsDir: string;
  backupsDir: string;
  /** [Outliers] threshold_k. */
  thresholdK: number;
  /** Scheduled training ([Outliers] training_enabled); none when undefined. */
  training?: {
    /** A cron pattern (validated with the config). */
    schedule: string;
    modelNames: string[];
    epochs: number;
    batchSize: number;
    druid: { query(q: DruidQuery): Promise<TimeseriesRow[]> };
  };
  log: Logger;
  cluster?: Pick<Cluster, "lease" | "store" | "sync">;
}

export interface DeepModels {
  catalog: DeepModelCatalog;
  close(): Promise<void>;
}

export function startDeepModels(o: DeepModelsOptions): DeepModels {
  const { log, training } = o;
  const catalog = new DeepModelCatalog({
    modelsDir: o.modelsDir,
    thresholdK: o.thresholdK,
    load: modelLoader("auto"),
    onReloadError: (name, err) => log.error({ model: name, err: String(err) }, "changed model files failed to load; the previous version keeps serving"),
  });
  const abort = new AbortController();
  const cluster = o.cluster ?? {};
  let running: Promise<void> | undefined;
  /** Trains `name` (stopped by `signal`) and, with S3, publishes it as `version`. */
  const trainOne = async (t: Training, name: string, signal: AbortSignal, shared?: { version: number; tick: number }) => {
    const version = shared?.version;
    log.info({ model: name, version, tick: shared && new Date(shared.tick).toISOString() }, "scheduled training started");
    const r = await trainModel({
      name, modelsDir: o.modelsDir, backupsDir: o.backupsDir, druid: t.druid,
      epochs: t.epochs, batchSize: t.batchSize, signal,
      onEpoch: (e) => log.info({ model: name, epoch: e.epoch, epochs: e.epochs, loss: e.loss }, "training epoch"),
    });
    log.info({ model: name, slices: r.slices, avg_loss: r.avgLoss, std_loss: r.stdLoss, backup: r.backup }, "scheduled training done");
    if (!cluster.store) return;
    const published = await cluster.store.publish(name, readModelDir(join(o.modelsDir, name)), version);
    cluster.sync?.markInstalled(name, published);
    log.info({ model: name, version: published }, "model published to S3");
  };
  /** One model at one tick, cluster-wide: take the lease, or wait until the tick is over. */
  const trainShared = async (t: Training, name: string, tick: number, deadline: number) => {
    const shared = cluster.lease!;
    while (!abort.signal.aborted && Date.now() < deadline) {
      if (!shared.reachable()) {
        log.warn({ model: name }, "Redis cannot be reached: not training this tick");
        return;
      }
      const answer = await shared.lease.tryTake(name, tick);
      if (answer.kind === "done") return;
      if (answer.kind === "busy") {
        await sleep(Math.min(1000, shared.leaseMs / 3), undefined, { signal: abort.signal }).catch(() => {});
        continue;
      }
      const { lease } = answer;
      try {
        await trainOne(t, name, AbortSignal.any([abort.signal, lease.lost]), { version: lease.fence, tick });
        await lease.finish();
      } catch (e) {
        if (lease.lost.aborted) {
          log.error({ model: name, err: String(lease.lost.reason) }, "training lease lost; another box trains this tick");
          return;
        }
        log.error({ model: name, err: (e as Error).message }, "scheduled training failed; the previous model keeps serving");
        await lease.finish(); // the tick had its one try
      } finally {
        await lease.release();
      }
      return;
    }
  };
  const trainAll = async (t: Training, tick: number, deadline: number) => {
    for (const name of t.modelNames) {
      if (abort.signal.aborted) return;
      try {
        if (cluster.lease) await trainShared(t, name, tick, deadline);
        else await trainOne(t, name, abort.signal);
      } catch (e) {
        log.error({ model: name, err: (e as Error).message }, "scheduled training failed; the previous model keeps serving");
      }
    }
  };
  // protect: a run still going when the next tick comes is not started twice. A tick is named by
  // its scheduled time, the same on every box whatever its delay; a box waits for it until the next.
  const cron = training && new Cron(training.schedule, { protect: true, catch: true }, (self: Cron) => {
    const now = Date.now();
    const tick = self.previousRuns(1, new Date(now + 1))[0]?.getTime() ?? now;
    const deadline = self.nextRun()?.getTime() ?? now + 86_400_000;
    running = trainAll(training, tick, deadline).finally(() => (running = undefined));
    return running;
  });
  return {
    catalog,
    async close() {
      cron?.stop();
      abort.abort();
      await running?.catch(() => {});
      catalog.close();
    },
  };
}
