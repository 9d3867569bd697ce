// numpy's `around` (round half to even), which the original drift detector applies to the
// window differences: np.around(v, 3) = rint(v * 1000) / 1000. JS Math.round rounds halves up
// and toFixed works on the decimal expansion, so neither matches.

/** IEEE rint: nearest integer, halves to the even neighbour; keeps the sign of zero. */
export function rintHalfEven(y: number): number {
  const r = Math.round(y); // halves go towards +Infinity here
  // r - y is exact for |y| < 2^52; larger doubles are integers already.
  if (r - y === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** numpy.around(x, decimals): rint(x * 10^d) / 10^d (for d < 0: rint(x / 10^-d) * 10^-d). */
export function roundHalfEven(x: number, decimals: number): number {
  if (!Number.isInteger(decimals)) throw new RangeError(`decimals must be an integer, got ${decimals}`);
  if (decimals >= 0) {
    const scale = 10 ** decimals;
    return rintHalfEven(x * scale) / scale;
  }
  const scale = 10 ** -decimals;
  return rintHalfEven(x / scale) * scale;
}
