// Seasonal residual: the value against a time-of-day and time-of-week profile (an exponentially
// weighted mean per slot), scaled by the exponentially weighted mean absolute residual. Catches
// values that are ordinary in size but wrong for the hour or the weekday (a quiet Monday morning,
// a holiday). Slots are at least 5 minutes wide, so a week needs at most 2016 slots.

export interface SeasonalParams {
  /** Smoothing of each slot's mean. */
  slotAlpha: number;
  scaleAlpha: number;
  /** Smoothing of the fallback level (used for slots not seen yet). */
  levelAlpha: number;
  /** Rows used to measure the sampling interval. */
  learningRows: number;
}

export interface SeasonalState {
  n: number;
  lastTime: number;
  /** Smallest positive time step seen while learning (seconds; 0 = none yet). */
  step: number;
  /** 0 until learned. */
  slotSeconds: number;
  /** Per slot of the week and of the day: the profile, and whether the slot was seen (1). */
  week: Float64Array;
  weekSeen: Uint8Array;
  day: Float64Array;
  daySeen: Uint8Array;
  level: number;
  scale: number;
}

const DAY = 86400, WEEK = 7 * DAY, MIN_SLOT = 300;

export function newSeasonal(): SeasonalState {
  return { n: 0, lastTime: 0, step: 0, slotSeconds: 0, week: new Float64Array(0), weekSeen: new Uint8Array(0), day: new Float64Array(0), daySeen: new Uint8Array(0), level: 0, scale: 0 };
}

/** Feeds one value at `time` (seconds since the epoch, UTC; a non-finite time counts as the
 * previous one); returns the signed residual / scale. */
export function seasonalStep(s: SeasonalState, x: number, time: number, p: SeasonalParams): number {
  s.n++;
  const t = Number.isFinite(time) ? time : s.lastTime;
  const dt = s.n === 1 ? 0 : t - s.lastTime;
  s.lastTime = t;
  if (s.n === 1) s.level = x;
  else s.level += p.levelAlpha * (x - s.level);
  if (s.slotSeconds === 0) {
    if (dt > 0 && (s.step === 0 || dt < s.step)) s.step = dt;
    if (s.n < p.learningRows) return 0;
    s.slotSeconds = Math.max(MIN_SLOT, s.step);
    const w = Math.ceil(WEEK / s.slotSeconds), d = Math.ceil(DAY / s.slotSeconds);
    s.week = new Float64Array(w); s.weekSeen = new Uint8Array(w);
    s.day = new Float64Array(d); s.daySeen = new Uint8Array(d);
  }
  // Slots count from the epoch (a Thursday); any fixed origin works for a weekly profile.
  const ws = Math.floor((((t % WEEK) + WEEK) % WEEK) / s.slotSeconds) % s.week.length;
  const ds = Math.floor((((t % DAY) + DAY) % DAY) / s.slotSeconds) % s.day.length;
  const predicted = s.weekSeen[ws] ? s.week[ws] : s.daySeen[ds] ? s.day[ds] : s.level;
  const err = x - predicted;
  const e = Math.abs(err);
  const scale = s.scale > 0 ? s.scale : e > 0 ? e : 1;
  const raw = err / scale;
  s.scale += Math.max(1 / (s.n - p.learningRows + 1), p.scaleAlpha) * (e - s.scale);
  s.week[ws] = s.weekSeen[ws] ? s.week[ws] + p.slotAlpha * (x - s.week[ws]) : x;
  s.weekSeen[ws] = 1;
  s.day[ds] = s.daySeen[ds] ? s.day[ds] + p.slotAlpha * (x - s.day[ds]) : x;
  s.daySeen[ds] = 1;
  return raw;
}
