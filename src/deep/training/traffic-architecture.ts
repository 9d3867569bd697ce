// The architecture of our own traffic autoencoders, written as a Keras 2.15 functional config (so
// the same builder, files and .keras export serve it). It follows the original's design (the
// README's "LSTM autoencoder" of rb-aioutliers, see docs/deep-model.md): batch normalisation, two
// GELU dense layers, an LSTM encoder to one state vector, a repeated vector into an LSTM decoder,
// and heads per feature group whose outputs are concatenated in input order:
//   [metrics without granularity (sigmoid), granularity (sigmoid), minute (sigmoid), weekday (softmax)].
// The metric head also sees the minute, weekday and granularity heads' outputs.
import type { KerasLayer, KerasModelConfig } from "../keras-model";

export interface TrafficArchitecture {
  /** Metric columns including the trailing `granularity`. */
  numMetrics: number;
  /** Slice length: window_size × num_windows. */
  sliceLength: number;
  units: number;
  dropout: number;
}

type Inbound = string | string[];

function layer(className: string, name: string, config: Record<string, unknown>, inbound: Inbound, inputShape?: (number | null)[]): KerasLayer {
  const ins = inbound === "" ? [] : [(Array.isArray(inbound) ? inbound : [inbound]).map((n) => [n, 0, 0, {}] as [string, number, number, Record<string, unknown>])];
  return {
    module: "keras.layers", class_name: className, name, registered_name: null,
    config: { name, trainable: true, dtype: "float32", ...config },
    ...(inputShape ? { build_config: { input_shape: inputShape } } : {}),
    inbound_nodes: ins,
  };
}

export function trafficAutoencoderConfig(a: TrafficArchitecture): KerasModelConfig {
  const features = a.numMetrics + 1 + 7, T = a.sliceLength, u = a.units;
  const dense = (name: string, units: number, activation: string, inbound: Inbound, inDim: number, seq = true) =>
    layer("Dense", name, { units, activation, use_bias: true }, inbound, seq ? [null, T, inDim] : [null, inDim]);
  const lstm = (name: string, returnSequences: boolean, inbound: string) => layer("LSTM", name, {
    units: u, activation: "tanh", recurrent_activation: "sigmoid", use_bias: true, unit_forget_bias: true,
    return_sequences: returnSequences, return_state: false, go_backwards: false, stateful: false, unroll: false,
  }, inbound, [null, T, u]);
  const layers: KerasLayer[] = [
    layer("InputLayer", "input", { batch_input_shape: [null, T, features], sparse: false, ragged: false }, ""),
    layer("BatchNormalization", "batch_normalization_0", { axis: [2], momentum: 0.99, epsilon: 0.001, center: true, scale: true }, "input", [null, T, features]),
    dense("autoencoder_0_start", u, "gelu", "batch_normalization_0", features),
    layer("Dropout", "autoencoder_0_dropout", { rate: a.dropout }, "autoencoder_0_start", [null, T, u]),
    dense("encoder_dense_0", u, "gelu", "autoencoder_0_dropout", u),
    layer("LayerNormalization", "encoder_normalization_0", { axis: [2], epsilon: 0.001, center: true, scale: true }, "encoder_dense_0", [null, T, u]),
    lstm("encoder_0", false, "encoder_normalization_0"),
    layer("LayerNormalization", "decoder_normalization_0", { axis: [1], epsilon: 0.001, center: true, scale: true }, "encoder_0", [null, u]),
    layer("GaussianNoise", "gaussian_noise_0", { stddev: 0.001 }, "decoder_normalization_0", [null, u]),
    layer("RepeatVector", "repeat_vector_0", { n: T }, "gaussian_noise_0", [null, u]),
    lstm("decoder_0", true, "repeat_vector_0"),
    dense("decoder_dense_0", u, "gelu", "decoder_0", u),
    layer("Dropout", "autoencoder_0_decoder_dropout", { rate: a.dropout }, "decoder_dense_0", [null, T, u]),
    dense("minute_decoder_0", 1, "sigmoid", "decoder_dense_0", u),
    dense("weekday_decoder_0", 7, "softmax", "decoder_dense_0", u),
    dense("granularity_decoder_0", 1, "sigmoid", "decoder_dense_0", u),
    layer("Concatenate", "pre_metric_decoder_0", { axis: -1 },
      ["autoencoder_0_decoder_dropout", "minute_decoder_0", "weekday_decoder_0", "granularity_decoder_0"]),
    dense("metrics_decoder_0", a.numMetrics - 1, "sigmoid", "pre_metric_decoder_0", u + 9),
    layer("Concatenate", "autoencoder_0_end", { axis: -1 },
      ["metrics_decoder_0", "granularity_decoder_0", "minute_decoder_0", "weekday_decoder_0"]),
  ];
  return {
    module: "keras.src.engine.functional", class_name: "Functional", registered_name: "Functional",
    config: { name: "LSTMAutoencoder", trainable: true, layers, input_layers: [["input", 0, 0]], output_layers: [["autoencoder_0_end", 0, 0]] },
    build_config: { input_shape: [null, T, features] },
  };
}
