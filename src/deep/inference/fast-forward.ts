// Our forward pass (inference only) for the layer types of our autoencoders, interpreting the
// same Keras config as the tfjs model. Why: tfjs runs an LSTM as hundreds of small kernel calls
// per batch, ~90 ms for a day of 1-minute data on wasm; this does it in ~10 ms (test/bench/deep).
// Products, LSTM cells and GELU run on the WebAssembly SIMD kernels (./wasm-kernels.ts, float32)
// when available, the rest in float64 JavaScript (all of it with `simd: false`). Beyond that:
// layers that act on each row alone (the dense/normalisation layers and the LSTM input projection
// before the first recurrence) run once per input row instead of once per overlapping slice row,
// the decoder LSTM's input projection once per slice (its input is a repeated vector), and all
// slices advance through each LSTM step together. Dropout and noise are identities at inference.
import type { KerasLayer, KerasModelConfig } from "../keras-model";
import { weightSpecs } from "../keras-model";
import { fastExp, fastSigmoid, fastTanh } from "./fast-math";
import { Linear } from "./linear";
import { WasmKernels, wasmSimdAvailable } from "./wasm-kernels";

/** Time-distributed values: one C-vector per input row (`rows`), per slice step (`seq`), per
 * slice (`vec`), or one vector per slice repeated over T steps (`repeat`). */
type Value =
  | { kind: "rows"; n: number; c: number; data: Float64Array }
  | { kind: "seq"; n: number; t: number; c: number; data: Float64Array }
  | { kind: "vec"; n: number; c: number; data: Float64Array }
  | { kind: "repeat"; n: number; t: number; c: number; data: Float64Array };

// Abramowitz & Stegun 7.1.26, as tfjs' erf kernel computes it (|error| < 1.5e-7).
const P = 0.3275911, A1 = 0.254829592, A2 = -0.284496736, A3 = 1.421413741, A4 = -1.453152027, A5 = 1.061405429;
function erf(x: number): number {
  const v = Math.abs(x), t = 1 / (1 + P * v);
  const y = 1 - ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t * fastExp(-v * v);
  return x < 0 ? -y : y;
}
const ACTIVATIONS: Record<string, ((x: number) => number) | null> = {
  linear: null, sigmoid: fastSigmoid, tanh: fastTanh, relu: (x) => (x > 0 ? x : 0),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
};

export class FastForwardUnsupported extends Error {
  override name = "FastForwardUnsupported";
}

function activation(name: string): ((x: number) => number) | null | "softmax" {
  if (name === "softmax") return "softmax";
  if (!(name in ACTIVATIONS)) throw new FastForwardUnsupported(`activation ${name}`);
  return ACTIVATIONS[name];
}

const vectors = (v: Value) => (v.kind === "seq" ? v.n * v.t : v.kind === "repeat" ? v.n : v.n);
const withData = (v: Value, c: number, data: Float64Array): Value => ({ ...v, c, data }) as Value;

function softmaxRows(out: Float64Array, n: number, c: number): void {
  for (let i = 0; i < n; i++) {
    const o = i * c;
    let max = -Infinity, sum = 0;
    for (let j = 0; j < c; j++) if (out[o + j] > max) max = out[o + j];
    for (let j = 0; j < c; j++) sum += out[o + j] = Math.exp(out[o + j] - max);
    for (let j = 0; j < c; j++) out[o + j] /= sum;
  }
}

/** x·W + b for every vector of x, then the activation. */
function dense(x: Value, lin: Linear, act: ReturnType<typeof activation>): Value {
  const n = vectors(x), cOut = lin.cOut, out = new Float64Array(n * cOut);
  if (act === ACTIVATIONS.gelu && lin.applyGeluOnWasm(x.data, n, out)) return withData(x, cOut, out);
  lin.apply(x.data, n, out);
  if (act === "softmax") softmaxRows(out, n, cOut);
  else if (act) for (let i = 0; i < out.length; i++) out[i] = act(out[i]);
  return withData(x, cOut, out);
}

