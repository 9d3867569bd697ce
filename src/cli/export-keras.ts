import { parseArgs } from "node:util";
import type { Command } from "./command";
import { loadCommandConfig } from "./command-config";
import { UsageError } from "./command";
import { modelsDir } from "../config";
import { exportKeras, iniBeside } from "../deep/files/keras-io";
import { findModel, readModel } from "../deep/files/model-source";

export const exportKerasCommand: Command = {
  name: "export-keras",
  summary: "write a deep model as a Keras .keras file (and its .ini)",
  help: `Usage: rb-aioutliers export-keras <NAME> <file.keras> [--data-dir DIR] [--config FILE]

Writes model NAME (from the models dir, else the bundled models) as a Keras 2.15 .keras archive
in the original's layout (config.json, metadata.json, model.weights.h5) and its metadata as the
.ini beside it (file.ini).

Options:
  --data-dir DIR  overrides [Paths] data_dir
  --config FILE   config.ini to read`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv, strict: true, allowPositionals: true,
      options: { "data-dir": { type: "string" }, config: { type: "string" } },
    });
    if (positionals.length !== 2) throw new UsageError("expected a model name and a .keras file");
    const [name, kerasFile] = positionals;
    const config = loadCommandConfig(values);
    const source = findModel(name, modelsDir(config));
    if (!source) {
      console.error(`rb-aioutliers export-keras: no model '${name}' in ${modelsDir(config)} or among the bundled models`);
      return 1;
    }
    try {
      await exportKeras({ files: readModel(source), kerasFile });
      console.log(`exported model '${name}' to ${kerasFile} and ${iniBeside(kerasFile)}`);
      return 0;
    } catch (e) {
      console.error(`rb-aioutliers export-keras: ${(e as Error).message}`);
      return 1;
    }
  },
};
