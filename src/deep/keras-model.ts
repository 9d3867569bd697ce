// A tfjs model built from a Keras 2.15 functional `config.json` (the format of the original's
// `.keras` files, and the architecture description of our own models), and the list of its
// weights in the order and under the names Keras' `model.weights.h5` uses.
import type * as tfjs from "@tensorflow/tfjs";
import type { Tf } from "./tf-backend";

export interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, any>;
  inbound_nodes: [string, number, number, Record<string, unknown>][][];
  [key: string]: unknown;
}

export interface KerasModelConfig {
  class_name: "Functional" | "Model";
  config: { name: string; trainable?: boolean; layers: KerasLayer[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
  [key: string]: unknown;
}

export interface WeightSpec {
  /** The Keras (and tfjs) layer name that holds the weight. */
  layer: string;
  /** Dataset path in model.weights.h5, e.g. "layers/lstm/cell/vars/1". */
  path: string;
  shape: number[];
}

export class KerasConfigError extends Error {
  override name = "KerasConfigError";
}

const SUPPORTED = ["InputLayer", "BatchNormalization", "Dense", "Dropout", "LayerNormalization", "LSTM",
  "GaussianNoise", "RepeatVector", "Concatenate"];

/** Keras' snake_case name of a layer class ("LayerNormalization" -> "layer_normalization"). */
export const snakeCase = (className: string) =>
  className.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();

const INPUT_H5_NAME: Record<string, string> = { InputLayer: "input_layer" };

/**
 * The h5 group of each layer, in config order: the snake_case class name, numbered per class as
 * Keras' saving_lib names them (dense, dense_1, ...).
 */
export function h5LayerGroups(config: KerasModelConfig): string[] {
  const seen = new Map<string, number>();
  return config.config.layers.map((l) => {
    const base = INPUT_H5_NAME[l.class_name] ?? snakeCase(l.class_name);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  });
}

function shapesOf(config: KerasModelConfig): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const l of config.config.layers) {
    const shape = l.build_config && (l.build_config as { input_shape?: unknown }).input_shape;
    if (Array.isArray(shape) && Array.isArray(shape[0])) out.set(l.name, shape as unknown as number[]);
    else if (Array.isArray(shape)) out.set(l.name, shape as number[]);
  }
  return out;
}

/** The weights of each layer, in the order Keras and tfjs (`layer.getWeights()`) hold them. */
export function weightSpecs(config: KerasModelConfig): WeightSpec[] {
  const groups = h5LayerGroups(config);
  const inputShapes = shapesOf(config);
  const specs: WeightSpec[] = [];
  config.config.layers.forEach((l, i) => {
    const c = l.config, g = groups[i];
    const inShape = inputShapes.get(l.name);
    const lastDim = () => {
      if (!inShape) throw new KerasConfigError(`layer ${l.name}: build_config.input_shape is missing`);
      return inShape[inShape.length - 1];
    };
    const add = (path: string, shape: number[]) => specs.push({ layer: l.name, path: `layers/${g}/${path}`, shape });
    switch (l.class_name) {
      case "BatchNormalization": {
        const n = lastDim();
        if (c.scale !== false) add("vars/0", [n]);
        const k = c.scale !== false ? 1 : 0;
        if (c.center !== false) add(`vars/${k}`, [n]);
        const m = k + (c.center !== false ? 1 : 0);
        add(`vars/${m}`, [n]);
        add(`vars/${m + 1}`, [n]);
        break;
      }
      case "LayerNormalization": {
        const n = lastDim();
        let k = 0;
        if (c.scale !== false) add(`vars/${k++}`, [n]);
        if (c.center !== false) add(`vars/${k++}`, [n]);
        break;
      }
      case "Dense":
        add("vars/0", [lastDim(), c.units]);
        if (c.use_bias !== false) add("vars/1", [c.units]);
        break;
      case "LSTM":
        add("cell/vars/0", [lastDim(), 4 * c.units]);
        add("cell/vars/1", [c.units, 4 * c.units]);
        if (c.use_bias !== false) add("cell/vars/2", [4 * c.units]);
        break;
    }
  });
  return specs;
}

/**
 * Initialisers: Keras' defaults (glorot uniform kernels, orthogonal recurrent kernels, zero
 * biases), seeded, for a model to be trained; zeros (cheap) when its weights are set afterwards.
 */
function initialisers(tf: Tf, seed: number | undefined) {
  if (seed === undefined) return { kernelInitializer: "zeros", recurrentInitializer: "zeros" } as const;
  return {
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1, gain: 1 }),
  };
}

