import { test } from "uvu";
import * as assert from "uvu/assert";
import { chooseMetric } from "./metric-choice";

const rows = (...results: Record<string, number>[]) => results.map((result, i) => ({ timestamp: `2024-01-01T00:0${i}:00Z`, result }));

test("monitors, then the configured metric, then the first field", () => {
  assert.is(chooseMetric(rows({ pkts: 1, bytes: 2, monitors: 3 }), "bytes"), "monitors");
  assert.is(chooseMetric(rows({ pkts: 1, bytes: 2 }), "bytes"), "bytes");
  assert.is(chooseMetric(rows({ pkts: 1, flows: 2 }), "bytes"), "pkts");
});

test("no fields, or a metric missing in a later row, is a 400 naming it", () => {
  assert.throws(() => chooseMetric(rows({}), "bytes"), (e: Error & { status?: number }) => e.status === 400 && /no result fields/.test(e.message));
  assert.throws(() => chooseMetric(rows({ bytes: 1 }, { pkts: 2 }), "bytes"), (e: Error & { status?: number }) => e.status === 400 && /"bytes" is missing in row 1/.test(e.message));
});

test.run();
