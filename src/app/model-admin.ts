// The traffic port's model management (src/http/model-routes.ts) over the deep models and the
// cluster's rollback: the domain's refusals said as HTTP errors (a bad setting 400, a run in
// progress 409, no such backup 404; the rollback's own statuses).
import type { DeepModels } from "./deep-models";
import type { RollbackResult } from "./model-rollback";
import { BadRequestError, HttpError, NotFoundError } from "../http/errors";
import type { ModelAdmin } from "../http/model-routes";
import { TrainingError } from "../deep/training/training-job";
import { trainingSettings, TrainingRequestError } from "../deep/training/training-request";
import { ModelFilesError } from "../deep/files/model-files";

/** The JSON fields as the messages name them. */
const FIELDS = { model: '"model"', epochs: '"epochs"', batchSize: '"batch_size"', learningRate: '"learning_rate"' };

function asHttp<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TrainingRequestError) throw new BadRequestError(e.message);
    if (e instanceof TrainingError) throw new HttpError(409, e.message);
    if (e instanceof ModelFilesError) throw /^no backup /.test(e.message) ? new NotFoundError(e.message) : new BadRequestError(e.message);
    throw e;
  }
}

/** `rollback`: ./model-rollback.ts over this box's cluster (a 409 when it shares no models). */
export function modelAdmin(deep: DeepModels, rollback: (model: string, version: number | undefined) => Promise<RollbackResult>): ModelAdmin {
  const d = deep.defaults;
  return {
    training: () => ({ runs: deep.runs(), next_training: deep.nextTraining(), defaults: { model_names: d.modelNames, epochs: d.epochs, batch_size: d.batchSize } }),
    train: (body) => asHttp(() => {
      const s = trainingSettings({ model: body.model, epochs: body.epochs, batchSize: body.batch_size, learningRate: body.learning_rate }, d, FIELDS);
      deep.trainNow(s);
      return { models: s.names, epochs: s.epochs, batch_size: s.batchSize, learning_rate: s.learningRate };
    }),
    backups: (model) => deep.backups(model),
    restore: (model, backup) => asHttp(() => {
      const r = deep.restore(model, backup);
      return { model, restored: backup, backup: r.backup ?? null };
    }),
    rollback: async (model, version) => {
      const r = await rollback(model, version);
      if (!r.ok) throw new HttpError(r.status, r.message);
      return { model, from: r.from, to: r.to };
    },
  };
}
