// Anomaly likelihood (Ahmad et al. 2017, "Unsupervised real-time anomaly detection for streaming
// data", Neurocomputing 262, §4.2): turns any raw surprise into a calibrated score. The raw values
// are averaged over a short window; a Gaussian is fitted to the long-run history of those averages;
// the score is how far into the upper tail the current average lies, on a log scale:
//   score = -ln(Q(z) + 1e-10) / ln(1e10)   (Q = normal upper tail),
// so 0.5 means a tail probability of 1e-5 and 1 means 1e-10. We keep the long-run mean and variance
// as exponentially weighted moments (O(1) memory, no 8640-row window) instead of HTM's re-fit.
import { normalSf } from "../normal";

export interface LikelihoodParams {
  /** Raw values averaged (HTM: 10). */
  shortWindow: number;
  /** Effective memory of the long-run moments, in rows. */
  longMemory: number;
  /** Rows before any score is given (the moments are still settling). */
  learningRows: number;
  /** Floor on the standard deviation of the averages, in raw units (HTM: sqrt(0.0003)). */
  minStd: number;
  /** Score deviations below the mean too (for signed raw values). */
  twoSided: boolean;
}

export interface LikelihoodState {
  ring: number[];
  pos: number;
  sum: number;
  n: number;
  mean: number;
  variance: number;
}

export function newLikelihood(p: LikelihoodParams): LikelihoodState {
  return { ring: new Array(p.shortWindow).fill(0), pos: 0, sum: 0, n: 0, mean: 0, variance: 0 };
}

const LOG_1E10 = Math.log(1e10);

/** Raw values are clipped to ±this, far beyond any real surprise, to keep the moments finite. */
const MAX_RAW = 1e6;

/** Feeds one raw value; returns the score in [0, 1] (0 while learning). */
export function likelihoodStep(s: LikelihoodState, rawValue: number, p: LikelihoodParams): number {
  const raw = Math.max(-MAX_RAW, Math.min(MAX_RAW, rawValue));
  s.sum += raw - s.ring[s.pos];
  s.ring[s.pos] = raw;
  s.pos = (s.pos + 1) % s.ring.length;
  s.n++;
  const avg = s.sum / Math.min(s.n, s.ring.length);
  let score = 0;
  if (s.n > p.learningRows) {
    const std = Math.max(Math.sqrt(s.variance), p.minStd);
    const z = p.twoSided ? Math.abs(avg - s.mean) / std : (avg - s.mean) / std;
    score = z <= 0 ? 0 : -Math.log(normalSf(z) + 1e-10) / LOG_1E10;
  }
  // Welford-style update, with the weight floored at 1/longMemory (EW moments once warmed up).
  const a = Math.max(1 / s.n, 1 / p.longMemory);
  const d = avg - s.mean;
  s.mean += a * d;
  s.variance = (1 - a) * (s.variance + a * d * d);
  return score;
}
