// Prediction-error surprise: the value against an exponentially weighted level, scaled by the
// exponentially weighted mean absolute error. Two uses: a fast level (one-step prediction; the raw
// is log(1 + |error| / scale), a compressed magnitude whose spread the likelihood then calibrates)
// and a slow level (the raw is the signed error / scale, whose short average reveals level shifts).

export interface ResidualParams {
  /** Smoothing of the level (the prediction). */
  levelAlpha: number;
  /** Smoothing of the error scale. */
  scaleAlpha: number;
  /** Signed error / scale instead of log(1 + |error| / scale). */
  signed: boolean;
}

export interface ResidualState {
  n: number;
  level: number;
  scale: number;
}

export function newResidual(): ResidualState {
  return { n: 0, level: 0, scale: 0 };
}

export function residualStep(s: ResidualState, x: number, p: ResidualParams): number {
  s.n++;
  if (s.n === 1) { s.level = x; return 0; }
  const err = x - s.level;
  const e = Math.abs(err);
  const scale = s.scale > 0 ? s.scale : e > 0 ? e : 1;
  const raw = p.signed ? err / scale : Math.log1p(e / scale);
  s.scale += Math.max(1 / s.n, p.scaleAlpha) * (e - s.scale);
  s.level += Math.max(1 / s.n, p.levelAlpha) * err;
  return raw;
}
