// judgeSeries with and without a history: a series judged in overlapping windows, each continuing
// the last one's history, scores every row as one streaming run of the default detector does;
// rows seen before keep their decision; the history survives its JSON form.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DefaultDetectorPipeline } from "./default-detector/default-pipeline";
import { createPipeline } from "./pipeline-registry";
import { Rng } from "./rng";
import { historyFromText, historyToText } from "./series-history-json";
import { judgeSeries, newHistory, KEPT_DECISIONS, REHEARSAL_MAX_ROWS, REHEARSED_FRACTION, TRAFFIC_LEARNING_ROWS, type SeriesHistory } from "./series-judgement";

function series(n: number, seed: number) {
  const rng = new Rng(seed);
  const timestamps: string[] = [], values: number[] = [];
  for (let i = 0; i < n; i++) {
    timestamps.push(new Date(Date.UTC(2024, 4, 20) + i * 60_000).toISOString());
    values.push(100 + 20 * Math.sin(i / 50) + 5 * rng.nextFloat() + (i % 700 === 650 ? 200 : 0));
  }
  return { timestamps, values };
}

/** Residual test stand-in: z = 0 everywhere (nothing flagged by it), for windows of n rows. */
const opts = { sensitivity: 0.95, cap: 1000, residualZ: () => new Float64Array(0) };
const zeros = (n: number) => ({ ...opts, residualZ: () => new Float64Array(n) });

test("windows that continue a history score every row as one streaming run does", () => {
  const { timestamps, values } = series(2500, 1);
  // The first window (400 rows) is judged from scratch: the detector rehearses its first 300 rows.
  const stream = createPipeline({ kind: "default", learningRows: TRAFFIC_LEARNING_ROWS });
  const rehearsal = values.slice(0, 300).map((v, i) => stream.update(v, timestamps[i]!)!);
  const expected = [...rehearsal, ...values.map((v, i) => stream.update(v, timestamps[i]!)!).slice(300)];
  let history: SeriesHistory | undefined;
  const got = new Float64Array(values.length).fill(NaN), flags = new Uint8Array(values.length);
  for (let end = 400; end <= 2500; end += 37) {
    const start = Math.max(0, end - 1440);
    const j = judgeSeries(values.slice(start, end), timestamps.slice(start, end), zeros(end - start), history);
    for (let i = start; i < end; i++) if (Number.isNaN(got[i]!)) { got[i] = j.scores[i - start]!; flags[i] = j.anomalous[i - start] ? 1 : 0; }
    history = j.history;
  }
  let compared = 0;
  for (let i = 301; i < values.length && !Number.isNaN(got[i]!); i++) { // rows ≤ 300: learning, residual test
    assert.ok(Math.abs(got[i]! - expected[i]!.scores[0]!) <= 5e-5, `row ${i}: ${got[i]} vs ${expected[i]!.scores[0]}`);
    assert.is(flags[i], expected[i]!.labels[0], `row ${i}`);
    compared++;
  }
  assert.ok(compared > 2000);
  assert.ok(flags.some((f) => f === 1), "the spikes are flagged");
});

test("a fresh detector rehearses the older part of a window, then judges the newest rows with it behind them twice", () => {
  const { timestamps, values } = series(1440, 6);
  const m = Math.floor(REHEARSED_FRACTION * 1440);
  const p = new DefaultDetectorPipeline({ learningRows: TRAFFIC_LEARNING_ROWS });
  const older = values.slice(0, m).map((v, i) => p.scoreAt(v, Date.parse(timestamps[i]!) / 1000));
  const again = values.map((v, i) => p.scoreAt(v, Date.parse(timestamps[i]!) / 1000));
  const j = judgeSeries(values, timestamps, zeros(1440));
  for (let i = TRAFFIC_LEARNING_ROWS + 1; i < m; i++) assert.ok(Math.abs(j.scores[i]! - older[i]!) <= 5e-5, `row ${i}`);
  for (let i = m; i < 1440; i++) assert.ok(Math.abs(j.scores[i]! - again[i]!) <= 5e-5, `row ${i}`);
  assert.equal(j.history.pipeline.toJSON(), p.toJSON(), "the history is the detector after both passes");
  // Not rehearsed: a window whose older part is shorter than the learning period, one longer than
  // REHEARSAL_MAX_ROWS, and a series with a history (its rows are fed once).
  const plain = (v: number[], t: string[]) => {
    const q = new DefaultDetectorPipeline({ learningRows: TRAFFIC_LEARNING_ROWS });
    return v.map((x, i) => q.scoreAt(x, Date.parse(t[i]!) / 1000));
  };
  const short = series(Math.ceil(TRAFFIC_LEARNING_ROWS / REHEARSED_FRACTION) - 1, 7), long = series(REHEARSAL_MAX_ROWS + 1, 8);
  for (const s of [short, long]) {
    const got = judgeSeries(s.values, s.timestamps, zeros(s.values.length)).scores;
    const want = plain(s.values, s.timestamps);
    for (let i = TRAFFIC_LEARNING_ROWS + 1; i < s.values.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 5e-5, `${s.values.length} rows, row ${i}`);
  }
});

