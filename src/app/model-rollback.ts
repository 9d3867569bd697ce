// `models rollback` for the HTTP endpoint (POST /api/v1/models/:name/rollback) and the CLI: makes
// an older kept version current in the S3 manifest, so every box swaps to it at its next poll
// (this box at once).
import type { Logger } from "pino";
import { ModelStoreError, type ModelStore } from "../cluster/model-store";
import type { ModelSync } from "../cluster/model-sync";

export type RollbackResult = { ok: true; from: number; to: number } | { ok: false; status: 404 | 409 | 502; message: string };

export async function rollbackModel(cluster: { store?: ModelStore; sync?: ModelSync }, name: string, version: number | undefined, log: Logger): Promise<RollbackResult> {
  if (!cluster.store) return { ok: false, status: 409, message: "models are not shared through S3 on this box: set [AWS] s3_hostname (docs/cluster.md)" };
  try {
    const r = await cluster.store.rollback(name, version);
    log.warn({ model: name, from: r.from, to: r.to }, "model rolled back cluster-wide");
    await cluster.sync?.pollOnce();
    return { ok: true, ...r };
  } catch (e) {
    if (e instanceof ModelStoreError) return { ok: false, status: 404, message: e.message };
    return { ok: false, status: 502, message: (e as Error).message };
  }
}
