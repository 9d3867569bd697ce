// The batch pipelines against the retrain traces of golden/drift_decisions.json
// (MKWIForestBatchPipeline / MKWKIForestBatchPipeline of kalman-mk-iforest).
// test/fixtures/golden/README.md §4: the retrain sequence does not depend on the forest's
// randomness and must match exactly.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readGolden } from "../../test/support/golden";
import { createPipeline } from "./pipeline-registry";

interface Trace { stream: string; pipeline: string; window_size: number; n_windows: number; drift_window_indices: number[]; x?: number[] }
const traces = readGolden("drift_decisions.json").pipeline_traces as Trace[];
const streams = new Map(traces.filter((t) => t.x).map((t) => [t.stream, t.x!]));

test("all 8 retrain traces, window by window", () => {
  assert.is(traces.length, 8);
  for (const t of traces) {
    const x = streams.get(t.stream)!;
    const kalman = t.pipeline === "MKWKIForestBatchPipeline";
    const p = createPipeline({ kind: "batch", kalman, window: t.window_size });
    const retrainedAt: number[] = [];
    let windows = 0;
    x.forEach((v, i) => {
      const d = p.update(v, `t${i}`);
      if (!d) return;
      assert.is(d.scores.length, t.window_size);
      if (windows === 0) assert.ok(d.retrained, "window 0 is the first training");
      else if (d.retrained) retrainedAt.push(windows);
      windows++;
    });
    assert.is(windows, t.n_windows, `${t.stream} ${t.pipeline} windows`);
    assert.equal(retrainedAt, t.drift_window_indices, `${t.stream} ${t.pipeline}`);
  }
});

test("a window's decision covers exactly its own samples, in order", () => {
  const p = createPipeline({ kind: "batch", kalman: false, window: 8 });
  const out: string[] = [];
  for (let i = 0; i < 40; i++) {
    const d = p.update(Math.sin(i), `ts-${i}`);
    if (d) {
      assert.is(d.timestamps.length, 8);
      out.push(...d.timestamps);
    }
  }
  assert.equal(out, Array.from({ length: 40 }, (_, i) => `ts-${i}`));
});

test.run();
