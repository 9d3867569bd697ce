import { test } from "uvu";
import * as assert from "uvu/assert";
import { StateCache } from "./state-cache";
import { MAX_SNAPSHOT_SAMPLES, MIN_SNAPSHOT_SAMPLES, snapshotInterval } from "./state-layout";

test("the cache evicts least recently used entries while over budget, never the one just set", () => {
  const c = new StateCache<{ bytes: number }>(100);
  c.set("a", { bytes: 40 });
  c.set("b", { bytes: 40 });
  assert.ok(c.get("a")); // a is now the most recently used
  c.set("c", { bytes: 40 });
  assert.is(c.get("b"), undefined, "b was least recently used");
  assert.ok(c.get("a") && c.get("c"));
  assert.is(c.bytes, 80);
  c.set("huge", { bytes: 500 });
  assert.is(c.size, 1, "an entry over the budget alone is kept alone");
  assert.is(c.bytes, 500);
  assert.is(c.evictions, 3);
  c.delete("huge");
  assert.is(c.bytes, 0);
});

test("snapshots come when the journal is about as large as the states, within the bounds", () => {
  assert.is(snapshotInterval(0, 3), MIN_SNAPSHOT_SAMPLES);
  assert.is(snapshotInterval(102 * 1000, 3), 1000);
  assert.is(snapshotInterval(1e9, 3), MAX_SNAPSHOT_SAMPLES);
});

test.run();