test("the cap keeps the detector components' alarms first, then its warm-up guard's, then the residual test's", () => {
  const { timestamps, values } = series(1440, 9);
  values[1400] = 1e4; // the detector alarms on the newest rows
  values[200] = 1e4; // and its warm-up guard (rows 101-310) on an old one
  const z = new Float64Array(1440);
  for (let i = 0; i < 5; i++) z[20 + i] = 50; // five rows in the learning period the residual test flags, scores 1
  const judged = (cap: number) => judgeSeries(values, timestamps, { ...opts, cap, residualZ: () => z });
  const flagged = (cap: number) => judged(cap).anomalous.flatMap((a, i) => (a ? [i] : []));
  const all = flagged(1000), components = all.filter((i) => i > 310);
  assert.ok(components.includes(1400));
  assert.equal(all, [20, 21, 22, 23, 24, 200, ...components]);
  const scores = judged(1000).scores;
  assert.ok(scores[200]! > scores[1400]! && scores[20]! > scores[200]!, "the guard's alarm scores above the components', the residual test's above both");
  assert.equal(flagged(components.length), components, "stand-ins' scores do not push the components' alarms out");
  assert.equal(flagged(components.length + 1), [200, ...components], "then the guard's");
  assert.equal(flagged(components.length + 3), [20, 21, 200, ...components], "then the residual test's, by score and z, earlier first");
});

test("rows seen before keep their decision: a repeated window gets the same answer, and the detector is not fed twice", () => {
  const { timestamps, values } = series(1500, 2);
  const first = judgeSeries(values, timestamps, zeros(1500));
  const again = judgeSeries(values, timestamps, zeros(1500), first.history);
  assert.equal([...again.scores], [...first.scores]);
  assert.equal(again.anomalous, first.anomalous);
  assert.equal(again.history.pipeline.toJSON(), first.history.pipeline.toJSON(), "no row fed again");
  // Changed values of old rows do not change their decision (they were judged when new).
  const edited = values.slice();
  edited[1000] = 1e6;
  assert.equal([...judgeSeries(edited, timestamps, zeros(1500), first.history).scores], [...first.scores]);
});

test("older rows copy the decision stored for their time, also where a window left rows out (their place from the end is then another row's)", () => {
  const { timestamps, values } = series(1500, 6);
  const first = judgeSeries(values, timestamps, zeros(1500));
  const stored = new Map(timestamps.map((t, i) => [t, first.scores[i]!]));
  const keep = timestamps.map((_, i) => i).filter((i) => i < 1400 && (i < 300 || i >= 340)); // a gap, the newest 100 left out
  const window = judgeSeries(keep.map((i) => values[i]!), keep.map((i) => timestamps[i]!), zeros(keep.length), first.history);
  assert.is(window.fed, 0);
  keep.forEach((i, j) => assert.is(window.scores[j], stored.get(timestamps[i]!), `row ${i}`));
});

test("the history's JSON text continues identically; at most KEPT_DECISIONS decisions are kept", () => {
  const { timestamps, values } = series(KEPT_DECISIONS + 500, 3);
  const a = judgeSeries(values.slice(0, 2000), timestamps.slice(0, 2000), zeros(2000));
  const restored = historyFromText(historyToText(a.history));
  const rest = [values.slice(1000), timestamps.slice(1000)] as const;
  const direct = judgeSeries(rest[0], rest[1], zeros(rest[0].length), a.history);
  const viaText = judgeSeries(rest[0], rest[1], zeros(rest[0].length), restored);
  assert.equal([...viaText.scores], [...direct.scores]);
  assert.is(direct.history.times.length, KEPT_DECISIONS);
  assert.equal([...direct.history.times], timestamps.slice(-KEPT_DECISIONS).map((t) => Date.parse(t)), "the newest, in order");
  assert.equal([...direct.history.scores.slice(-100)], [...direct.scores.slice(-100)]);
  assert.throws(() => historyFromText('{"version": 99}'), /version 99/);
});

test("rows out of time order or older than the history and unknown to it take the residual test", () => {
  const { timestamps, values } = series(600, 4);
  const first = judgeSeries(values.slice(300), timestamps.slice(300), zeros(300));
  const z = new Float64Array(600);
  z[10] = 50; // one row the residual test finds far out
  const j = judgeSeries(values, timestamps, { ...opts, residualZ: () => z }, first.history);
  assert.ok(j.anomalous[10] && j.scores[10] === 1);
  assert.equal([...j.scores.slice(300)], [...first.scores]);
});

/** The series with the times of rows [from, from + n) set to that of row `to` (a repeated time
 * when `to` is the row before `from`, times that go back when it is older). */
