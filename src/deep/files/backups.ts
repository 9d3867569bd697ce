// The backups of replaced models (`<backups dir>/<name>-<UTC stamp>/`, written by writeModelDir)
// listed, and one restored: it becomes the model again, the model it replaces backed up in turn,
// so a restore can itself be undone. Used by the traffic port's model management (issue 15 part 5).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isSafeModelName } from "../../detect/model-catalog";
import { ModelFilesError, readModelDir, writeModelDir } from "./model-files";

export interface Backup {
  /** The backup's directory name, which names it to restore. */
  backup: string;
  model: string;
  /** When the model it holds was replaced. */
  saved_at: string;
}

const BACKUP = /^([A-Za-z0-9_-]{1,64})-(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)Z$/;

/** The backups (of `model`, or of every model), newest first. */
export function listBackups(backupsDir: string, model?: string): Backup[] {
  if (!existsSync(backupsDir)) return [];
  const out: Backup[] = [];
  for (const name of readdirSync(backupsDir)) {
    const m = BACKUP.exec(name);
    if (!m || (model !== undefined && m[1] !== model)) continue;
    out.push({ backup: name, model: m[1]!, saved_at: `${m[2]}:${m[3]}:${m[4]}Z` });
  }
  return out.sort((a, b) => b.saved_at.localeCompare(a.saved_at) || a.backup.localeCompare(b.backup));
}

/** Makes backup `backup` of `model` the model again; returns where the replaced one was backed up. */
export function restoreBackup(modelsDir: string, backupsDir: string, model: string, backup: string, now = new Date()): string | undefined {
  if (!isSafeModelName(model)) throw new ModelFilesError(`model name ${JSON.stringify(model)} may only hold 1-64 letters, digits, '_' and '-'`);
  const known = listBackups(backupsDir, model);
  if (!known.some((b) => b.backup === backup)) {
    const names = known.slice(0, 5).map((b) => b.backup).join(", ");
    throw new ModelFilesError(`no backup ${JSON.stringify(backup)} of model '${model}'; ${known.length ? `its backups (newest first): ${names}${known.length > 5 ? ", ..." : ""}` : "it has none"}`);
  }
  const files = readModelDir(join(backupsDir, backup));
  return writeModelDir(modelsDir, model, files, { backupsDir, now });
}
