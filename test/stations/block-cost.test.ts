// The /detection cost limit through the real service (issue 17 part 1): issue 17's heavy block
// (256 variables, `sliding` at window 4096, 200 samples; 110-120 s of CPU once the window is full)
// is refused at once with a 413 giving its estimate, the setting and the block size that fits,
// and nothing of it is applied; a block of that size is applied.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService } from "../support/service-process";
import { blockBody, postJson } from "./stream";

const VARS = Array.from({ length: 256 }, (_, i) => `v${i}`);

test("a block over [Stations] max_block_cpu_ms is a 413 saying how to split it; the split block is applied", async () => {
  // this test's values have 16 digits: the block is 1.7 MB (the issue's, with shorter numbers, 824 KiB)
  const svc = await startService({ configIni: "[Stations]\nbody_limit = 4194304\n" });
  try {
    const init = await postJson(svc.stationUrl, "/initialize", { id_estacio: "heavy", pipeline: "sliding", variables: Object.fromEntries(VARS.map((v) => [v, 4096])) });
    assert.is(init.status, 200, JSON.stringify(init.json));
    const started = Date.now();
    const r = await postJson(svc.stationUrl, "/detection", blockBody("heavy", 0, 200, VARS));
    // Reading and validating 1.7 MB and loading 256 pipelines take about a second alone, several
    // on a loaded machine; applying the block would take minutes.
    assert.ok(Date.now() - started < 20_000, `refused after ${Date.now() - started} ms`);
    assert.is(r.status, 413, JSON.stringify(r.json));
    assert.match(r.json.msg, /this block of 200 samples of 256 variables would take about \d+ ms of CPU .* more than \[Stations\] max_block_cpu_ms = 10000; send it as blocks of at most (\d+) samples/);
    const fit = Number(/at most (\d+) samples/.exec(r.json.msg)![1]);
    const station = (await (await fetch(`${svc.stationUrl}/stations/heavy`)).json()) as { station: { samples: number } };
    assert.is(station.station.samples, 0);
    const ok = await postJson(svc.stationUrl, "/detection", blockBody("heavy", 0, fit, VARS));
    assert.is(ok.status, 200, JSON.stringify(ok.json));
  } finally {
    assert.is(await svc.stop(), 0);
  }
});

test.run();
