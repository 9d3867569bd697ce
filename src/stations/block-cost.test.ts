import { test } from "uvu";
import * as assert from "uvu/assert";
import { pipelineNameList } from "../detect/pipeline-registry";
import { blockCostMs, loadCostMs, overLimitMessage, sampleCostUs, samplesByVariable } from "./block-cost";

test("every pipeline has a cost; windows between the measured ones are interpolated", () => {
  for (const name of pipelineNameList) for (const w of [8, 100, 4096]) assert.ok(sampleCostUs(name, w) > 0, `${name} at ${w}`);
  assert.is(sampleCostUs("sliding", 4096), 6500);
  assert.is(sampleCostUs("sliding", 8), 150);
  assert.is(sampleCostUs("sliding", 2560), (2800 + 6500) / 2);
  assert.ok(sampleCostUs("kalman-sliding", 4096) > sampleCostUs("kalman-batch", 4096) * 100);
});

test("issue 17's heavy block (256 variables, sliding at 4096, 200 samples) costs minutes; the README's block next to nothing", () => {
  const heavy = new Map(Array.from({ length: 256 }, (_, i) => [`v${i}`, { pipelineName: "sliding", window: 4096 }] as const));
  const ms = blockCostMs(new Map([...heavy.keys()].map((k) => [k, 200])), heavy);
  assert.is(ms, 256 * 200 * 6.5); // 333 s; measured 110-120 s on the machine: an upper estimate
  const readme = new Map([["temp", { pipelineName: "kalman-batch", window: 32 }]]);
  assert.ok(blockCostMs(new Map([["temp", 10]]), readme) < 1);
  // a variable the block does not name costs nothing
  assert.is(blockCostMs(new Map(), heavy), 0);
});

test("the refusal gives the estimate, the limit and the block size that fits", () => {
  assert.match(overLimitMessage(332_800, 200, 256, 10_000), /200 samples of 256 variables would take about 332800 ms .* max_block_cpu_ms = 10000; send it as blocks of at most 6 samples/);
  assert.match(overLimitMessage(20_000, 1, 256, 10_000), /even for one sample; initialize the station with fewer variables, shorter windows or a cheaper pipeline/);
});

test("samples are counted per variable; a sample may name only some variables", () => {
  const counts = samplesByVariable([
    { timestamp: "2021-01-01 00:00:00", values: [["a", 1], ["b", 2]] },
    { timestamp: "2021-01-01 00:01:00", values: [["a", 3]] },
  ]);
  assert.equal([...counts], [["a", 2], ["b", 1]]);
});

test("loading a station costs its journal replayed through every variable", () => {
  const vars = new Map([["x", { pipelineName: "sliding", window: 8 }], ["y", { pipelineName: "default", window: 32 }]]);
  assert.is(loadCostMs(100, vars), (100 * (150 + 65)) / 1000);
  assert.is(loadCostMs(0, vars), 0, "nothing journaled: nothing to replay");
});

test.run();
