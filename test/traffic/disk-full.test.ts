// A full disk under the traffic series memory (issue 17 part 7, the traffic side), through the real
// service: the database is held to a page budget (test hook RB_AIOUTLIERS_TEST_MAX_PAGE_COUNT, as
// in test/stations/disk-full.test.ts: `PRAGMA max_page_count` fails writes with SQLITE_FULL as a
// full disk does). A request whose series history does not fit is a 507 naming the file, /health is
// degraded with the cause, and requests without a series are still answered. (The next write that
// succeeds clears the fault: src/runtime/storage-health.test.ts. Here nothing can free pages of a
// capped file: every write of the memory, even marking a series used, rewrites a whole row.)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { startService } from "../support/service-process";
import { b64, postForm, minuteRows } from "./http-helpers";

// 4 KiB pages; the station store (capped too) takes 35 when empty, each series' history several.
const MAX_PAGES = 120;

interface Health { status: string; storage?: { path: string; error: string | null; since: string | null } }

test("series memory disk full: 507 naming the file, /health degraded with the cause, other requests answered", async () => {
  const svc = await startService({ env: { RB_AIOUTLIERS_TEST_MAX_PAGE_COUNT: String(MAX_PAGES) } });
  try {
    const health = async () => (await (await fetch(`${svc.trafficUrl}/health`)).json()) as Health;
    const file = join(svc.dataDir, "traffic-series.sqlite");
    const data = b64(minuteRows(1440));
    const poll = (series: string) => postForm(`${svc.trafficUrl}/api/v1/outliers`, { data, series });
    assert.equal((await health()).storage, { path: file, error: null, since: null });

    let full: Awaited<ReturnType<typeof poll>> | undefined;
    let stored = 0;
    for (; stored < 200 && !full; stored++) {
      const r = await poll(`series_${stored}`);
      if (r.status !== 200) full = r;
    }
    assert.ok(full, `${MAX_PAGES} pages never filled up`);
    assert.ok(stored > 1, "the first series should fit");
    assert.is(full.status, 507, JSON.stringify(full.body));
    assert.is(full.body.status, "error");
    assert.ok(full.body.msg.startsWith(`the traffic series memory ${file} is full`), full.body.msg);
    assert.match(full.body.msg, /SQLITE_FULL.*free space/);
    const degraded = await health();
    assert.is(degraded.status, "degraded");
    assert.is(degraded.storage?.path, file);
    assert.match(degraded.storage?.error ?? "", /is full \(no space left on its disk\)/);
    assert.ok(degraded.storage?.since);
    // a request without a series writes nothing and is answered
    assert.is((await postForm(`${svc.trafficUrl}/api/v1/outliers`, { data })).status, 200);

    assert.not.match(svc.output(), /unhandled error/);
  } finally {
    assert.is(await svc.stop(), 0);
  }
});

test.run();
