// The default model with the context pool's thread answers as without it, bit for bit, and the
// pool declines what it should (small windows, windows beyond its columns, a job it has not
// finished).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../detect/rng";
import { defaultTrafficModel } from "../detect/shallow-model";
import { ContextPool } from "./context-pool";

function series(n: number, seed: number) {
  const rng = new Rng(seed), values = new Float64Array(n), times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = Date.UTC(2024, 4, 20) + i * 60_000;
    values[i] = 1e6 + 3e5 * Math.sin((2 * Math.PI * i) / 1440) + 4e4 * rng.nextFloat() + (i % 50 === 25 ? 8e5 : 0);
  }
  return { values, times };
}

const settings = { contamination: 0.01, sensitivity: 0.95 };

test("judged with the pool's thread, every window answers as without it", async () => {
  const pool = new ContextPool({ takeBack: false }); // the thread computes every job
  try {
    assert.ok(await pool.ready());
    const plain = defaultTrafficModel(settings), helped = defaultTrafficModel(settings, pool);
    // a week of minutes; 2,500 rows, rehearsed (4,375 fed rows); 5,000, not rehearsed; a day of
    // minutes (2,520 fed rows: fewer than MIN_CONTEXT_ROWS), on the request's thread
    for (const [n, seed, jobs] of [[10_080, 1, 1], [2500, 2, 1], [5000, 3, 1], [1440, 4, 0]] as const) {
      const { values, times } = series(n, seed);
      const started = pool.counts.started;
      const a = plain.judgeColumn(values, times), b = helped.judgeColumn(values, times);
      assert.is(pool.counts.started, started + jobs, `${n} rows: ${jobs} job`);
      assert.equal(Array.from(b.scores), Array.from(a.scores), `${n} rows`);
      assert.equal(b.anomalous, a.anomalous);
      assert.equal(Array.from(b.expected), Array.from(a.expected));
    }
    assert.equal(pool.counts, { started: 3, takenBack: 0, finishedHere: 0 });
  } finally {
    await pool.close();
  }
});

test("with take-back (the service's pool), the answers are the same whichever thread computes a job", async () => {
  const pool = new ContextPool();
  try {
    assert.ok(await pool.ready());
    const plain = defaultTrafficModel(settings), helped = defaultTrafficModel(settings, pool);
    const { values, times } = series(10_080, 5);
    const a = plain.judgeColumn(values, times);
    for (let i = 0; i < 20; i++) assert.equal(Array.from(helped.judgeColumn(values, times).scores), Array.from(a.scores));
    // Fewer than 20 jobs when the thread was still on one the request's thread ran again (a stall).
    assert.ok(pool.counts.started > 0);
    console.log(`NOTE: ${pool.counts.started} jobs of 20, ${pool.counts.takenBack} taken back, ${pool.counts.finishedHere} run again here after a stall`);
  } finally {
    await pool.close();
  }
  assert.is(pool.reserve(5000), undefined, "closed");
});

test("the pool declines windows below its minimum and beyond its columns, and starts its thread on the first it could take", async () => {
  const pool = new ContextPool({ minRows: 100, capacity: 1000 });
  try {
    assert.is(pool.reserve(99), undefined);
    assert.is(pool.reserve(1001), undefined);
    assert.is(pool.reserve(500), undefined, "the first: the thread is only starting");
    assert.ok(await pool.ready());
    const job = pool.reserve(500)!;
    assert.ok(job);
    const { values, times } = series(500, 4);
    job.values.set(values); job.seconds.set(times.map((t) => t / 1000));
    job.start();
    assert.is(pool.reserve(500), undefined, "a job in progress");
    assert.is(job.waitFor(499), 500);
    assert.ok(pool.reserve(500), "free again once the job is done");
  } finally {
    await pool.close();
  }
});

test.run();
