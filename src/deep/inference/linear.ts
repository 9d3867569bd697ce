// A dense layer's affine map x·W + b for the plain forward pass: on WebAssembly SIMD
// (./wasm-kernels.ts, float32) when the engine has SIMD, else in float64 JavaScript.
import type { WasmKernels } from "./wasm-kernels";

/**
 * out (n × cOut) = x (n × cIn) · W (+ b, + out when `accumulate`), W given transposed
 * (wT: cOut × cIn). Four outputs at a time share each load of x (register blocking), about 2.5×
 * the speed of the plain loop in V8.
 */
function gemmBias(x: Float64Array, n: number, cIn: number, wT: Float64Array, b: Float64Array | undefined, cOut: number, out: Float64Array, accumulate = false): void {
  const j4 = cOut - (cOut % 4);
  for (let i = 0; i < n; i++) {
    const xi = i * cIn, o = i * cOut;
    for (let j = 0; j < j4; j += 4) {
      const w0 = j * cIn, w1 = w0 + cIn, w2 = w1 + cIn, w3 = w2 + cIn;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = 0; k < cIn; k++) {
        const xv = x[xi + k];
        a0 += xv * wT[w0 + k];
        a1 += xv * wT[w1 + k];
        a2 += xv * wT[w2 + k];
        a3 += xv * wT[w3 + k];
      }
      if (b) { a0 += b[j]; a1 += b[j + 1]; a2 += b[j + 2]; a3 += b[j + 3]; }
      if (accumulate) { a0 += out[o + j]; a1 += out[o + j + 1]; a2 += out[o + j + 2]; a3 += out[o + j + 3]; }
      out[o + j] = a0; out[o + j + 1] = a1; out[o + j + 2] = a2; out[o + j + 3] = a3;
    }
    for (let j = j4; j < cOut; j++) {
      let a = b ? b[j] : 0;
      for (let k = 0, w = j * cIn; k < cIn; k++) a += x[xi + k] * wT[w + k];
      out[o + j] = accumulate ? out[o + j] + a : a;
    }
  }
}

/** A row-major (rows × cols) matrix transposed. */
function transpose(w: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}

export class Linear {
  private readonly wT: Float64Array;
  /** Where W and b sit in the wasm kernels' memory (columns padded with zeros to `cOutPad`, a
   * multiple of 8), when this map runs there. */
  readonly onWasm?: { kernels: WasmKernels; w: number; b: number; cOutPad: number };

  /** `w`: cIn × cOut, row-major (Keras' kernel layout); `b`: cOut or none. */
  constructor(w: Float64Array, readonly cIn: number, readonly cOut: number, private readonly b: Float64Array | undefined, wasm?: WasmKernels) {
    this.wT = transpose(w, cIn, cOut);
    if (!wasm) return;
    const cOutPad = Math.ceil(cOut / 8) * 8;
    const wPad = new Float64Array(cIn * cOutPad), bPad = new Float64Array(cOutPad);
    for (let k = 0; k < cIn; k++) wPad.set(w.subarray(k * cOut, (k + 1) * cOut), k * cOutPad);
    if (b) bPad.set(b);
    this.onWasm = { kernels: wasm, w: wasm.weights(wPad), b: wasm.weights(bPad), cOutPad };
  }

  /** out (n × cOut) = x (n × cIn)·W + b, plus out's previous values when `accumulate`. */
  apply(x: Float64Array, n: number, out: Float64Array, accumulate = false): void {
    const wa = this.onWasm;
    if (wa && (!accumulate || wa.cOutPad === this.cOut)) wa.kernels.gemm(x, n, this.cIn, wa.w, wa.b, wa.cOutPad, out, accumulate, false, this.cOut);
    else gemmBias(x, n, this.cIn, this.wT, this.b, this.cOut, out, accumulate);
  }

  /** apply() then GELU on wasm; false (nothing done) when this map does not run there. */
  applyGeluOnWasm(x: Float64Array, n: number, out: Float64Array): boolean {
    const wa = this.onWasm;
    if (!wa) return false;
    wa.kernels.gemm(x, n, this.cIn, wa.w, wa.b, wa.cOutPad, out, false, true, this.cOut);
    return true;
  }
}