/** (x - mean)·gamma/sqrt(var + eps) + beta with per-channel mean/var (BatchNormalization) or,
 * when `mean` is undefined, the vector's own moments (LayerNormalization over the last axis). */
function normalize(x: Value, gamma: Float64Array | undefined, beta: Float64Array | undefined, eps: number, mean?: Float64Array, variance?: Float64Array): Value {
  const n = vectors(x), c = x.c, out = new Float64Array(n * c), d = x.data;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    let m = 0, s = 0;
    if (!mean) {
      for (let j = 0; j < c; j++) m += d[o + j];
      m /= c;
      for (let j = 0; j < c; j++) { const e = d[o + j] - m; s += e * e; }
      s /= c;
    }
    for (let j = 0; j < c; j++) {
      const mu = mean ? mean[j] : m, v = variance ? variance[j] : s;
      out[o + j] = ((d[o + j] - mu) / Math.sqrt(v + eps)) * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
    }
  }
  return withData(x, c, out);
}

/**
 * The recurrence of a Keras LSTM with sigmoid gates and tanh activations (gate order i, f, c, o),
 * all n sequences advanced together so each step is one (n × units)·(units × 4units) product.
 * `at[s·steps + step]` is the offset of that step's input projection in `proj`.
 */
function lstmKernel(proj: Float64Array, at: Int32Array, n: number, steps: number, units: number, rec: Linear, out: Float64Array, seq: boolean): void {
  const g4 = 4 * units, h = new Float64Array(n * units), c = new Float64Array(n * units), g = new Float64Array(n * g4);
  for (let step = 0; step < steps; step++) {
    for (let s = 0; s < n; s++) g.set(proj.subarray(at[s * steps + step], at[s * steps + step] + g4), s * g4);
    if (step > 0) rec.apply(h, n, g, true);
    for (let s = 0; s < n; s++) {
      const gs = s * g4, hs = s * units;
      for (let j = 0; j < units; j++) {
        const i = fastSigmoid(g[gs + j]), f = fastSigmoid(g[gs + units + j]), o = fastSigmoid(g[gs + 3 * units + j]);
        const cj = f * c[hs + j] + i * fastTanh(g[gs + 2 * units + j]);
        c[hs + j] = cj;
        h[hs + j] = o * fastTanh(cj);
      }
      if (seq) out.set(h.subarray(hs, hs + units), (s * steps + step) * units);
    }
  }
  if (!seq) out.set(h);
}

/** lstmKernel on the wasm kernels: gates, cell and hidden state stay in wasm memory (float32). */
function lstmKernelWasm(k: WasmKernels, proj: Float64Array, at: Int32Array, n: number, steps: number, units: number, rec: Linear, out: Float64Array, seq: boolean): void {
  const g4 = 4 * units, m = k.mark();
  const gOff = k.alloc(n * g4), hOff = k.alloc(n * units), cOff = k.alloc(n * units);
  const g = k.view(gOff, n * g4), h = k.view(hOff, n * units);
  h.fill(0); k.view(cOff, n * units).fill(0);
  for (let step = 0; step < steps; step++) {
    for (let s = 0; s < n; s++) g.set(proj.subarray(at[s * steps + step], at[s * steps + step] + g4), s * g4);
    if (step > 0) k.gemmAt(hOff, n, units, rec.onWasm!.w, rec.onWasm!.b, g4, gOff, true);
    k.lstmCellAt(gOff, cOff, hOff, n, units);
    if (seq) for (let s = 0; s < n; s++) out.set(h.subarray(s * units, (s + 1) * units), (s * steps + step) * units);
  }
  if (!seq) out.set(h);
  k.release(m);
}

