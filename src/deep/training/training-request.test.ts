import { test } from "uvu";
import * as assert from "uvu/assert";
import { trainingSettings, TrainingRequestError } from "./training-request";
import { DEFAULT_RETRAIN_LEARNING_RATE } from "./training-job";

const defaults = { modelNames: "traffic, other", epochs: 20, batchSize: 32 };
const flags = { model: "--model NAME", epochs: "--epochs", batchSize: "--batch-size", learningRate: "--learning-rate" };

test("defaults, and flags' strings or JSON numbers", () => {
  assert.equal(trainingSettings({}, defaults, flags), { names: ["traffic", "other"], epochs: 20, batchSize: 32, learningRate: DEFAULT_RETRAIN_LEARNING_RATE });
  assert.equal(trainingSettings({ model: "traffic", epochs: "3", batchSize: 64, learningRate: "0.01" }, defaults, flags), { names: ["traffic"], epochs: 3, batchSize: 64, learningRate: 0.01 });
});

test("each wrong setting named as it was given", () => {
  const wrong = (given: object, msg: RegExp) => assert.throws(() => trainingSettings(given, defaults, flags), (e: Error) => e instanceof TrainingRequestError && msg.test(e.message));
  wrong({ epochs: "0" }, /^--epochs must be a positive integer, got '0'$/);
  wrong({ epochs: 1.5 }, /^--epochs must be a positive integer, got '1.5'$/);
  wrong({ batchSize: "" }, /^--batch-size must be a positive integer/);
  wrong({ learningRate: "-1" }, /^--learning-rate must be a positive number, got '-1'$/);
  wrong({ epochs: true }, /^--epochs must be a positive integer, got 'true'$/);
  wrong({ model: "../etc" }, /^--model NAME must be a model name/);
  wrong({ model: 7 }, /^--model NAME must be a model name/);
  assert.throws(() => trainingSettings({}, { ...defaults, modelNames: " , " }, flags), /^no model to train: give --model NAME or set \[Outliers\] model_names$/);
});

test.run();
