// exp() for the plain-TypeScript forward pass: V8's Math.exp/Math.tanh cost 15-45 ns a call on
// this class of machine, and an LSTM step needs five per unit. Range reduction x = n·ln2 + r
// (|r| <= ln2/2, ln2 split in two parts so r is exact to ~1e-16) and a degree-9 Taylor polynomial
// give a relative error below 1e-11 (the float32 models themselves carry ~1e-7).
const LOG2E = Math.LOG2E, LN2_HI = 0.6931471803691238, LN2_LO = 1.9082149292705877e-10;
const MAX = 708; // exp(709) overflows a double
const POW2 = new Float64Array(2 * 1100 + 1).map((_, i) => 2 ** (i - 1100));

export function fastExp(x: number): number {
  if (x > MAX) return Infinity;
  if (x < -MAX) return 0;
  // Round to nearest by adding and subtracting 1.5·2^52 (cheaper than Math.round in V8).
  const n = x * LOG2E + 6755399441055744 - 6755399441055744;
  const r = x - n * LN2_HI - n * LN2_LO;
  const p = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040 + r * (1 / 40320 + r * (1 / 362880)))))))));
  return p * POW2[n + 1100];
}

export const fastSigmoid = (x: number) => 1 / (1 + fastExp(-x));

/** tanh(x) = 1 - 2/(1 + e^{2x}): absolute error ~1e-16 near 0, exact saturation at ±1. */
export const fastTanh = (x: number) => 1 - 2 / (1 + fastExp(2 * x));
