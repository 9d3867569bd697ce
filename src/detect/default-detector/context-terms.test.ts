// The context terms computed apart give the detector's scores bit for bit: stepWithContext fed
// contextTerms' columns scores as coreStep does, and judgeSeries with a helper answers as without
// one (an in-thread helper here; the traffic API's thread: src/traffic/context-pool.test.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../rng";
import { judgeSeries } from "../series-judgement";
import { contextTerms, newContextState, type ContextHelper, type ContextJob } from "./context-terms";
import { coreStep, DEFAULT_PARAMS, newCore, stepWithContext } from "./detector-core";

/** Minutes of a daily wave with noise, a level shift, spikes and a random-walk stretch. */
function series(n: number, seed: number) {
  const rng = new Rng(seed), values = new Float64Array(n), seconds = new Float64Array(n);
  let walk = 0;
  for (let i = 0; i < n; i++) {
    seconds[i] = Date.UTC(2024, 4, 20) / 1000 + i * 60;
    walk += i > n / 2 ? rng.nextFloat() - 0.5 : 0;
    values[i] = 1000 + 300 * Math.sin((2 * Math.PI * i) / 1440) + 40 * rng.nextFloat() + (i % 997 === 500 ? 5000 : 0) + (i > n / 3 ? 200 : 0) + 50 * walk;
  }
  return { values, seconds };
}

function columns(n: number) {
  return { novelty: new Float64Array(n), seasonal: new Float64Array(n), scale: new Float64Array(n) };
}

test("stepWithContext over contextTerms' columns scores every row as coreStep does, bit for bit", () => {
  for (const seed of [1, 2]) {
    const n = 5000, { values, seconds } = series(n, seed), out = columns(n);
    const s = newContextState(DEFAULT_PARAMS);
    for (let from = 0; from < n; from += 256) contextTerms(s, values, seconds, from, Math.min(n, from + 256), out, DEFAULT_PARAMS);
    const whole = newCore(DEFAULT_PARAMS), parted = newCore(DEFAULT_PARAMS);
    let nonzero = 0;
    for (let i = 0; i < n; i++) {
      const a = coreStep(whole, values[i]!, seconds[i]!, DEFAULT_PARAMS);
      const b = stepWithContext(parted, values[i]!, out.novelty[i]!, out.seasonal[i]!, out.scale[i]!, DEFAULT_PARAMS);
      assert.ok(Object.is(a, b), `seed ${seed}, row ${i}: ${a} vs ${b}`);
      if (a > 0) nonzero++;
    }
    assert.ok(nonzero > 1000, `${nonzero} rows scored above 0`);
  }
});

/** A helper that computes the terms in start() on this thread; records the jobs' sizes. */
function inThreadHelper(minRows: number): ContextHelper & { jobs: number[] } {
  const jobs: number[] = [];
  return {
    jobs,
    reserve(steps: number): ContextJob | undefined {
      if (steps < minRows) return undefined;
      const job: ContextJob = {
        values: new Float64Array(steps), seconds: new Float64Array(steps), ...columns(steps),
        start: () => { jobs.push(steps); contextTerms(newContextState(DEFAULT_PARAMS), job.values, job.seconds, 0, steps, job, DEFAULT_PARAMS); },
        waitFor: () => steps,
      };
      return job;
    },
  };
}

test("judgeSeries with a helper answers as without one, rehearsed or not; the helper gets the rows in feed order", () => {
  for (const n of [1440, 5000]) {
    const { values, seconds } = series(n, 3), times = seconds.map((s) => s * 1000);
    const z = new Float64Array(n).map((_, i) => (i % 37) / 10); // some residual test flags in the learning rows
    const opts = { sensitivity: 0.95, cap: Math.ceil(0.01 * (n - 1)), residualZ: () => z, discardHistory: true };
    const helper = inThreadHelper(1);
    const plain = judgeSeries(values, times, opts), helped = judgeSeries(values, times, { ...opts, context: helper });
    assert.equal(helper.jobs, [n === 1440 ? 1080 + 1440 : n], "the rehearsed rows, then the window");
    assert.equal([...helped.scores], [...plain.scores]);
    assert.equal(helped.anomalous, plain.anomalous);
    assert.ok(plain.anomalous.some(Boolean) && plain.scores.some((s) => s > 0.5));
  }
});

test("the helper is not asked when the history is kept or continued, nor for a job it declines", () => {
  const n = 3000, { values, seconds } = series(n, 4), times = seconds.map((s) => s * 1000);
  const opts = { sensitivity: 0.95, cap: 30, residualZ: () => new Float64Array(n) };
  const helper = inThreadHelper(1);
  const kept = judgeSeries(values.subarray(0, 2000), times.subarray(0, 2000), { ...opts, context: helper });
  judgeSeries(values, times, { ...opts, discardHistory: true, context: helper }, kept.history);
  assert.equal(helper.jobs, []);
  const declining = inThreadHelper(10_000);
  const plain = judgeSeries(values, times, { ...opts, discardHistory: true });
  assert.equal([...judgeSeries(values, times, { ...opts, discardHistory: true, context: declining }).scores], [...plain.scores]);
  assert.equal(declining.jobs, []);
});

test("a value that is not finite is refused at its row with a helper as without", () => {
  const n = 3000, { values, seconds } = series(n, 5), times = seconds.map((s) => s * 1000);
  values[2500] = NaN;
  const opts = { sensitivity: 0.95, cap: 30, residualZ: () => new Float64Array(n), discardHistory: true };
  const helper = inThreadHelper(1);
  assert.throws(() => judgeSeries(values, times, opts), /finite/);
  assert.throws(() => judgeSeries(values, times, { ...opts, context: helper }), /finite/);
  assert.equal(helper.jobs, []);
});

test.run();