function lstm(x: Value, starts: number[], t: number, input: Linear, rec: Linear, cfg: KerasLayer["config"]): Value {
  if (x.kind === "vec") throw new FastForwardUnsupported("an LSTM over a 2-D value");
  const units = rec.cIn, g4 = 4 * units;
  // Input projection x·W + b, once per distinct input vector.
  const proj = dense(x, input, null);
  const n = x.kind === "rows" ? starts.length : x.n;
  const steps = x.kind === "rows" ? t : x.t;
  const at = new Int32Array(n * steps);
  const rowOf = x.kind === "rows" ? (s: number, step: number) => starts[s] + step : x.kind === "repeat" ? (s: number) => s : (s: number, step: number) => s * steps + step;
  for (let s = 0; s < n; s++) for (let step = 0; step < steps; step++) at[s * steps + step] = rowOf(s, step) * g4;
  const seq = cfg.return_sequences === true;
  const out = new Float64Array(seq ? n * steps * units : n * units);
  const k = rec.onWasm?.kernels;
  if (k && units % 4 === 0) lstmKernelWasm(k, proj.data, at, n, steps, units, rec, out, seq);
  else lstmKernel(proj.data, at, n, steps, units, rec, out, seq);
  return seq ? { kind: "seq", n, t: steps, c: units, data: out } : { kind: "vec", n, c: units, data: out };
}

/** Materialises a value as per-slice sequences (n × t × c). */
function asSeq(v: Value, starts: number[], t: number): Extract<Value, { kind: "seq" }> {
  if (v.kind === "seq") return v;
  if (v.kind === "vec") throw new FastForwardUnsupported("a 2-D value where a sequence is expected");
  const n = v.kind === "rows" ? starts.length : v.n, c = v.c, out = new Float64Array(n * t * c);
  for (let s = 0; s < n; s++)
    for (let step = 0; step < t; step++) {
      const from = v.kind === "rows" ? (starts[s] + step) * c : s * c;
      out.set(v.data.subarray(from, from + c), (s * t + step) * c);
    }
  return { kind: "seq", n, t, c, data: out };
}

function concat(parts: Value[], starts: number[], t: number): Value {
  const same = parts.every((p) => p.kind === parts[0].kind && vectors(p) === vectors(parts[0]));
  const vs = same ? parts : parts.map((p) => asSeq(p, starts, t));
  const n = vectors(vs[0]), c = vs.reduce((a, p) => a + p.c, 0), out = new Float64Array(n * c);
  let o0 = 0;
  for (const p of vs) {
    const d = p.data, pc = p.c;
    for (let i = 0; i < n; i++) for (let j = 0; j < pc; j++) out[i * c + o0 + j] = d[i * pc + j];
    o0 += pc;
  }
  return withData(vs[0], c, out);
}

export interface FastModel {
  /** Reconstruction of the slices of `rows` (n × cols, rescaled) starting at `starts`, each
   * `length` rows long: starts.length × length × cols values. */
  forward(rows: Float64Array, cols: number, starts: number[], length: number): Float64Array;
}

const SUPPORTED = new Set(["InputLayer", "BatchNormalization", "Dense", "Dropout", "LayerNormalization", "LSTM", "GaussianNoise", "RepeatVector", "Concatenate"]);

/**
 * Throws FastForwardUnsupported when the config uses something these loops do not cover.
 * `simd: false` keeps every product in float64 JavaScript (the reference the tests compare with).
 */
