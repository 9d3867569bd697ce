// The 1-D Kalman filter of the original pipelines: filterpy KalmanFilter(dim_x=1, dim_z=1) with
// Q = 0.001, F = H = 1, R = 1 (filterpy's default eye(1)), x0 = 0, P0 = 1; each sample runs
// predict() then update(z). The operations are done in filterpy's order (Joseph-form covariance
// update) so the results are bit-identical to the original.

/** The whole filter state; plain JSON. */
export interface KalmanState {
  x: number;
  P: number;
}

const Q = 0.001;
const R = 1;

export function initialKalmanState(): KalmanState {
  return { x: 0, P: 1 };
}

/** One predict + update step; mutates `state` and returns the filtered value. The Kalman gain
 * of the step is written to `gain.K` when `gain` is given. */
export function kalmanStep(state: KalmanState, z: number, gain?: { K: number }): number {
  // predict: x = F x, P = F P F' + Q
  let P = state.P + Q;
  // update: S = H P H' + R, K = P H' S^-1, x += K (z - H x), P = (I-KH) P (I-KH)' + K R K'
  const S = P + R;
  const K = P * (1 / S);
  const x = state.x + K * (z - state.x);
  P = ((1 - K) * P) * (1 - K) + K * R * K;
  state.x = x;
  state.P = P;
  if (gain) gain.K = K;
  return x;
}

/** Filters a whole series from x0 = 0, P0 = 1. */
export function kalmanFilter1d(values: ArrayLike<number>): number[] {
  const state = initialKalmanState();
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = kalmanStep(state, values[i]);
  return out;
}
