// How random-walk-like a series is: the variance ratio of Lo & MacKinlay (1988, "Stock market
// prices do not follow random walks: evidence from a simple specification test", Rev. Financial
// Studies 1(1)),
//   VR(k) = Var(x_t - x_{t-k}) / (k Var(x_t - x_{t-1})),
// about 1 for a random walk (its increments add up), about 2 Var(x) / (k Var(step)) << 1 for a
// stationary series (its k-step differences are no wider than its range), above 1 for a series
// whose steps persist (a trend, a smooth swing). The variances are exponentially weighted moments
// (memory `memoryRows`), so the state is the last k values and a few numbers.

export interface VarianceRatioParams {
  /** k, the lag of the long difference. */
  lag: number;
  /** Effective memory of the moments, in rows. */
  memoryRows: number;
}

export interface VarianceRatioState {
  /** The last `lag` values (a ring once full; pos is the oldest). */
  ring: number[];
  pos: number;
  /** Steps seen (values - 1). */
  n: number;
  mean1: number;
  var1: number;
  meanK: number;
  varK: number;
}

export function newVarianceRatio(): VarianceRatioState {
  return { ring: [], pos: 0, n: 0, mean1: 0, var1: 0, meanK: 0, varK: 0 };
}

/** Feeds one value. */
export function varianceRatioStep(s: VarianceRatioState, x: number, p: VarianceRatioParams): void {
  const full = s.ring.length === p.lag;
  const previous = s.ring.length === 0 ? x : s.ring[(s.pos + s.ring.length - 1) % s.ring.length];
  if (s.ring.length > 0) {
    s.n++;
    const a = Math.max(1 / s.n, 1 / p.memoryRows);
    const e1 = x - previous - s.mean1;
    s.mean1 += a * e1;
    s.var1 = (1 - a) * (s.var1 + a * e1 * e1);
  }
  if (!full) {
    s.ring.push(x);
    return;
  }
  const b = Math.max(1 / (s.n - p.lag + 1), 1 / p.memoryRows);
  const eK = x - s.ring[s.pos] - s.meanK;
  s.meanK += b * eK;
  s.varK = (1 - b) * (s.varK + b * eK * eK);
  s.ring[s.pos] = x;
  s.pos = (s.pos + 1) % p.lag;
}

/** The random-walk test statistic: (VR(k) - 1) over its standard error under the random-walk
 * hypothesis, sqrt(2 (2k - 1)(k - 1) / (3 k n)) (Lo & MacKinlay 1988, overlapping differences),
 * with n the steps seen, at most memoryRows; |z| < 1.96 is a walk by the 5 % test. A series too
 * short for a long difference, or one that has not moved, counts as VR 0 (stationary). */
export function randomWalkZ(s: VarianceRatioState, p: VarianceRatioParams): number {
  const k = p.lag;
  const vr = s.n >= k && s.var1 > 0 ? s.varK / (k * s.var1) : 0;
  const n = Math.max(1, Math.min(s.n, p.memoryRows));
  return (vr - 1) / Math.sqrt((2 * (2 * k - 1) * (k - 1)) / (3 * k * n));
}
