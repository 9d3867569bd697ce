import { parseArgs } from "node:util";
import type { Command } from "./command";
import { loadCommandConfig } from "./command-config";
import { UsageError } from "./command";
import { backupsDir, modelsDir } from "../config";
import { DruidClient } from "../druid/client";
import { DEFAULT_RETRAIN_LEARNING_RATE, trainModel } from "../deep/training/training-job";
import { trainingSettings, TrainingRequestError } from "../deep/training/training-request";

/** The flags as the messages name them. */
const FLAGS = { model: "--model NAME", epochs: "--epochs", batchSize: "--batch-size", learningRate: "--learning-rate" };

export const trainCommand: Command = {
  name: "train",
  summary: "re-fit deep models on the last 24 h of Druid data (backs the old model up)",
  help: `Usage: rb-aioutliers train [--model NAME] [--epochs N] [--batch-size N] [--learning-rate X]
                            [--data-dir DIR] [--config FILE]

Fetches the last 24 hours of the model's traffic from the Druid broker ([Druid] druid_endpoint;
datasource rb_flow, the model's filter, granularities pt1m … pt8h), fits the model in a worker
thread, copies the previous model to the backups dir and replaces it atomically; avg_loss and
std_loss become 0.9·old + 0.1·new. Progress is printed per epoch. A failed or interrupted run
leaves the previous model in place. Without --model, every model of [Outliers] model_names.

Options:
  --model NAME        model to train (default: [Outliers] model_names)
  --epochs N          default [Outliers] epochs
  --batch-size N      default [Outliers] batch_size
  --learning-rate X   AdamW learning rate (default ${DEFAULT_RETRAIN_LEARNING_RATE})
  --data-dir DIR      overrides [Paths] data_dir
  --config FILE       config.ini to read`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        model: { type: "string" }, epochs: { type: "string" }, "batch-size": { type: "string" },
        "learning-rate": { type: "string" }, "data-dir": { type: "string" }, config: { type: "string" },
      },
    });
    void positionals;
    const config = loadCommandConfig(values);
    let settings;
    try {
      settings = trainingSettings({ model: values.model, epochs: values.epochs, batchSize: values["batch-size"], learningRate: values["learning-rate"] },
        { modelNames: config.Outliers.model_names, epochs: config.Outliers.epochs, batchSize: config.Outliers.batch_size }, FLAGS);
    } catch (e) {
      throw e instanceof TrainingRequestError ? new UsageError(e.message) : e;
    }
    const { names, epochs, batchSize, learningRate } = settings;
    const druid = DruidClient.fromConfig(config.Druid);
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    let failed = 0;
    try {
      for (const name of names) {
        console.log(`training model '${name}': ${epochs} epochs, batch size ${batchSize}`);
        try {
          const r = await trainModel({
            name, modelsDir: modelsDir(config), backupsDir: backupsDir(config), druid,
            epochs, batchSize, learningRate, signal: abort.signal,
            onData: (d) => console.log(`  ${d.granularity}: ${d.rows} rows`),
            onEpoch: (e) => console.log(`  epoch ${e.epoch}/${e.epochs}  loss ${e.loss.toFixed(6)}  ${e.seconds.toFixed(1)} s`),
          });
          console.log(`model '${name}' trained on ${r.slices} slices: avg_loss ${r.avgLoss} std_loss ${r.stdLoss}` +
            ` (this data: ${r.dataAvgLoss} ± ${r.dataStdLoss})${r.backup ? `; previous model saved in ${r.backup}` : ""}`);
        } catch (e) {
          failed++;
          console.error(`rb-aioutliers train: model '${name}' not trained: ${(e as Error).message}; the previous model is unchanged`);
        }
      }
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    return failed ? 1 : 0;
  },
};
