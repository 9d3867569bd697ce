// One training run of a named model (docs/design.md § Training): fetch the last 24 h from Druid at
// every training granularity, fit in a worker thread, then back the old model up and replace it
// atomically. Nothing on disk changes until the new weights exist, so a failed, killed or
// interrupted run leaves the previous model serving and intact. One run at a time per models dir: a
// lock file (with the holder's pid; a stale one is taken over) guards against the service and the
// CLI training at once.
import { startWorker } from "../../runtime/worker";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { TimeseriesRow } from "../../detect/traffic-model";
import type { DruidQuery } from "../../druid/query-builder";
import { DruidError } from "../../druid/druid-error";
import { writeModelDir } from "../files/model-files";
import { findModel, readModel } from "../files/model-source";
import { trainingQueries } from "./training-query";
import type { EpochReport, TrainingInput, TrainingOutput } from "./train-core";

export interface TrainOptions {
  name: string;
  modelsDir: string;
  backupsDir: string;
  druid: { query(q: DruidQuery): Promise<TimeseriesRow[]> };
  epochs: number;
  batchSize: number;
  learningRate?: number;
  now?: Date;
  onEpoch?: (r: EpochReport) => void;
  onData?: (info: { granularity: string; rows: number }) => void;
  /** Set by a caller that wants to stop the run (service shutdown). */
  signal?: AbortSignal;
}

export interface TrainResult extends Omit<TrainingOutput, "weights"> { backup?: string }

export class TrainingError extends Error {
  override name = "TrainingError";
}

/** The original fine-tuned with AdamW(learning_rate=1e-5); a little more moves in few epochs. */
export const DEFAULT_RETRAIN_LEARNING_RATE = 1e-4;
const WEIGHT_DECAY = 0.004; // the original model's AdamW weight_decay

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === "EPERM"; }
}

/** Takes `<modelsDir>/.training.lock`; returns its release, or throws when another run holds it. */
export function takeTrainingLock(modelsDir: string): () => void {
  mkdirSync(modelsDir, { recursive: true });
  const file = join(modelsDir, ".training.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(readFileSync(file, "utf8"));
      if (Number.isInteger(holder) && holder > 0 && pidAlive(holder)) throw new TrainingError(`another training run (pid ${holder}) is in progress; one runs at a time`);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new TrainingError("could not take the training lock");
}

/** Runs train-core in a worker thread; resolves with its output. */
export function trainInWorker(input: TrainingInput, onEpoch: (r: EpochReport) => void, signal?: AbortSignal): Promise<TrainingOutput> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(new URL("./training-worker.ts", import.meta.url), { workerData: input });
    const abort = () => { void worker.terminate(); reject(new TrainingError("training was interrupted")); };
    signal?.addEventListener("abort", abort, { once: true });
    let settled = false;
    worker.on("message", (m: { type: string } & Record<string, any>) => {
      if (m.type === "epoch") onEpoch(m as unknown as EpochReport);
      else if (m.type === "done") { settled = true; resolve(m.output as TrainingOutput); void worker.terminate(); }
      else if (m.type === "error") { settled = true; reject(new TrainingError(m.message)); void worker.terminate(); }
    });
    worker.on("error", (e) => { settled = true; reject(e); });
    worker.on("exit", (code) => {
      signal?.removeEventListener("abort", abort);
      if (!settled) reject(new TrainingError(`the training worker stopped (exit code ${code})`));
    });
  });
}

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const source = findModel(o.name, o.modelsDir);
  if (!source) throw new TrainingError(`no model '${o.name}' in ${o.modelsDir} or among the bundled models`);
  const release = takeTrainingLock(o.modelsDir);
  try {
    const files = readModel(source);
    const series: TimeseriesRow[][] = [];
    for (const q of trainingQueries(files.filter, o.now ?? new Date())) {
      const granularity = (q.granularity as { period: string }).period;
      try {
        const rows = await o.druid.query(q);
        series.push(rows);
        o.onData?.({ granularity, rows: rows.length });
      } catch (e) {
        // The broker answering an empty series is no failure: that granularity adds nothing.
        if (!(e instanceof DruidError && e.kind === "empty")) throw e;
        o.onData?.({ granularity, rows: 0 });
      }
      if (o.signal?.aborted) throw new TrainingError("training was interrupted");
    }
    const output = await trainInWorker({
      config: files.config, weights: files.weights, metadata: files.metadata, series,
      epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate ?? DEFAULT_RETRAIN_LEARNING_RATE, weightDecay: WEIGHT_DECAY,
    }, o.onEpoch ?? (() => {}), o.signal);
    const metadata = { ...files.metadata, avgLoss: output.avgLoss, stdLoss: output.stdLoss };
    // A bundled model has no copy in the models dir to back up: the result shadows it there.
    const backup = writeModelDir(o.modelsDir, o.name, { config: files.config, weights: output.weights, metadata, filter: files.filter },
      { backupsDir: o.backupsDir, now: o.now });
    const { weights: _, ...rest } = output;
    return { ...rest, backup };
  } finally {
    release();
  }
}
