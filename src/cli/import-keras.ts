import { parseArgs } from "node:util";
import { join } from "node:path";
import type { Command } from "./command";
import { loadCommandConfig } from "./command-config";
import { UsageError } from "./command";
import { backupsDir, modelsDir } from "../config";
import { importKeras, iniBeside } from "../deep/files/keras-io";
import { isSafeModelName } from "../detect/model-catalog";

export const importKerasCommand: Command = {
  name: "import-keras",
  summary: "make a deep model from a Keras .keras file (and its .ini)",
  help: `Usage: rb-aioutliers import-keras <file.keras> --name NAME [--ini FILE] [--filter FILE]
                                  [--data-dir DIR] [--config FILE]

Reads a Keras 2.15 .keras archive (config.json, model.weights.h5) of an LSTM autoencoder, such as
the original service's traffic.keras, with its metadata ini (default: the .ini beside the .keras
file, e.g. traffic.ini), and writes it as model NAME into the models dir. An existing model of
that name is backed up first. The model keeps the original's weekday encoding, so it gives the
original's answers.

Options:
  --name NAME     model name: letters, digits, '_' and '-'
  --ini FILE      metadata ini ([Columns] metrics, timestamp; [General] avg_loss, std_loss,
                  window_size, num_windows)
  --filter FILE   JSON Druid filter of the model's training data (used by train)
  --data-dir DIR  overrides [Paths] data_dir (models in DIR/models unless [Paths] models_dir)
  --config FILE   config.ini to read`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv, strict: true, allowPositionals: true,
      options: { name: { type: "string" }, ini: { type: "string" }, filter: { type: "string" }, "data-dir": { type: "string" }, config: { type: "string" } },
    });
    if (positionals.length !== 1) throw new UsageError("expected exactly one .keras file");
    if (!values.name || !isSafeModelName(values.name)) throw new UsageError("--name NAME is required (letters, digits, '_' and '-')");
    const config = loadCommandConfig(values);
    const kerasFile = positionals[0];
    try {
      const files = await importKeras({
        kerasFile, iniFile: values.ini, filterFile: values.filter, name: values.name,
        modelsDir: modelsDir(config), backupsDir: backupsDir(config),
      });
      console.log(`imported ${kerasFile} (+ ${values.ini ?? iniBeside(kerasFile)}) as model '${values.name}' in ${join(modelsDir(config), values.name)}: ` +
        `${files.metadata.metrics.length} metrics, slices of ${files.metadata.windowSize}×${files.metadata.numWindows} rows`);
      return 0;
    } catch (e) {
      console.error(`rb-aioutliers import-keras: ${(e as Error).message}`);
      return 1;
    }
  },
};
