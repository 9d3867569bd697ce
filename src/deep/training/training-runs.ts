// The history of training runs (issue 15 part 5: when, which box, how long, the loss, the result),
// for the status page and GET /api/v1/training. Kept in a JSON file in the data dir, rewritten
// (atomically: a temporary file renamed over it) when a run starts and ends, so a restart keeps
// it; at most MAX_RUNS, the oldest dropped. A run still "running" when the file is read again was
// cut off by the process ending: it is shown as "interrupted".
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import type { EpochReport } from "./train-core";
import type { TrainResult } from "./training-job";

export const MAX_RUNS = 50;

export interface TrainingRun {
  /** 1 for the first run this data dir saw. */
  id: number;
  model: string;
  /** "schedule" ([Outliers] schedule_hour) or "request" (POST /api/v1/training). */
  trigger: "schedule" | "request";
  /** The box it ran on. */
  host: string;
  started_at: string;
  finished_at: string | null;
  duration_s: number | null;
  epochs: number;
  /** Epochs done so far. */
  epoch: number;
  /** The last epoch's loss. */
  loss: number | null;
  /** The model's avg_loss/std_loss after the run. */
  avg_loss: number | null;
  std_loss: number | null;
  result: "running" | "done" | "failed" | "interrupted";
  error: string | null;
  /** Where the replaced model was backed up, when it was. */
  backup: string | null;
}

export class TrainingRuns {
  private readonly runs: TrainingRun[];

  /** `file`: where the history is kept; undefined keeps it in memory only. */
  constructor(private readonly file: string | undefined, private readonly now = () => new Date()) {
    this.runs = file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as TrainingRun[]) : [];
    for (const r of this.runs) if (r.result === "running") Object.assign(r, { result: "interrupted", error: "the service stopped during the run" });
  }

  /** Newest first. */
  list(): TrainingRun[] {
    return this.runs.slice().reverse();
  }

  running(): TrainingRun | undefined {
    return this.runs.find((r) => r.result === "running");
  }

  start(model: string, trigger: TrainingRun["trigger"], epochs: number): TrainingRun {
    const run: TrainingRun = {
      id: (this.runs.at(-1)?.id ?? 0) + 1, model, trigger, host: hostname(), started_at: this.now().toISOString(),
      finished_at: null, duration_s: null, epochs, epoch: 0, loss: null, avg_loss: null, std_loss: null, result: "running", error: null, backup: null,
    };
    this.runs.push(run);
    if (this.runs.length > MAX_RUNS) this.runs.splice(0, this.runs.length - MAX_RUNS);
    this.save();
    return run;
  }

  /** Progress: kept in memory (the page reads it), written to the file at the end. */
  epoch(run: TrainingRun, e: EpochReport): void {
    run.epoch = e.epoch;
    run.loss = e.loss;
  }

  finish(run: TrainingRun, outcome: { result: TrainResult } | { error: string; interrupted: boolean }): void {
    const end = this.now();
    run.finished_at = end.toISOString();
    run.duration_s = Math.round((end.getTime() - Date.parse(run.started_at)) / 100) / 10;
    if ("result" in outcome) {
      Object.assign(run, { result: "done", avg_loss: outcome.result.avgLoss, std_loss: outcome.result.stdLoss, backup: outcome.result.backup ?? null });
    } else {
      Object.assign(run, { result: outcome.interrupted ? "interrupted" : "failed", error: outcome.error });
    }
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.runs, null, 1) + "\n");
    renameSync(tmp, this.file);
  }
}
