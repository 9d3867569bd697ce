// A full disk under the station store (issue 17 part 7), through the real service: the database is
// held to a page budget (test hook RB_AIOUTLIERS_TEST_MAX_PAGE_COUNT: `PRAGMA max_page_count`, which
// fails writes with SQLITE_FULL as a full disk does; a tiny tmpfs or loop device would need root
// and a mount). A block that does not fit is a 507 naming the file, /health is degraded with the
// cause, and once space is freed (a station deleted: its pages are reused) blocks are applied
// again and /health is ok, without a restart.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { startService } from "../support/service-process";
import { blockBody, postJson } from "./stream";

// 4 KiB pages: the empty store takes 35; history rows of 200 samples fill the rest quickly.
const MAX_PAGES = 120;
const VARS = ["a", "b", "c"];

interface Health { status: string; storage: { path: string; error: string | null; since: string | null } }

test("disk full: 507 naming the file, /health degraded with the cause, recovery after space is freed", async () => {
  const svc = await startService({
    env: { RB_AIOUTLIERS_TEST_MAX_PAGE_COUNT: String(MAX_PAGES) },
    configIni: "[Stations]\nhistory_samples = 100000\n",
  });
  try {
    const health = async () => (await (await fetch(`${svc.stationUrl}/health`)).json()) as Health;
    const file = join(svc.dataDir, "stations.sqlite");
    for (const id of ["filler", "live"])
      assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: id, variables: Object.fromEntries(VARS.map((v) => [v, 16])) })).status, 200);
    assert.is((await health()).status, "ok");

    let full: { status: number; json: { status: string; msg: string } } | undefined;
    let k = 0;
    for (let i = 0; i < 200 && !full; i++, k += 200) {
      const r = await postJson(svc.stationUrl, "/detection", blockBody("filler", k, 200, VARS));
      if (r.status !== 200) full = r;
    }
    assert.ok(full, `${MAX_PAGES} pages never filled up`);
    assert.is(full.status, 507, JSON.stringify(full.json));
    assert.is(full.json.status, "error");
    assert.ok(full.json.msg.startsWith(`the station store ${file} is full`), full.json.msg);
    assert.match(full.json.msg, /SQLITE_FULL.*nothing of this request was applied; free space/);
    // still full: the other station cannot write either (a few small blocks may still fit in the
    // pages' free space), and says so
    let kLive = 0, liveStatus = 200;
    for (let i = 0; i < 50 && liveStatus === 200; i++) {
      liveStatus = (await postJson(svc.stationUrl, "/detection", blockBody("live", kLive, 200, VARS))).status;
      if (liveStatus === 200) kLive += 200;
    }
    assert.is(liveStatus, 507);
    const degraded = await health();
    assert.is(degraded.status, "degraded");
    assert.is(degraded.storage.path, file);
    assert.match(degraded.storage.error ?? "", /is full \(no space left on its disk\)/);
    assert.ok(degraded.storage.since !== null);
    // reads still work
    assert.is((await fetch(`${svc.stationUrl}/stations/filler`)).status, 200);

    // free space: the filler's pages go back to the database's free list
    assert.is((await fetch(`${svc.stationUrl}/stations/filler`, { method: "DELETE" })).status, 200);
    const r = await postJson(svc.stationUrl, "/detection", blockBody("live", kLive, 200, VARS));
    assert.is(r.status, 200, JSON.stringify(r.json));
    const healed = await health();
    assert.is(healed.status, "ok");
    assert.is(healed.storage.error, null);
    assert.not.match(svc.output(), /unhandled error/);
  } finally {
    assert.is(await svc.stop(), 0);
  }
});

test.run();
