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

test.run();
