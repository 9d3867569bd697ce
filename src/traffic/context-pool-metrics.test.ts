import { test } from "uvu";
import * as assert from "uvu/assert";
import { Registry } from "prom-client";
import { createHelperMetrics } from "./context-pool-metrics";

/** The counter's value for an outcome, read from the registry's Prometheus text. */
async function value(registry: Registry, outcome: string): Promise<number> {
  const line = (await registry.metrics()).split("\n").find((l) => l.startsWith(`rb_aioutliers_traffic_helper_jobs_total{outcome="${outcome}"}`));
  assert.ok(line, `a line for ${outcome}`);
  return Number(line!.split(" ").at(-1));
}

test("the helper's jobs by who did them, as the pool counts them, at every scrape", async () => {
  const registry = new Registry();
  const pool = { counts: { started: 0, takenBack: 0, finishedHere: 0 } };
  createHelperMetrics(registry, pool);
  for (const outcome of ["thread", "taken_back", "redone"]) assert.is(await value(registry, outcome), 0, `${outcome} before any job`);
  pool.counts = { started: 10, takenBack: 3, finishedHere: 1 };
  assert.is(await value(registry, "thread"), 6);
  assert.is(await value(registry, "taken_back"), 3);
  assert.is(await value(registry, "redone"), 1);
  pool.counts = { started: 25, takenBack: 4, finishedHere: 1 };
  assert.is(await value(registry, "thread"), 20, "counted once, not again at the next scrape");
  assert.is(await value(registry, "taken_back"), 4);
});

test.run();
