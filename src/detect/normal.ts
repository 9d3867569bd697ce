// Standard normal distribution functions with double precision, shaped like scipy's
// `ndtr` (cephes) so the p-values of Mann-Kendall and Wilcoxon round like the originals.

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const SQRT1_2 = Math.SQRT1_2;

/** erf by its everywhere-convergent series with positive terms,
 * erf(x) = 2/sqrt(pi) e^(-x^2) sum_n (2x^2)^n x / (2n+1)!!  (Abramowitz & Stegun 7.1.6). */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/** erfc for x >= 2 by its continued fraction (A&S 7.1.14), evaluated with modified Lentz. */
function erfcContinuedFraction(x: number): number {
  // erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    D = x + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  return x < 2 ? erfSeries(x) : 1 - erfcContinuedFraction(x);
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x >= 27) return 0;
  return x < 2 ? 1 - erfSeries(x) : erfcContinuedFraction(x);
}

/** Phi(a), computed as scipy's ndtr does (erf near 0, erfc in the tails). */
export function normalCdf(a: number): number {
  const x = a * SQRT1_2;
  const z = Math.abs(x);
  if (z < SQRT1_2) return 0.5 + 0.5 * erf(x);
  const y = 0.5 * erfc(z);
  return x > 0 ? 1 - y : y;
}

/** 1 - Phi(a) without cancellation (scipy's norm.sf = ndtr(-a)). */
export function normalSf(a: number): number {
  return normalCdf(-a);
}

/** Phi^-1(p) for p in (0, 1), by Newton steps on the tail probability (accurate to ~1 ulp). */
export function normalPpf(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  if (p < 0.5) return -normalPpf(1 - p);
  const tail = 1 - p;
  // Solve sf(x) = tail from x = 0: sf is convex and decreasing for x >= 0, so Newton from the
  // left approaches the root monotonically.
  let x = 0;
  for (let i = 0; i < 200; i++) {
    const pdf = Math.exp(-0.5 * x * x) * ONE_OVER_SQRT_PI * SQRT1_2;
    const step = (normalSf(x) - tail) / pdf;
    x += step;
    if (Math.abs(step) <= 1e-16 * Math.max(1, x)) break;
  }
  return x;
}
