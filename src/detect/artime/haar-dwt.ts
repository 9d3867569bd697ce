// The full-depth orthogonal Haar wavelet transform as ARTime computes it (Wavelets.jl
// `dwt(x, wavelet(WT.haar))`, periodic boundary): for a length n = 2^L the output is
// [a_L, d_L, d_{L-1} (2 values), ..., d_1 (n/2 values)], where each level maps pairs
// (s_{2k-1}, s_{2k}) of the previous scaling coefficients to a = h·s_{2k-1} + h·s_{2k} and
// d = h·s_{2k} − h·s_{2k-1}, with h the filter tap [1, 1]/√2 after Wavelets.jl's l2 normalisation.
// Products are rounded before the sum, as the filter loop there does, so the values are
// bit-identical to Julia's.

/** Wavelets.jl stores the Haar tap as 0.7071067811865475 and divides it by the filter's 2-norm
 * sqrt(2·tap²) = 0.9999999999999999, which gives this double. */
export const HAAR_TAP = 0.7071067811865475 / Math.sqrt(2 * 0.7071067811865475 * 0.7071067811865475);

/** Writes the transform of `x` (length a power of two) to `out`; `scratch` holds n/2 values. */
export function haarDwt(x: Float64Array, out: Float64Array, scratch: Float64Array): void {
  const n = x.length;
  let s: Float64Array = x;
  for (let half = n >> 1; half >= 1; half >>= 1) {
    for (let k = 0; k < half; k++) {
      const odd = HAAR_TAP * s[2 * k];
      const even = HAAR_TAP * s[2 * k + 1];
      out[half + k] = even - odd;
      out[k] = odd + even;
    }
    if (half > 1) {
      scratch.set(out.subarray(0, half));
      s = scratch;
    }
  }
}