function createLayer(tf: Tf, l: KerasLayer, seed: number | undefined): tfjs.layers.Layer {
  const c = l.config, name = l.name;
  const init = initialisers(tf, seed);
  switch (l.class_name) {
    case "BatchNormalization":
      return tf.layers.batchNormalization({ name, axis: -1, momentum: c.momentum, epsilon: c.epsilon, center: c.center, scale: c.scale });
    case "Dense":
      return tf.layers.dense({ name, units: c.units, activation: c.activation, useBias: c.use_bias, kernelInitializer: init.kernelInitializer });
    case "Dropout":
      return tf.layers.dropout({ name, rate: c.rate });
    case "LayerNormalization":
      return tf.layers.layerNormalization({ name, axis: c.axis, epsilon: c.epsilon, center: c.center, scale: c.scale });
    case "LSTM":
      if (c.go_backwards || c.stateful || c.return_state) throw new KerasConfigError(`layer ${name}: go_backwards, stateful and return_state LSTMs are not supported`);
      // tfjs defaults recurrentActivation to hardSigmoid; Keras' is sigmoid: always pass it.
      return tf.layers.lstm({
        name, units: c.units, activation: c.activation, recurrentActivation: c.recurrent_activation ?? "sigmoid",
        useBias: c.use_bias, returnSequences: c.return_sequences, unitForgetBias: c.unit_forget_bias,
        kernelInitializer: init.kernelInitializer, recurrentInitializer: init.recurrentInitializer,
      });
    case "GaussianNoise":
      return tf.layers.gaussianNoise({ name, stddev: c.stddev });
    case "RepeatVector":
      return tf.layers.repeatVector({ name, n: c.n });
    case "Concatenate":
      return tf.layers.concatenate({ name, axis: c.axis });
    default:
      throw new KerasConfigError(`layer ${name}: class ${l.class_name} is not supported (supported: ${SUPPORTED.join(", ")})`);
  }
}

/** Checks the parts of a Keras config the builder relies on; throws KerasConfigError. */
export function validateKerasConfig(json: unknown): KerasModelConfig {
  const c = json as KerasModelConfig;
  if (!c || typeof c !== "object" || !["Functional", "Model"].includes(c.class_name) || !Array.isArray(c.config?.layers))
    throw new KerasConfigError("config.json is not a Keras functional model (class_name Functional with config.layers)");
  for (const l of c.config.layers) {
    if (!SUPPORTED.includes(l.class_name)) throw new KerasConfigError(`layer ${l.name}: class ${l.class_name} is not supported (supported: ${SUPPORTED.join(", ")})`);
    if (!Array.isArray(l.inbound_nodes)) throw new KerasConfigError(`layer ${l.name}: inbound_nodes missing`);
  }
  if (c.config.input_layers?.length !== 1 || c.config.output_layers?.length !== 1)
    throw new KerasConfigError("only models with one input and one output are supported");
  return c;
}

/**
 * The float32 tfjs model of `config`. With `seed`, weights are initialised as Keras does (layer
 * i seeded with seed + 2i); without, they are zeros, to be set from a file.
 */
export function buildModel(tf: Tf, config: KerasModelConfig, seed?: number): tfjs.LayersModel {
  const outputs = new Map<string, tfjs.SymbolicTensor>();
  let input: tfjs.SymbolicTensor | undefined;
  for (const [i, l] of config.config.layers.entries()) {
    if (l.class_name === "InputLayer") {
      const shape = (l.config.batch_input_shape ?? l.config.batch_shape) as (number | null)[];
      input = tf.input({ name: l.name, shape: shape.slice(1) as number[] });
      outputs.set(l.name, input);
      continue;
    }
    if (l.inbound_nodes.length !== 1) throw new KerasConfigError(`layer ${l.name}: shared layers are not supported`);
    const inbound = l.inbound_nodes[0].map(([name]) => {
      const t = outputs.get(name);
      if (!t) throw new KerasConfigError(`layer ${l.name}: input ${name} is not defined before it`);
      return t;
    });
    const layer = createLayer(tf, l, seed === undefined ? undefined : seed + 2 * i);
    outputs.set(l.name, layer.apply(inbound.length === 1 ? inbound[0] : inbound) as tfjs.SymbolicTensor);
  }
  const out = outputs.get(config.config.output_layers[0][0]);
  if (!input || !out) throw new KerasConfigError("the model's input or output layer is missing");
  return tf.model({ inputs: input, outputs: out, name: config.config.name });
}
