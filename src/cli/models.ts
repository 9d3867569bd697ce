// `rb-aioutliers models rollback <name> [version]`: the CLI of the cluster-wide rollback
// (docs/cluster.md); the same as POST /api/v1/models/:name/rollback, without a running service.
import { parseArgs } from "node:util";
import type { Command } from "./command";
import { UsageError } from "./command";
import { loadCommandConfig } from "./command-config";
import { modelStoreFromConfig } from "../app/cluster";
import { ModelStoreError } from "../cluster/model-store";
import { EXIT_FAILURE, EXIT_OK } from "./exit-codes";

export const modelsCommand: Command = {
  name: "models",
  summary: "cluster-wide model versions in S3: `models rollback <name> [version]`",
  help: `Usage: rb-aioutliers models rollback <NAME> [VERSION] [--config FILE]

Makes VERSION of model NAME (default: the version before the current one) the
current version in S3 ([AWS], docs/cluster.md). Every box installs it at its
next poll ([AWS] sync_interval_s). Only the versions S3 keeps ([AWS]
versions_kept) can be chosen; the error lists them. Exit code 0 on success,
1 when S3 has no such model or version or cannot be reached.

Options:
  --config FILE   config.ini to read (its [AWS] section names the S3 server)`,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { config: { type: "string" } } });
    const [action, name, versionText, ...rest] = positionals;
    if (action !== "rollback") throw new UsageError(`expected "models rollback <NAME> [VERSION]", got "${positionals.join(" ")}"`);
    if (!name || rest.length) throw new UsageError("expected a model name and at most one version");
    const version = versionText === undefined ? undefined : Number(versionText);
    if (version !== undefined && (!Number.isInteger(version) || version < 1)) throw new UsageError(`VERSION must be a whole number >= 1, got ${versionText}`);
    const store = await modelStoreFromConfig(loadCommandConfig(values));
    if (!store) {
      process.stderr.write("models are not shared through S3: set [AWS] s3_hostname (docs/cluster.md)\n");
      return EXIT_FAILURE;
    }
    try {
      const r = await store.rollback(name, version);
      process.stdout.write(`${name}: version ${r.from} -> ${r.to}; every box installs it within [AWS] sync_interval_s\n`);
      return EXIT_OK;
    } catch (e) {
      if (!(e instanceof ModelStoreError) && (e as Error).name !== "ObjectStoreError") throw e;
      process.stderr.write(`${(e as Error).message}\n`);
      return EXIT_FAILURE;
    }
  },
};
