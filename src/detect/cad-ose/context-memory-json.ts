// CAD OSE's context memory as plain JSON and back. Only what cannot be derived is stored: each
// side's semi-contexts (their facts, concatenated, and their lengths) and each context's halves,
// activation count and zero-level flag, as base64 typed arrays (../typed-array-codec). Hashes, the
// per-fact lists and the per-semi-context dicts are rebuilt by adding everything again in id
// order, which is the order the original created them in, so each dict's Python iteration order
// comes back too; the latest left crossing is redone by the caller.
import { decodeFloat64, decodeUint32, decodeUint8, encodeTypedArray } from "../typed-array-codec";
import { addContext, addSemiContext, contextCount, NEURON_BASE, newContextMemory, type ContextMemory, type Side } from "./context-memory";

export interface SideJSON {
  /** Every semi-context's facts, concatenated (Uint32). */
  facts: string;
  /** How many facts each semi-context has (Uint32). */
  lengths: string;
}

export interface ContextMemoryJSON {
  left: SideJSON;
  right: SideJSON;
  /** Per context: left and right semi-context ids (Uint32), activations (Float64), zero-level (Uint8). */
  ctxLeft: string;
  ctxRight: string;
  activations: string;
  zeroLevel: string;
}

function sideToJSON(side: Side): SideJSON {
  const lengths = Uint32Array.from(side.facts, (f) => f.length);
  const facts = new Uint32Array(lengths.reduce((n, l) => n + l, 0));
  let k = 0;
  for (const f of side.facts) for (const x of f) facts[k++] = x;
  return { facts: encodeTypedArray(facts), lengths: encodeTypedArray(lengths) };
}

export function memoryToJSON(m: ContextMemory): ContextMemoryJSON {
  return {
    left: sideToJSON(m.left),
    right: sideToJSON(m.right),
    ctxLeft: encodeTypedArray(Uint32Array.from(m.ctxLeft)),
    ctxRight: encodeTypedArray(Uint32Array.from(m.ctxRight)),
    activations: encodeTypedArray(Float64Array.from(m.activations)),
    zeroLevel: encodeTypedArray(Uint8Array.from(m.zeroLevel)),
  };
}

const fail = (what: string): never => {
  throw new RangeError(`CAD OSE state: ${what}`);
};

/** The semi-contexts' fact lists, checked: ascending, sensor facts below `sensorFacts`, neuron
 * facts naming contexts below `contexts`. */
function sideFacts(json: unknown, what: string, sensorFacts: number, contexts: number): number[][] {
  const s = (typeof json === "object" && json !== null ? json : fail(`${what} is not an object`)) as SideJSON;
  const facts = decodeUint32(s.facts, `CAD OSE state: ${what}.facts`);
  const lengths = decodeUint32(s.lengths, `CAD OSE state: ${what}.lengths`);
  const out: number[][] = [];
  let k = 0;
  for (const n of lengths) {
    if (n === 0 || k + n > facts.length) fail(`${what}: lengths do not match the facts`);
    const f = Array.from(facts.subarray(k, k + n));
    k += n;
    f.forEach((x, i) => {
      if (i > 0 && x <= f[i - 1]) fail(`${what}: facts not ascending`);
      if (x < NEURON_BASE ? x >= sensorFacts : x - NEURON_BASE >= contexts) fail(`${what}: fact ${x} out of range`);
    });
    out.push(f);
  }
  if (k !== facts.length) fail(`${what}: lengths do not match the facts`);
  return out;
}

/** Reads what memoryToJSON wrote for a detector of `valueBits` bits. */
export function memoryFromJSON(json: unknown, valueBits: number): ContextMemory {
  const j = (typeof json === "object" && json !== null ? json : fail("memory is not an object")) as ContextMemoryJSON;
  const ctxLeft = decodeUint32(j.ctxLeft, "CAD OSE state: memory.ctxLeft");
  const ctxRight = decodeUint32(j.ctxRight, "CAD OSE state: memory.ctxRight");
  const activations = decodeFloat64(j.activations, "CAD OSE state: memory.activations");
  const zeroLevel = decodeUint8(j.zeroLevel, "CAD OSE state: memory.zeroLevel");
  const n = ctxLeft.length;
  if (ctxRight.length !== n || activations.length !== n || zeroLevel.length !== n) fail("memory: context arrays differ in length");
  const m = newContextMemory();
  for (const f of sideFacts(j.left, "memory.left", 2 * valueBits, n)) addSemiContext(m, m.left, f);
  for (const f of sideFacts(j.right, "memory.right", 2 * valueBits, 0)) addSemiContext(m, m.right, f);
  for (let id = 0; id < n; id++) {
    const l = ctxLeft[id], r = ctxRight[id];
    if (l >= m.left.facts.length || r >= m.right.facts.length) fail(`memory: context ${id} names a missing semi-context`);
    if (m.contextsOf[l].get(r) !== -1) fail(`memory: context ${id} repeats another`);
    if (!(Number.isSafeInteger(activations[id]) && activations[id] >= 0) || zeroLevel[id] > 1) fail(`memory: context ${id} has bad counts`);
    addContext(m, l, r, zeroLevel[id], activations[id]);
  }
  if (contextCount(m) !== n) fail("memory: context count");
  return m;
}
