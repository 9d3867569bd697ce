// Where the models shipped with the product live: assets/models in the source tree (our default
// `traffic` model). The catalog reads a model from here when the models dir has none of that name.
import { fileURLToPath } from "node:url";

export function bundledModelsDir(): string {
  return fileURLToPath(new URL("../../assets/models", import.meta.url));
}
