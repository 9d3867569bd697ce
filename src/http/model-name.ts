// The `model` field: base64 of a model name. Only a safe name (isSafeModelName: [A-Za-z0-9_-]{1,64})
// can name a model; anything else falls back to the default model, and the caller logs why.
import { isSafeModelName } from "../detect/model-catalog";
import { decodeBase64Text, Base64FieldError } from "./base64-field";

export type ModelNameChoice =
  | { kind: "default" }
  | { kind: "named"; name: string }
  | { kind: "rejected"; reason: string };

/** Decodes the request's `model` field. Absent or empty: the default model. */
export function chooseModelName(field: string | undefined): ModelNameChoice {
  if (field === undefined || field.trim() === "") return { kind: "default" };
  let name: string;
  try {
    name = decodeBase64Text("model", field);
  } catch (e) {
    if (e instanceof Base64FieldError) return { kind: "rejected", reason: "the model field is not base64 of a name" };
    throw e;
  }
  if (!isSafeModelName(name))
    return { kind: "rejected", reason: `model name ${JSON.stringify(name.slice(0, 80))} is not [A-Za-z0-9_-]{1,64}` };
  return { kind: "named", name };
}
