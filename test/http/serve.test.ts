import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService } from "../support/service-process";

test("serve answers /health and /metrics on both ports and stops cleanly on SIGTERM", async () => {
  const svc = await startService();
  try {
    for (const base of [svc.trafficUrl, svc.stationUrl]) {
      const h = await fetch(`${base}/health`);
      assert.is(h.status, 200);
      const m = await fetch(`${base}/metrics`);
      assert.is(m.status, 200);
      assert.match(await m.text(), /rb_aioutliers_process_cpu_seconds_total/);
      const missing = await fetch(`${base}/no-such-route`);
      assert.is(missing.status, 404);
      assert.equal(((await missing.json()) as { status: string }).status, "error");
    }
  } finally {
    assert.is(await svc.stop(), 0);
  }
});

// The executable starts from a V8 snapshot made at build time (build/build.mjs): values a module
// took at load must still be this run's, not the build's.
test("/metrics: process_start_time_seconds is this start, within the seconds the start took", async () => {
  const before = Date.now() / 1000;
  const svc = await startService();
  try {
    const after = Date.now() / 1000;
    const text = await (await fetch(`${svc.stationUrl}/metrics`)).text();
    const started = Number(/^rb_aioutliers_process_start_time_seconds (\S+)$/m.exec(text)?.[1]);
    // The metric is whole seconds (prom-client rounds): allow one second either side.
    assert.ok(started >= Math.floor(before) - 1 && started <= Math.ceil(after) + 1, `start time ${started}, spawned in [${before}, ${after}]`);
  } finally {
    assert.is(await svc.stop(), 0);
  }
});

test.run();
