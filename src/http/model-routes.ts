// Model management on the traffic port (issue 15 part 5; docs/deep-model.md § Managing models over
// HTTP): the training runs and the next scheduled one, a training started now, the backups of
// replaced models, and one restored; in cluster mode, a model rolled back cluster-wide. Plain route-table entries, so the port's middleware (access
// included) covers the writes as any other route. What a run is asked with is checked by the same
// function as the CLI's `train` (src/deep/training/training-request.ts), behind `ModelAdmin`,
// which src/app builds over the deep models.
import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { parseOrThrow } from "./station-schemas";
import { readJson } from "./station-request";
import { BadRequestError } from "./errors";

/** What the routes ask of the deep models. Refusals are thrown as HttpErrors (src/app maps them). */
export interface ModelAdmin {
  /** Training runs, newest first, and when the schedule trains next (ISO 8601, or null). */
  training(): { runs: unknown[]; next_training: string | null; defaults: { model_names: string; epochs: number; batch_size: number } };
  /** Checks the request as the CLI checks its flags and starts the run; returns what was started. */
  train(request: TrainingBody): { models: string[]; epochs: number; batch_size: number; learning_rate: number };
  backups(model: string | undefined): unknown[];
  restore(model: string, backup: string): { model: string; restored: string; backup: string | null };
  /** Makes kept version `version` (default: the one before the current) current cluster-wide (docs/cluster.md). */
  rollback(model: string, version: number | undefined): Promise<{ model: string; from: number; to: number }>;
}

/** POST /api/v1/training: every field optional (the [Outliers] settings), checked by the CLI's rules. */
export const trainingBodySchema = z.object({
  model: z.string().optional().meta({ description: "the model to train (default: every one of [Outliers] model_names)" }),
  epochs: z.number().optional().meta({ description: "a positive integer (default [Outliers] epochs)" }),
  batch_size: z.number().optional().meta({ description: "a positive integer (default [Outliers] batch_size)" }),
  learning_rate: z.number().optional().meta({ description: "a positive number (default the retraining rate, as `train`)" }),
}, { error: 'body must be a JSON object {"model"?, "epochs"?, "batch_size"?, "learning_rate"?}' }).strict();
export type TrainingBody = z.infer<typeof trainingBodySchema>;

/** POST /api/v1/models/:name/restore */
export const restoreBodySchema = z.object({
  backup: z.string({ error: "is required: the backup to restore, as GET /api/v1/backups names it" }),
}, { error: 'body must be a JSON object {"backup": "<name>-<UTC stamp>"}' }).strict();

/** POST /api/v1/models/:name/rollback (cluster mode): an empty body, or the version to go back to. */
export const rollbackBodySchema = z.object({
  version: z.number().int().min(1).optional().meta({ description: "a kept version; absent: the one before the current" }),
}, { error: 'body must be empty or a JSON object {"version": N} (N a kept version, a whole number >= 1)' }).strict();

export const backupsQuerySchema = z.object({
  model: z.string().optional().meta({ description: "only this model's backups" }),
}).strict();

/** The optional `{"version": N}` body of a rollback; none (or empty) = the version before the current. */
async function rollbackVersion(req: Request): Promise<number | undefined> {
  const text = await req.text();
  if (!text.trim()) return undefined;
  let body: unknown;
  try { body = JSON.parse(text); } catch { throw new BadRequestError('the body must be empty or JSON {"version": N} (N a kept version, a whole number >= 1)'); }
  return parseOrThrow(rollbackBodySchema, body).version;
}

/** `limit`: the traffic port's body limit. */
export function modelRoutes(admin: ModelAdmin, limit: MiddlewareHandler): Hono {
  const app = new Hono();
  app.get("/api/v1/training", (c) => c.json({ status: "success", ...admin.training() }));
  app.post("/api/v1/training", limit, async (c) => {
    const started = admin.train(parseOrThrow(trainingBodySchema, await readJson(c)));
    return c.json({ status: "success", started }, 202);
  });
  app.get("/api/v1/backups", (c) => {
    const { model } = parseOrThrow(backupsQuerySchema, c.req.query());
    return c.json({ status: "success", backups: admin.backups(model) });
  });
  app.post("/api/v1/models/:name/restore", limit, async (c) => {
    const { backup } = parseOrThrow(restoreBodySchema, await readJson(c));
    return c.json({ status: "success", ...admin.restore(c.req.param("name"), backup) });
  });
  app.post("/api/v1/models/:name/rollback", limit, async (c) =>
    c.json({ status: "success", ...await admin.rollback(c.req.param("name"), await rollbackVersion(c.req.raw)) }));
  return app;
}
