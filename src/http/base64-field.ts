// Decoding of the base64 fields of the traffic API (`query`, `data`, `model`). Tolerant where
// the meaning is unambiguous: `curl -d "query=…"` sends '+' unencoded, so form decoding turns it
// into a space, and `base64` without -w0 wraps lines; neither a space nor a newline can be part
// of base64, so spaces become '+' and line breaks are dropped. The URL-safe alphabet (-, _) and
// missing padding are accepted too. Anything else that is not base64 is refused.

import { isUtf8 } from "node:buffer";

export class Base64FieldError extends Error {
  override name = "Base64FieldError";
}

const NOT_BASE64 = /[^A-Za-z0-9+/]/;

/** True when `text` is standard base64: alphabet A-Z a-z 0-9 + /, then at most two '=' that
 * complete a multiple of 4; unpadded text must not leave a single dangling character. The
 * fields can be megabytes: one native regex scan. */
export function isBase64(text: string): boolean {
  const end = unpaddedLength(text);
  return end !== undefined && !NOT_BASE64.test(end === text.length ? text : text.slice(0, end));
}

/** The length of `text` without its padding when its end is as base64 ends (at most two '=', which
 * complete a multiple of 4; no single dangling character); else undefined. */
export function unpaddedLength(text: string): number | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const padding = text.length - end;
  return padding > 2 || (padding > 0 && text.length % 4 !== 0) || end % 4 === 1 ? undefined : end;
}

/** Normalises and checks base64 text; returns the bytes or throws Base64FieldError. */
function decodeBase64Bytes(field: string, value: string): Buffer {
  const text = /[\s_-]/.test(value) ? value.replace(/[\r\n\t]/g, "").replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/") : value;
  if (!isBase64(text))
    throw new Base64FieldError(`field "${field}" is not valid base64; send it base64-encoded (e.g. base64 -w0 file.json)`);
  return Buffer.from(text, "base64");
}

/** base64 → UTF-8 text. */
export function decodeBase64Text(field: string, value: string): string {
  return base64BytesAsText(field, decodeBase64Bytes(field, value));
}

/** The bytes a base64 field decoded to, as UTF-8 text. */
export function base64BytesAsText(field: string, bytes: Uint8Array): string {
  if (!isUtf8(bytes)) throw new Base64FieldError(`field "${field}" decodes to bytes that are not UTF-8 text; send base64 of the JSON text`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}
