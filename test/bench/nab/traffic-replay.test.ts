// replayPolling: which rows each request covers and which answer decides each row (the newest
// rows not decided before, strictly causally), checked with a judge that records its windows.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { replayPolling, type TrafficVerdict } from "./traffic-replay";

/** 0..n-1 as values, "t<i>" as timestamps. */
function series(n: number) {
  return { values: Float64Array.from({ length: n }, (_, i) => i), timestamps: Array.from({ length: n }, (_, i) => `t${i}`) };
}

test("requests every step over the trailing window; each row takes the first answer that covers it", () => {
  const { values, timestamps } = series(23);
  const windows: number[][] = [];
  let request = 0;
  const judge = (v: Float64Array, t: string[]): TrafficVerdict => {
    windows.push([...v]);
    assert.equal(t, [...v].map((x) => `t${x}`), "timestamps travel with their values");
    const r = ++request;
    // Score each row with the request's number (/100) so the deciding request can be read back.
    return { anomalous: [...v].map((x) => x % 2 === 0), scores: [...v].map(() => r / 100) };
  };
  const out = replayPolling(judge, values, timestamps, { window: 8, step: 5 });
  assert.equal(windows.map((w) => [w[0], w.at(-1)]), [[0, 4], [2, 9], [7, 14], [12, 19], [15, 22]], "ends 5, 10, 15, 20 and the last row; at most 8 rows");
  const decidedBy = [...out.scores].map((s) => Math.round(s * 100));
  assert.equal(decidedBy, [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5]);
  assert.equal([...out.labels], [...values].map((x) => (x % 2 === 0 ? 1 : 0)));
});

test("without a score in the answer, the decision is the score", () => {
  const { values, timestamps } = series(10);
  const out = replayPolling((v) => ({ anomalous: [...v].map((x) => x === 3 || x === 7) }), values, timestamps, { window: 4, step: 2 });
  assert.equal([...out.scores], [0, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
  assert.equal([...out.labels], [0, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
});

test.run();