export function fastModel(config: KerasModelConfig, weights: Float32Array[], opts: { simd?: boolean } = {}): FastModel {
  const specs = weightSpecs(config);
  const byLayer = new Map<string, Float64Array[]>();
  specs.forEach((s, i) => byLayer.set(s.layer, [...(byLayer.get(s.layer) ?? []), Float64Array.from(weights[i])]));
  const wasm = opts.simd !== false && wasmSimdAvailable() ? new WasmKernels() : undefined;
  const linear = new Map<string, Linear[]>();
  for (const l of config.config.layers) {
    const w = byLayer.get(l.name) ?? [], shape = (i: number) => specs.find((s) => s.layer === l.name && s.path.endsWith(`vars/${i}`))!.shape;
    if (l.class_name === "Dense") linear.set(l.name, [new Linear(w[0], shape(0)[0], shape(0)[1], w[1], wasm)]);
    if (l.class_name === "LSTM") linear.set(l.name, [new Linear(w[0], shape(0)[0], shape(0)[1], w[2], wasm), new Linear(w[1], shape(1)[0], shape(1)[1], undefined, wasm)]);
  }
  for (const l of config.config.layers) {
    if (!SUPPORTED.has(l.class_name)) throw new FastForwardUnsupported(`layer class ${l.class_name}`);
    if (l.class_name === "Dense") activation(l.config.activation);
    const axis = l.config.axis;
    if (l.class_name === "LayerNormalization" && !(Array.isArray(axis) ? axis.length === 1 : typeof axis === "number"))
      throw new FastForwardUnsupported("LayerNormalization over more than one axis");
    if (l.class_name === "LSTM" && (l.config.go_backwards || l.config.stateful || l.config.use_bias === false
      || (l.config.activation ?? "tanh") !== "tanh" || (l.config.recurrent_activation ?? "sigmoid") !== "sigmoid"))
      throw new FastForwardUnsupported("an LSTM other than tanh/sigmoid with bias");
    if (l.class_name === "Dense" && l.config.use_bias === false) throw new FastForwardUnsupported("Dense without bias");
    if (l.class_name === "Concatenate" && ![-1, 2].includes(l.config.axis ?? -1)) throw new FastForwardUnsupported("Concatenate on an inner axis");
  }
  const outName = config.config.output_layers[0][0];
  return {
    forward(allRows, cols, allStarts, length) {
      if (allStarts.length === 0) return new Float64Array(0);
      // Only the rows some slice covers go through the row-wise layers.
      const lo = Math.min(...allStarts), hi = Math.max(...allStarts) + length;
      const rows = allRows.subarray(lo * cols, hi * cols), starts = allStarts.map((s) => s - lo);
      const values = new Map<string, Value>();
      for (const l of config.config.layers) {
        const c = l.config, w = byLayer.get(l.name) ?? [];
        const ins = l.inbound_nodes[0]?.map(([name]) => values.get(name)!) ?? [];
        let v: Value;
        switch (l.class_name) {
          case "InputLayer": v = { kind: "rows", n: rows.length / cols, c: cols, data: rows }; break;
          case "Dense": v = dense(ins[0], linear.get(l.name)![0], activation(c.activation)); break;
          case "BatchNormalization": {
            const scale = c.scale !== false, center = c.center !== false;
            const [gamma, beta, mean, variance] = [scale ? w[0] : undefined, center ? w[scale ? 1 : 0] : undefined, w[w.length - 2], w[w.length - 1]];
            v = normalize(ins[0], gamma, beta, c.epsilon, mean, variance);
            break;
          }
          case "LayerNormalization": {
            const scale = c.scale !== false;
            v = normalize(ins[0], scale ? w[0] : undefined, c.center !== false ? w[scale ? 1 : 0] : undefined, c.epsilon);
            break;
          }
          case "LSTM": v = lstm(ins[0], starts, length, linear.get(l.name)![0], linear.get(l.name)![1], c); break;
          case "RepeatVector": {
            const x = ins[0];
            if (x.kind !== "vec") throw new FastForwardUnsupported("RepeatVector of a sequence");
            v = { kind: "repeat", n: x.n, t: c.n, c: x.c, data: x.data };
            break;
          }
          case "Concatenate": v = concat(ins, starts, length); break;
          default: v = ins[0]; // Dropout, GaussianNoise: identity at inference
        }
        values.set(l.name, v);
      }
      return asSeq(values.get(outName)!, starts, length).data;
    },
  };
}
