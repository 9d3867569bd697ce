// Standard normal distribution functions in double precision, computed as scipy's `ndtr` computes
// them, so the p-values of Mann-Kendall and Wilcoxon round like the originals: cephes' erf and
// erfc (Cephes Math Library 2.2, ndtr.c, by Stephen L. Moshier; in scipy as
// scipy/special/cephes/ndtr.c, now xsf/cephes/ndtr.h), fixed rational approximations with the
// coefficients published there, evaluated in the same order. No loop runs to convergence: the
// traffic model's likelihood calls normalSf once per row.

const SQRT1_2 = Math.SQRT1_2;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** ln(DBL_MAX) (cephes' MAXLOG): e^(-x^2) underflows to 0 for x^2 beyond it. */
const MAXLOG = 7.09782712893383996843e2;

// erf(x) = x T(x^2) / U(x^2) for |x| <= 1 (U's leading coefficient, 1, left out).
const T = [9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3, 7.00332514112805075473e3, 5.55923013010394962768e4];
const U = [3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3, 2.26290000613890934246e4, 4.92673942608635921086e4];
// erfc(x) = e^(-x^2) P(x) / Q(x) for 1 <= x < 8, e^(-x^2) R(x) / S(x) for x >= 8 (Q, S monic).
const P = [
  2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0, 4.86371970985681366614e1, 1.96520832956077098242e2,
  5.26445194995477358631e2, 9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2,
];
const Q = [
  1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2, 9.75708501743205489753e2, 1.82390916687909736289e3,
  2.24633760818710981792e3, 1.65666309194161350182e3, 5.57535340817727675546e2,
];
const R = [5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0, 6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0];
const S = [2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1, 1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0];

/** c[0] x^n + ... + c[n] by Horner's rule (cephes' polevl). */
function polevl(x: number, c: readonly number[]): number {
  let y = c[0]!;
  for (let i = 1; i < c.length; i++) y = y * x + c[i]!;
  return y;
}

/** x^n + c[0] x^(n-1) + ... + c[n-1]: a monic polynomial (cephes' p1evl). */
function p1evl(x: number, c: readonly number[]): number {
  let y = x + c[0]!;
  for (let i = 1; i < c.length; i++) y = y * x + c[i]!;
  return y;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  if (x > 1) return 1 - erfc(x);
  const z = x * x;
  return (x * polevl(z, T)) / p1evl(z, U);
}

export function erfc(a: number): number {
  if (Number.isNaN(a)) return NaN;
  const x = Math.abs(a);
  if (x < 1) return 1 - erf(a);
  const z = -a * a;
  if (z < -MAXLOG) return a < 0 ? 2 : 0;
  const e = Math.exp(z);
  const y = x < 8 ? (e * polevl(x, P)) / p1evl(x, Q) : (e * polevl(x, R)) / p1evl(x, S);
  return a < 0 ? 2 - y : y;
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
