// Typed arrays inside a pipeline's JSON state: base64 of their bytes, so a table of thousands of
// numbers is one string that JSON.stringify copies and JSON.parse reads at memory speed (the
// default detector's ~17,000 table values took ~1 ms to format and ~1 ms to parse as decimal text),
// and every value comes back with its exact bits (-0 included). Bytes are little-endian (the order
// of every platform this service ships on; a big-endian host refuses rather than misread a state).
// A mostly-zero Float64Array (a hashed count table) is stored sparse: the positions and the values
// of its non-zero entries, whichever form is shorter.
import { Buffer } from "node:buffer";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of `text` when it is standard base64 (A-Z a-z 0-9 + /, a multiple of 4 characters,
 * at most two '=' at the end), else undefined. Checked by the count of bytes Node's decoder gives,
 * not by a regular expression (~2.5 ms for the ~230 kB of a traffic series' history, at every
 * request that recalls it): the decoder skips or stops at any character outside its alphabets, so
 * n characters give exactly 3n/4 bytes, less the padding, only when every one is in them; its
 * URL-safe '-' and '_' are refused first. */
function base64Bytes(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || text.includes("-") || text.includes("_")) return undefined;
  let padding = 0;
  while (padding < text.length && text.charCodeAt(text.length - 1 - padding) === 61 /* = */) padding++;
  if (padding > 2) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === (3 * text.length) / 4 - padding ? bytes : undefined;
}

/** A sparse Float64Array: `length` entries, zero except at `index` (base64 Uint32) where they are
 * `value` (base64 Float64). */
export interface SparseFloat64 {
  length: number;
  index: string;
  value: string;
}

function checkEndian(): void {
  if (!LITTLE_ENDIAN) throw new Error("typed-array states are little-endian; this host is big-endian");
}

/** The bytes of `a` as base64. */
export function encodeTypedArray(a: Float64Array | Uint32Array | Uint8Array): string {
  checkEndian();
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

/** Decodes base64 into a fresh buffer of whole `elementBytes`-sized elements; `what` names the
 * field in the error. */
function decodeBytes(text: unknown, elementBytes: number, what: string): ArrayBuffer {
  checkEndian();
  const bytes = typeof text === "string" ? base64Bytes(text) : undefined;
  if (bytes === undefined) throw new RangeError(`${what}: expected a base64 string`);
  if (bytes.length % elementBytes !== 0) throw new RangeError(`${what}: ${bytes.length} bytes is not a whole number of ${elementBytes}-byte values`);
  const out = new ArrayBuffer(bytes.length); // own, aligned memory (Buffer may share a pool slab)
  new Uint8Array(out).set(bytes);
  return out;
}

export function decodeFloat64(text: unknown, what: string): Float64Array {
  return new Float64Array(decodeBytes(text, 8, what));
}

export function decodeUint32(text: unknown, what: string): Uint32Array {
  return new Uint32Array(decodeBytes(text, 4, what));
}

export function decodeUint8(text: unknown, what: string): Uint8Array {
  return new Uint8Array(decodeBytes(text, 1, what));
}

/** Whether a sparse table stores x: anything but +0 (a -0 keeps its sign). */
const stored = (x: number) => x !== 0 || Object.is(x, -0);

/** `a` as base64 (dense) or as a SparseFloat64, whichever is shorter. */
export function encodeFloat64Table(a: Float64Array): string | SparseFloat64 {
  let nonZero = 0;
  for (let i = 0; i < a.length; i++) if (stored(a[i])) nonZero++;
  if (nonZero * 12 >= a.length * 8) return encodeTypedArray(a);
  const index = new Uint32Array(nonZero), value = new Float64Array(nonZero);
  for (let i = 0, k = 0; i < a.length; i++) {
    if (!stored(a[i])) continue;
    index[k] = i;
    value[k++] = a[i];
  }
  return { length: a.length, index: encodeTypedArray(index), value: encodeTypedArray(value) };
}

/** Reads what encodeFloat64Table wrote. */
export function decodeFloat64Table(json: unknown, what: string): Float64Array {
  if (typeof json === "string") return decodeFloat64(json, what);
  const s = json as SparseFloat64;
  if (typeof s !== "object" || s === null || !Number.isSafeInteger(s.length) || s.length < 0) throw new RangeError(`${what}: expected a base64 string or {length, index, value}`);
  const index = new Uint32Array(decodeBytes(s.index, 4, `${what}.index`));
  const value = decodeFloat64(s.value, `${what}.value`);
  if (index.length !== value.length) throw new RangeError(`${what}: ${index.length} positions but ${value.length} values`);
  const out = new Float64Array(s.length);
  for (let k = 0; k < index.length; k++) {
    if (index[k] >= s.length) throw new RangeError(`${what}: position ${index[k]} outside its length ${s.length}`);
    out[index[k]] = value[k];
  }
  return out;
}
