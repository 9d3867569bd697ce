// pipelineScores turns a pipeline's decisions into one score per row the way the `detect` CLI
// writes anomaly_score; results-io round-trips NAB's layout. Small in-test pipelines stand in for
// the real ones so the row mapping is checked exactly.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Decision, Pipeline } from "../../../src/detect/pipeline-types";
import type { CorpusFile } from "./corpus";
import { pipelineScores } from "./detectors";
import { readResults, resultsPath, writeResults } from "./results-io";

/** Decides the last `size` points every `size` samples, scoring each point -value/10. */
function batchOf(size: number, shiftTimestamps = false): Pipeline {
  let buf: { v: number; t: string }[] = [];
  return {
    kind: "test-batch",
    update(value, timestamp): Decision | undefined {
      buf.push({ v: value, t: timestamp });
      if (buf.length < size) return undefined;
      const d: Decision = {
        scores: buf.map((p) => -p.v / 10), labels: buf.map((p) => (p.v % 3 === 0 ? 1 : 0)),
        timestamps: buf.map((p) => (shiftTimestamps ? `${p.t}x` : p.t)), retrained: false,
      };
      buf = [];
      return d;
    },
    toJSON: () => ({ kind: "test-batch", version: 1 }),
  };
}

const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const timestamps = Array.from(values, (_, i) => `2020-01-01 00:0${i}:00`);

test("batch decisions cover their window; rows before the first and after the last decision are 0", () => {
  const { scores, labels } = pipelineScores(batchOf(4), values, timestamps);
  assert.equal([...scores], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0, 0]);
  assert.equal([...labels], [0, 0, 1, 0, 0, 1, 0, 0, 0, 0]);
});

test("a sliding pipeline (one point per decision) scores each row itself", () => {
  const { scores } = pipelineScores(batchOf(1), values, timestamps);
  assert.equal([...scores], [...values].map((v) => v / 10));
});

test("a decision for rows other than the newest is refused", () => {
  assert.throws(() => pipelineScores(batchOf(2, true), values, timestamps), /at row 1 a decision covers 2020-01-01 00:00:00x/);
});

test("results round-trip through NAB's layout; '_' in a detector name is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "nab-results-"));
  try {
    const file: CorpusFile = {
      name: "cat/f.csv", category: "cat", base: "f", timestamps, values, length: 10, windows: [[3, 5]],
    };
    const scores = new Map([["cat/f.csv", Float64Array.from(values, (v) => v / 10)]]);
    writeResults(dir, "my-det", [file], scores);
    const path = resultsPath(dir, "my-det", file);
    assert.is(path, join(dir, "my-det", "cat", "my-det_f.csv"));
    const lines = readFileSync(path, "utf8").trim().split("\n");
    assert.is(lines[0], "timestamp,value,anomaly_score,label");
    assert.is(lines[4], "2020-01-01 00:03:00,4,0.4,1");
    assert.is(lines[7], "2020-01-01 00:06:00,7,0.7,0");
    assert.equal([...readResults(dir, "my-det", [file]).get("cat/f.csv")!], [...scores.get("cat/f.csv")!]);
    assert.is(readResults(dir, "other", [file]).size, 0);
    assert.throws(() => writeResults(dir, "my_det", [file], scores), /splits file names on "_"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
