// The forward pass the service runs for a loaded model: the plain forward pass of
// ./fast-forward.ts (products and LSTM cells on WebAssembly SIMD) when it covers the model's
// layers (it does for our autoencoders), else tfjs on the wasm backend. They agree within 1e-5
// on real traffic (test/deep/fast-forward.test.ts).
import type { LoadedModel, ModelLoader } from "./catalog";
import type { ModelFiles } from "../files/model-files";
import { slice } from "../preprocess";
import { loadTf, type TfBackendName } from "../tf-backend";
import { forward, instantiate } from "./tf-model";
import { fastModel, FastForwardUnsupported } from "./fast-forward";

export type InferenceEngine = "fast" | TfBackendName;

export async function loadTfModel(files: ModelFiles, backend: TfBackendName = "wasm"): Promise<LoadedModel> {
  const tf = await loadTf(backend);
  const model = instantiate(tf, files.config, files.weights);
  return {
    engine: backend,
    reconstruct: ({ rows, starts, length }) => forward(tf, model, Float32Array.from(slice(rows, starts, length)), starts.length),
    dispose: () => model.dispose(),
  };
}

/** The plain forward pass; `simd: false` for its float64-only variant. */
export function loadFastModel(files: ModelFiles, opts: { simd?: boolean } = {}): LoadedModel {
  const model = fastModel(files.config, files.weights, opts);
  return {
    engine: "fast",
    reconstruct: ({ rows, starts, length }) => model.forward(rows.data, rows.cols, starts, length),
    dispose: () => {},
  };
}

/** `auto`: the fast loops when they cover the model, else tfjs-wasm. */
export const modelLoader = (engine: InferenceEngine | "auto" = "auto"): ModelLoader => async (files) => {
  if (engine === "fast") return loadFastModel(files);
  if (engine !== "auto") return loadTfModel(files, engine);
  try {
    return loadFastModel(files);
  } catch (e) {
    if (e instanceof FastForwardUnsupported) return loadTfModel(files, "wasm");
    throw e;
  }
};
