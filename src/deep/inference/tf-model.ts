// A Keras-config model instantiated in tfjs with given weights, and its forward pass over a batch
// of slices (inference: dropout and noise off).
import type * as tfjs from "@tensorflow/tfjs";
import { buildModel, weightSpecs, type KerasModelConfig } from "../keras-model";
import type { Tf } from "../tf-backend";

export function instantiate(tf: Tf, config: KerasModelConfig, weights: Float32Array[]): tfjs.LayersModel {
  const model = buildModel(tf, config);
  setModelWeights(tf, model, config, weights);
  return model;
}

/** Sets weights layer by layer (the model-wide order of tfjs puts non-trainable ones last). */
export function setModelWeights(tf: Tf, model: tfjs.LayersModel, config: KerasModelConfig, weights: Float32Array[]): void {
  const specs = weightSpecs(config);
  if (specs.length !== weights.length) throw new Error(`the config has ${specs.length} weights, got ${weights.length}`);
  const byLayer = new Map<string, tfjs.Tensor[]>();
  specs.forEach((s, i) => {
    const list = byLayer.get(s.layer) ?? [];
    list.push(tf.tensor(weights[i], s.shape, "float32"));
    byLayer.set(s.layer, list);
  });
  for (const [name, tensors] of byLayer) {
    model.getLayer(name).setWeights(tensors);
    tensors.forEach((t) => t.dispose());
  }
}

/** The weights in weightSpecs order, as float32 copies. */
export function getModelWeights(model: tfjs.LayersModel, config: KerasModelConfig): Float32Array[] {
  const specs = weightSpecs(config);
  const byLayer = new Map<string, tfjs.Tensor[]>();
  const taken = new Map<string, number>();
  return specs.map((s) => {
    if (!byLayer.has(s.layer)) byLayer.set(s.layer, model.getLayer(s.layer).getWeights());
    const i = taken.get(s.layer) ?? 0;
    taken.set(s.layer, i + 1);
    return Float32Array.from(byLayer.get(s.layer)![i].dataSync() as Float32Array);
  });
}

/** Forward pass of `count` slices (count × rows × cols values) in one batch. */
export function forward(tf: Tf, model: tfjs.LayersModel, slices: Float32Array, count: number): Float32Array {
  const [, rows, cols] = model.inputs[0].shape as number[];
  return tf.tidy(() => {
    const out = model.predict(tf.tensor3d(slices, [count, rows, cols]), { batchSize: Math.max(1, count) }) as tfjs.Tensor;
    return out.dataSync() as Float32Array;
  });
}
