// The forward pass the service runs for a loaded model: tfjs on the wasm backend (or cpu).
import type { LoadedModel, ModelLoader } from "./catalog";
import type { ModelFiles } from "./model-files";
import { loadTf, type TfBackendName } from "./tf-backend";
import { forward, instantiate } from "./tf-model";

export async function loadTfModel(files: ModelFiles, backend: TfBackendName = "wasm"): Promise<LoadedModel> {
  const tf = await loadTf(backend);
  const model = instantiate(tf, files.config, files.weights);
  return {
    reconstruct: (slices, count) => forward(tf, model, slices, count),
    dispose: () => model.dispose(),
  };
}

export const tfModelLoader = (backend: TfBackendName = "wasm"): ModelLoader => (files) => loadTfModel(files, backend);
