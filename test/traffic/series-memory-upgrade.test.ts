// Series memory across releases: a series stored by the previous release (its SQLite file,
// test/fixtures/series-memory-e5d83d7/) loads and continues: the next poll feeds only the rows
// after the stored ones and keeps the stored decisions.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fixturePath } from "../support/fixtures";
import { configSchema } from "../../src/config";
import { Rng } from "../../src/detect/rng";
import { defaultTrafficModel } from "../../src/detect/shallow-model";
import { judgeRemembered, SeriesMemory } from "../../src/traffic/series-memory";

const settings = configSchema.parse({}).ShallowOutliers;

/** The series the fixture's README describes: 1,600 one-minute rows, the fixture holds the first 1,440. */
function fixtureSeries() {
  const rng = new Rng(11);
  const timestamps: string[] = [], values: number[] = [];
  for (let i = 0; i < 1600; i++) {
    timestamps.push(new Date(Date.UTC(2024, 4, 20) + i * 60_000).toISOString());
    values.push(100 + 20 * Math.sin(i / 50) + 5 * rng.nextFloat() + (i % 700 === 650 ? 200 : 0));
  }
  return { timestamps, values };
}

test("a series stored by the previous release continues: only newer rows are fed, stored decisions kept", () => {
  const dir = mkdtempSync(join(tmpdir(), "series-memory-"));
  try {
    const file = join(dir, "traffic-series.sqlite");
    copyFileSync(fixturePath("series-memory-e5d83d7/traffic-series.sqlite"), file);
    const memory = SeriesMemory.open(file, { maxSeries: settings.memory_series, maxBytes: settings.memory_bytes });
    const stored = memory.recall("series-1");
    assert.ok(stored, "the stored history loads");
    assert.is(stored!.times.length, 1440);
    const { timestamps, values } = fixtureSeries();
    const decision = judgeRemembered(defaultTrafficModel(settings), memory, "series-1", values.slice(160), timestamps.slice(160));
    assert.is(decision.fed, 160, "the 160 rows after the stored ones");
    // The previous release flagged rows 650 and 1350 (the spikes); those decisions stand.
    assert.equal(decision.anomalous.slice(0, 1280).flatMap((a, i) => (a ? [i + 160] : [])), [650, 1350]);
    assert.equal([...decision.scores.slice(0, 1280)], [...stored!.scores.slice(160)]);
    // The new rows are judged by the stored detector, continued.
    for (let i = 1440; i < 1600; i++) assert.ok(Math.abs(decision.scores[i - 160]! - stored!.pipeline.scoreAt(values[i]!, Date.parse(timestamps[i]!) / 1000)) <= 5e-5, `row ${i}`);
    assert.is(memory.recall("series-1")!.times.length, 1600);
    memory.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
