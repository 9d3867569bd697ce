// Upper tail of the standard normal, Q(z) = erfc(z / sqrt 2) / 2, accurate to ~1e-7 relative
// everywhere (Chebyshev fit of erfc, Numerical Recipes 2nd ed. §6.2), so that its logarithm is
// usable far into the tail (HTM's log-likelihood reads down to Q ≈ 1e-10).

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function upperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
