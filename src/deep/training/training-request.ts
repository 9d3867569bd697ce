// What a training run is asked with, checked the same way wherever it is asked: the CLI's `train`
// (flags) and the traffic port's POST /api/v1/training (JSON fields). Each caller names the
// settings as its users write them, so a message points at the flag or the field that was wrong.
import { isSafeModelName } from "../../detect/model-catalog";
import { DEFAULT_RETRAIN_LEARNING_RATE } from "./training-job";

export class TrainingRequestError extends Error {
  override name = "TrainingRequestError";
}

/** The settings as given: strings from flags, numbers (or anything) from JSON; undefined = default. */
export interface GivenTraining {
  model?: unknown;
  epochs?: unknown;
  batchSize?: unknown;
  learningRate?: unknown;
}

/** What each setting is called where it was given ("--epochs" or "epochs"). */
export type SettingNames = Record<keyof GivenTraining, string>;

export interface TrainingDefaults {
  /** [Outliers] model_names: comma-separated. */
  modelNames: string;
  epochs: number;
  batchSize: number;
}

export interface TrainingSettings {
  names: string[];
  epochs: number;
  batchSize: number;
  learningRate: number;
}

function positive(v: unknown, name: string, fallback: number, integer = true): number {
  if (v === undefined) return fallback;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : typeof v === "number" ? v : NaN;
  if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new TrainingRequestError(`${name} must be a positive ${integer ? "integer" : "number"}, got '${typeof v === "string" ? v : JSON.stringify(v)}'`);
  return n;
}

/** The run's settings, or a TrainingRequestError saying which one is wrong and what it must be. */
export function trainingSettings(given: GivenTraining, defaults: TrainingDefaults, names: SettingNames): TrainingSettings {
  const epochs = positive(given.epochs, names.epochs, defaults.epochs);
  const batchSize = positive(given.batchSize, names.batchSize, defaults.batchSize);
  const learningRate = positive(given.learningRate, names.learningRate, DEFAULT_RETRAIN_LEARNING_RATE, false);
  if (given.model !== undefined && (typeof given.model !== "string" || !isSafeModelName(given.model)))
    throw new TrainingRequestError(`${names.model} must be a model name of 1-64 letters, digits, '_' or '-', got ${JSON.stringify(given.model)}`);
  const modelNames = given.model !== undefined ? [given.model as string] : defaults.modelNames.split(",").map((s) => s.trim()).filter(Boolean);
  if (modelNames.length === 0) throw new TrainingRequestError(`no model to train: give ${names.model} or set [Outliers] model_names`);
  return { names: modelNames, epochs, batchSize, learningRate };
}
