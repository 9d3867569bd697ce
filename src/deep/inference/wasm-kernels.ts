// The two hot kernels of the plain forward pass (./fast-forward.ts) in WebAssembly SIMD: scalar
// JavaScript tops out near 1 GMAC/s and 12 ns per exp() here, f32x4 lanes do several times that.
// The module is assembled below from its opcodes (no toolchain, no binary blob in the repo):
//   gemm(x, n, cIn, w, b, cOut, out, acc):  out[i, j] = (acc ? out[i, j] : 0) + b[j] + Σk x[i, k]·w[k, j]
//     cOut a multiple of 8 (each inner step updates 8 outputs from one broadcast x value);
//   gelu(p, count): GELU in place (erf form, as Keras and tfjs);
//   lstm_cell(g, c, h, n, units):  for each of n rows, gates g = [i f c̃ o] (4·units) ->
//     c = σ(f)·c + σ(i)·tanh(c̃), h = σ(o)·tanh(c)   (Keras' LSTM cell; units a multiple of 4);
// all float32, row-major, byte offsets into the module's memory. exp() is Cephes' expf
// (range reduction by ln 2, degree-6 polynomial, 2^n built in the exponent bits): relative
// error ~1e-7, like float32 itself.

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) { out.push(byte); return out; }
    out.push(byte | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const str = (s: string) => vec([...s].map((c) => [c.charCodeAt(0)]));

// Opcodes (WebAssembly core 2.0 with fixed-width SIMD).
const get = (i: number) => [0x20, ...leb(i)], set = (i: number) => [0x21, ...leb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const ADD = 0x6a, MUL = 0x6c, SHL = 0x74, LT_U = 0x49, EQZ = 0x45;
const BLOCK = [0x02, 0x40], LOOP = [0x03, 0x40], IF = [0x04, 0x40], END = 0x0b;
const br = (d: number) => [0x0c, ...leb(d)], brIf = (d: number) => [0x0d, ...leb(d)];
const f32Load = [0x2a, 2, 0];
const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
const v128Load = (offset: number) => simd(0x00, 0, ...leb(offset));
const v128Store = (offset: number) => simd(0x0b, 0, ...leb(offset));
const F32X4_SPLAT = simd(0x13), F32X4_ADD = simd(0xe4), F32X4_MUL = simd(0xe6);

// Params 0..7: x n cIn w b cOut out acc; locals 8 i, 9 j, 10 k (i32), 11 a0, 12 a1, 13 xs (v128).
const [X, N, CIN, W, B, COUT, OUT, ACC, I, J, K, A0, A1, XS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
/** base + (row·stride + col)·4 */
const addr = (base: number, row: number, stride: number, col: number) =>
  [...get(base), ...get(row), ...get(stride), MUL, ...get(col), ADD, ...i32(2), SHL, ADD];
const loopWhile = (counter: number, limit: number, body: number[], step: number) => [
  ...i32(0), ...set(counter),
  ...BLOCK, ...LOOP,
  ...get(counter), ...get(limit), LT_U, EQZ, ...brIf(1),
  ...body,
  ...get(counter), ...i32(step), ADD, ...set(counter), ...br(0),
  END, END,
];

const kBody = [
  ...addr(X, I, CIN, K), ...f32Load, ...F32X4_SPLAT, ...set(XS),
  ...get(A0), ...get(XS), ...addr(W, K, COUT, J), ...v128Load(0), ...F32X4_MUL, ...F32X4_ADD, ...set(A0),
  ...get(A1), ...get(XS), ...addr(W, K, COUT, J), ...v128Load(16), ...F32X4_MUL, ...F32X4_ADD, ...set(A1),
];
const jBody = [
  ...get(B), ...get(J), ...i32(2), SHL, ADD, ...v128Load(0), ...set(A0),
  ...get(B), ...get(J), ...i32(2), SHL, ADD, ...v128Load(16), ...set(A1),
  ...get(ACC), ...IF,
  ...get(A0), ...addr(OUT, I, COUT, J), ...v128Load(0), ...F32X4_ADD, ...set(A0),
  ...get(A1), ...addr(OUT, I, COUT, J), ...v128Load(16), ...F32X4_ADD, ...set(A1),
  END,
  ...loopWhile(K, CIN, kBody, 1),
  ...addr(OUT, I, COUT, J), ...get(A0), ...v128Store(0),
  ...addr(OUT, I, COUT, J), ...get(A1), ...v128Store(16),
];
const gemmCode = [...vec([[3, 0x7f], [3, 0x7b]]), ...loopWhile(I, N, loopWhile(J, COUT, jBody, 8), 1), END];

// lstm_cell: params 0 g, 1 c, 2 h, 3 n, 4 units; locals 5 s, 6 j, 7 uBytes, 8 baseG, 9 baseC,
// 10 baseH (i32); 11..19 v128 temporaries.
const v128Const = (v: number) => simd(0x0c, ...Array.from(new Uint8Array(new Float32Array([v, v, v, v]).buffer)));
const F32X4_SUB = simd(0xe5), F32X4_DIV = simd(0xe7), F32X4_MIN = simd(0xe8), F32X4_MAX = simd(0xe9), F32X4_NEG = simd(0xe1);
const F32X4_NEAREST = simd(0x6a), I32X4_TRUNC_SAT_F32X4_S = simd(0xf8), I32X4_ADD = simd(0xae), I32X4_SHL = simd(0xab), I32X4_SPLAT = simd(0x11);
const [G, C, H, CN, UNITS, S, J2, UB, BG, BC, BH] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const [VX, VT, VR, VI, VF, VC, VO, VN] = [11, 12, 13, 14, 15, 16, 17, 18];
/** exp of the f32x4 on the stack, left on the stack (uses VX, VT, VR). */
const expTop = [
  ...v128Const(88), ...F32X4_MIN, ...v128Const(-88), ...F32X4_MAX, ...set(VX),
  ...get(VX), ...v128Const(Math.LOG2E), ...F32X4_MUL, ...F32X4_NEAREST, ...set(VT),
  ...get(VX), ...get(VT), ...v128Const(0.693359375), ...F32X4_MUL, ...F32X4_SUB,
  ...get(VT), ...v128Const(-2.12194440e-4), ...F32X4_MUL, ...F32X4_SUB, ...set(VR),
  // p = ((((((c5·r + c4)·r + c3)·r + c2)·r + c1)·r + c0)·r² + r + 1
  ...v128Const(1.9875691500e-4), ...get(VR), ...F32X4_MUL, ...v128Const(1.3981999507e-3), ...F32X4_ADD,
  ...get(VR), ...F32X4_MUL, ...v128Const(8.3334519073e-3), ...F32X4_ADD,
  ...get(VR), ...F32X4_MUL, ...v128Const(4.1665795894e-2), ...F32X4_ADD,
  ...get(VR), ...F32X4_MUL, ...v128Const(1.6666665459e-1), ...F32X4_ADD,
  ...get(VR), ...F32X4_MUL, ...v128Const(5.0000001201e-1), ...F32X4_ADD,
  ...get(VR), ...F32X4_MUL, ...get(VR), ...F32X4_MUL, ...get(VR), ...F32X4_ADD, ...v128Const(1), ...F32X4_ADD,
  // · 2^t: (t + 127) << 23 is the float32 bit pattern of 2^t
  ...get(VT), ...I32X4_TRUNC_SAT_F32X4_S, ...i32(127), ...I32X4_SPLAT, ...I32X4_ADD, ...i32(23), ...I32X4_SHL, ...F32X4_MUL,
];
/** σ(v) = 1/(1 + e^−v) of the f32x4 on the stack. */
const sigmoidTop = [...F32X4_NEG, ...expTop, ...v128Const(1), ...F32X4_ADD, ...set(VN), ...v128Const(1), ...get(VN), ...F32X4_DIV];
/** tanh(v) = 1 − 2/(1 + e^2v) of the f32x4 on the stack. */
const tanhTop = [...v128Const(2), ...F32X4_MUL, ...expTop, ...v128Const(1), ...F32X4_ADD, ...set(VN),
  ...v128Const(1), ...v128Const(2), ...get(VN), ...F32X4_DIV, ...F32X4_SUB];
const gateAt = (k: number) => [...get(BG), ...(k ? [...get(UB), ...i32(k), MUL, ADD] : []), ...v128Load(0)];
const cellBody = [
  ...get(G), ...get(S), ...get(UNITS), ...i32(4), MUL, MUL, ...get(J2), ADD, ...i32(2), SHL, ADD, ...set(BG),
  ...get(C), ...get(S), ...get(UNITS), MUL, ...get(J2), ADD, ...i32(2), SHL, ADD, ...set(BC),
  ...get(H), ...get(S), ...get(UNITS), MUL, ...get(J2), ADD, ...i32(2), SHL, ADD, ...set(BH),
  ...gateAt(0), ...sigmoidTop, ...set(VI),
  ...gateAt(1), ...sigmoidTop, ...set(VF),
  ...gateAt(2), ...tanhTop, ...set(VC),
  ...gateAt(3), ...sigmoidTop, ...set(VO),
  ...get(BC), ...get(VF), ...get(BC), ...v128Load(0), ...F32X4_MUL, ...get(VI), ...get(VC), ...F32X4_MUL, ...F32X4_ADD, ...set(VC), ...get(VC), ...v128Store(0),
  ...get(BH), ...get(VO), ...get(VC), ...tanhTop, ...F32X4_MUL, ...v128Store(0),
];
const cellCode = [...vec([[6, 0x7f], [8, 0x7b]]),
  ...get(UNITS), ...i32(2), SHL, ...set(UB),
  ...loopWhile(S, CN, loopWhile(J2, UNITS, cellBody, 4), 1), END];

// gelu(p, count): in place, x·Φ(x) = 0.5·(x + |x|·erf(|x|/√2)) with erf by Abramowitz & Stegun
// 7.1.26 as tfjs computes it; count a multiple of 4. Params 0 p, 1 count; locals 2 i (i32),
// 11.. reused v128 temporaries (VX, VT, VR of expTop; 14 x, 15 a, 16 t).
const [GP, GCOUNT, GI] = [0, 1, 2];
const [GX, GA, GTT] = [14, 15, 16];
const ERF = [0.3275911, 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
const F32X4_ABS = simd(0xe0);
const geluBody = [
  ...get(GP), ...get(GI), ...i32(2), SHL, ADD, ...v128Load(0), ...set(GX),
  ...get(GX), ...F32X4_ABS, ...v128Const(Math.SQRT1_2), ...F32X4_MUL, ...set(GA), // a = |x|/√2
  ...v128Const(1), ...v128Const(1), ...get(GA), ...v128Const(ERF[0]), ...F32X4_MUL, ...F32X4_ADD, ...F32X4_DIV, ...set(GTT), // t = 1/(1 + p·a)
  ...v128Const(ERF[5]), ...get(GTT), ...F32X4_MUL, ...v128Const(ERF[4]), ...F32X4_ADD,
  ...get(GTT), ...F32X4_MUL, ...v128Const(ERF[3]), ...F32X4_ADD,
  ...get(GTT), ...F32X4_MUL, ...v128Const(ERF[2]), ...F32X4_ADD,
  ...get(GTT), ...F32X4_MUL, ...v128Const(ERF[1]), ...F32X4_ADD,
  ...get(GTT), ...F32X4_MUL, // poly(t)·t
  ...get(GA), ...get(GA), ...F32X4_MUL, ...F32X4_NEG, ...expTop, ...F32X4_MUL, // ·exp(−a²)
  ...set(GTT), ...v128Const(1), ...get(GTT), ...F32X4_SUB, // erf(a) = 1 − poly·exp
  ...get(GX), ...F32X4_ABS, ...F32X4_MUL, ...get(GX), ...F32X4_ADD, ...v128Const(0.5), ...F32X4_MUL, ...set(GA),
  ...get(GP), ...get(GI), ...i32(2), SHL, ADD, ...get(GA), ...v128Store(0),
];
const geluCode = [...vec([[9, 0x7f], [8, 0x7b]]), ...loopWhile(GI, GCOUNT, geluBody, 4), END];

const moduleBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([
    [0x60, ...vec(Array.from({ length: 8 }, () => [0x7f])), 0x00], // gemm: (i32 ×8) -> ()
    [0x60, ...vec(Array.from({ length: 5 }, () => [0x7f])), 0x00], // lstm_cell: (i32 ×5) -> ()
    [0x60, ...vec([[0x7f], [0x7f]]), 0x00], // gelu: (i32 ×2) -> ()
  ])),
  ...section(2, vec([[...str("e"), ...str("m"), 0x02, 0x00, 0x01]])), // import memory e.m, min 1 page
  ...section(3, vec([[0x00], [0x01], [0x02]])),
  ...section(7, vec([[...str("gemm"), 0x00, 0x00], [...str("lstm_cell"), 0x00, 0x01], [...str("gelu"), 0x00, 0x02]])),
  ...section(10, vec([[...leb(gemmCode.length), ...gemmCode], [...leb(cellCode.length), ...cellCode], [...leb(geluCode.length), ...geluCode]])),
]);

// The WebAssembly global as far as used here (this project's TypeScript lib has no DOM types).
interface WasmMemory { buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => WasmMemory;
}
// Looked up when used, not at module load: the executable initialises modules while building its
// startup snapshot, where V8 has no WebAssembly global yet (build/build.mjs).
const wa = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;
export const wasmSimdAvailable = (): boolean => {
  try { compiled ??= new (wa().Module)(moduleBytes); return true; } catch { return false; }
};

/**
 * The kernels with their own memory: weights copied in once (`weights`), working buffers taken
 * with `alloc` between `mark` and `release`. Float32 throughout: about 1e-6 relative to float64.
 */
export class WasmKernels {
  private memory = new (wa().Memory)({ initial: 16 });
  private readonly gemmFn: (...a: number[]) => void;
  private readonly cellFn: (...a: number[]) => void;
  private readonly geluFn: (...a: number[]) => void;
  private top = 0;

  constructor() {
    compiled ??= new (wa().Module)(moduleBytes);
    const { exports } = new (wa().Instance)(compiled, { e: { m: this.memory } });
    this.gemmFn = exports.gemm as (...a: number[]) => void;
    this.cellFn = exports.lstm_cell as (...a: number[]) => void;
    this.geluFn = exports.gelu as (...a: number[]) => void;
  }

  /** Reserves `floats` float32 (16-byte aligned); returns the byte offset. Views made before may
   * be detached by the growth: take views after allocating. */
  alloc(floats: number): number {
    const offset = this.top;
    this.top += Math.ceil((floats * 4) / 16) * 16;
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / 65536));
    return offset;
  }

  mark(): number { return this.top; }
  release(mark: number): void { this.top = mark; }

  view(offset: number, floats: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, floats);
  }

  /** Copies `values` into memory that stays (weights); returns its byte offset. */
  weights(values: ArrayLike<number>): number {
    const offset = this.alloc(values.length);
    this.view(offset, values.length).set(values);
    return offset;
  }

  gemmAt(x: number, n: number, cIn: number, w: number, b: number, cOut: number, out: number, accumulate: boolean): void {
    this.gemmFn(x, n, cIn, w, b, cOut, out, accumulate ? 1 : 0);
  }

  lstmCellAt(g: number, c: number, h: number, n: number, units: number): void {
    this.cellFn(g, c, h, n, units);
  }

  /**
   * out (n × cOut, float64) = x (n × cIn)·W + b (+ out when accumulate), then GELU when asked,
   * through scratch memory. W and b are `cOutPad` wide (a multiple of 8); only the first `cOut`
   * columns are copied out (accumulate needs cOut = cOutPad).
   */
  gemm(x: Float64Array, n: number, cIn: number, w: number, b: number, cOutPad: number, out: Float64Array, accumulate: boolean, gelu = false, cOut = cOutPad): void {
    const m = this.mark();
    const xOff = this.alloc(n * cIn), outOff = this.alloc(n * cOutPad);
    this.view(xOff, n * cIn).set(x.subarray(0, n * cIn));
    if (accumulate) this.view(outOff, n * cOutPad).set(out.subarray(0, n * cOutPad));
    this.gemmAt(xOff, n, cIn, w, b, cOutPad, outOff, accumulate);
    if (gelu) this.geluFn(outOff, n * cOutPad);
    const o = this.view(outOff, n * cOutPad);
    if (cOut === cOutPad) out.set(o);
    else for (let i = 0; i < n; i++) for (let j = 0; j < cOut; j++) out[i * cOut + j] = o[i * cOutPad + j];
    this.release(m);
  }
}