function retimed(s: { timestamps: string[]; values: number[] }, from: number, n: number, to: number) {
  const timestamps = s.timestamps.slice();
  const at = Date.parse(s.timestamps[to]!);
  for (let i = 0; i < n; i++) timestamps[from + i] = new Date(at + (to === from - 1 ? 0 : i * 60_000)).toISOString();
  return { timestamps, values: s.values };
}

test("a time repeated in the series, or times that go back: every row is fed once, in order, as one streaming run", () => {
  // NAB's 2014-03-09 03:00 (12 rows at one time) and machine_temperature_system_failure (12 rows
  // whose times repeat the previous hour's), at rows the polls' windows end within.
  const { timestamps, values } = retimed(retimed(series(2500, 10), 1200, 11, 1199), 1800, 12, 1788);
  const first = judgeSeries(values.slice(0, 400), timestamps.slice(0, 400), zeros(400));
  const stream = DefaultDetectorPipeline.restore(first.history.pipeline.toJSON());
  const expected = values.map((v, i) => (i < 400 ? NaN : stream.scoreAt(v, Date.parse(timestamps[i]!) / 1000)));
  let history = first.history;
  const got = new Float64Array(values.length).fill(NaN);
  for (let end = 405; end <= 2500; end = Math.min(end + 5, 2500)) {
    const start = Math.max(0, end - 1440);
    const j = judgeSeries(values.slice(start, end), timestamps.slice(start, end), zeros(end - start), history);
    for (let i = Math.max(400, start); i < end; i++) if (Number.isNaN(got[i]!)) got[i] = j.scores[i - start]!;
    history = j.history;
    if (end === 2500) break;
  }
  for (let i = 400; i < values.length; i++) assert.ok(Math.abs(got[i]! - expected[i]!) <= 5e-5, `row ${i}: ${got[i]} vs ${expected[i]}`);
  assert.equal(history.pipeline.toJSON(), stream.toJSON(), "each row fed exactly once");
});

test("a repeated time at a window's end: the same window again feeds nothing, more rows at that time are fed", () => {
  const { timestamps, values } = retimed(series(1500, 11), 1400, 100, 1399);
  const first = judgeSeries(values.slice(0, 1420), timestamps.slice(0, 1420), zeros(1420));
  const again = judgeSeries(values.slice(0, 1420), timestamps.slice(0, 1420), zeros(1420), first.history);
  assert.is(again.fed, 0);
  assert.equal([...again.scores], [...first.scores]);
  const more = judgeSeries(values.slice(10, 1423), timestamps.slice(10, 1423), zeros(1413), first.history);
  assert.is(more.fed, 3, "three more rows at 1399's time");
  assert.equal([...more.scores.slice(0, 1410)], [...first.scores.slice(10)], "older rows keep their decisions, by place");
});

test("judged from scratch, rows at a repeated time are fed like the others", () => {
  const { timestamps, values } = retimed(series(1440, 12), 1200, 20, 1199);
  const m = Math.floor(REHEARSED_FRACTION * 1440);
  const p = newHistory().pipeline;
  for (let i = 0; i < m; i++) p.scoreAt(values[i]!, Date.parse(timestamps[i]!) / 1000);
  const again = values.map((v, i) => p.scoreAt(v, Date.parse(timestamps[i]!) / 1000));
  const j = judgeSeries(values, timestamps, zeros(1440));
  assert.is(j.fed, 1440);
  for (let i = m; i < 1440; i++) assert.ok(Math.abs(j.scores[i]! - again[i]!) <= 5e-5, `row ${i}`);
});

test("the detector's scoreAt/learned/isOutlier (used here) give what update() gives, bit for bit", () => {
  const { timestamps, values } = series(1200, 5);
  const a = new DefaultDetectorPipeline(), b = new DefaultDetectorPipeline();
  for (let i = 0; i < values.length; i++) {
    const learned = b.learned;
    const d = a.update(values[i]!, timestamps[i]!);
    const score = b.scoreAt(values[i]!, Date.parse(timestamps[i]!) / 1000);
    assert.ok(Object.is(score, d.scores[0]), `row ${i}`);
    assert.is(b.isOutlier(score) ? 1 : 0, d.labels[0]);
    if (d.retrained) assert.not.ok(learned, "the row that ends learning is still a learning row");
  }
  assert.equal(b.toJSON(), a.toJSON());
});

test("a discarded history: the same decisions, the kept decisions not built", () => {
  const { timestamps, values } = series(1500, 3);
  const kept = judgeSeries(values, timestamps, zeros(values.length));
  const discarded = judgeSeries(values, timestamps, { ...zeros(values.length), discardHistory: true });
  assert.equal([...discarded.scores], [...kept.scores]);
  assert.equal(discarded.anomalous, kept.anomalous);
  assert.is(discarded.fed, kept.fed);
  assert.is(kept.history.times.length, values.length);
  assert.is(discarded.history.times.length, 0);
});

test.run();
