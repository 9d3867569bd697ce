// Fault tests (b) and (c) against the real process: the downstream is down for a while, then back
// (every result arrives, in order, at least once, and /detection never fails meanwhile); and a
// downstream that accepts connections but never answers (/detection keeps its normal latency).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService } from "../support/service-process";
import { Downstream } from "./downstream";
import { blockBody, postJson } from "./stream";

const CONFIG = "[Stations]\noutbox_max_backoff_ms = 300\noutbox_timeout_ms = 300\ndefault_pipeline = kalman-batch\n";

async function health(base: string) {
  return (await (await fetch(`${base}/health`)).json()) as { status: string; outbox: { depth: number; oldest_age_seconds: number; last_error: string | null } };
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line === undefined ? NaN : Number(line.split(" ")[1]);
}

test("endpoint removed with deliveries queued: kept, shown as degraded, sent once an endpoint is back", async () => {
  const down = await Downstream.start("down");
  const first = await startService({ configIni: CONFIG, env: { DATA_SERVER_ENDPOINT: down.url } });
  const dataDir = first.dataDir;
  let depth = 0;
  try {
    assert.is((await postJson(first.stationUrl, "/initialize", { id_estacio: "s_1", variables: { a: 8 } })).status, 200);
    for (let b = 0; b < 5; b++) assert.is((await postJson(first.stationUrl, "/detection", blockBody("s_1", b * 10, 10, ["a"]))).status, 200);
    depth = (await health(first.stationUrl)).outbox.depth;
    assert.ok(depth >= 5, `queued: ${depth}`);
  } finally {
    await first.stop();
  }
  const without = await startService({ configIni: CONFIG, dataDir, env: { DATA_SERVER_ENDPOINT: "" } });
  try {
    const h = (await (await fetch(`${without.stationUrl}/health`)).json()) as { status: string; outbox: { depth: number; endpoint: string | null } };
    assert.is(h.status, "degraded");
    assert.is(h.outbox.endpoint, null);
    assert.is(h.outbox.depth, depth, "nothing dropped");
    assert.match(without.output(), new RegExp(`${depth} deliveries queued while a downstream was configured are kept`));
  } finally {
    await without.stop();
  }
  await down.setMode("ok");
  const again = await startService({ configIni: CONFIG, dataDir, env: { DATA_SERVER_ENDPOINT: down.url } });
  try {
    const deadline = Date.now() + 20_000;
    while ((await health(again.stationUrl)).outbox.depth > 0) {
      assert.ok(Date.now() < deadline, "the held entries are sent once an endpoint is back");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.is((await health(again.stationUrl)).status, "ok");
    assert.ok(new Set(down.received.map((r) => r.key)).size >= depth, "every held entry arrived");
  } finally {
    await again.stop();
    await down.close();
  }
});

test("downstream down, then back: every result arrives in order, and no request failed meanwhile", async () => {
  const down = await Downstream.start("down");
  const svc = await startService({ configIni: CONFIG, env: { DATA_SERVER_ENDPOINT: down.url } });
  try {
    const ids = ["s_1", "s_2", "s_3"];
    for (const id of ids) assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: id, variables: { a: 8, b: 16 } })).status, 200);
    const expectedOutliers: Record<string, string[]> = {};
    for (let b = 0; b < 60; b++) {
      for (const id of ids) {
        const r = await postJson(svc.stationUrl, "/detection", blockBody(id, b * 10, 10, ["a", "b"]));
        assert.is(r.status, 200);
        for (const o of r.json.outliers as { variable: string; dates: string[] }[]) (expectedOutliers[id] ??= []).push(...o.dates.map((d) => `${o.variable}@${d}`));
      }
    }
    const h = await health(svc.stationUrl);
    assert.is(h.status, "degraded");
    assert.ok(h.outbox.depth >= 180, `queued while down: ${h.outbox.depth}`);
    assert.match(h.outbox.last_error ?? "", /ECONNREFUSED/);
    assert.is(await metric(svc.stationUrl, "rb_aioutliers_station_outbox_depth"), h.outbox.depth);
    assert.ok(await metric(svc.stationUrl, "rb_aioutliers_station_outbox_oldest_age_seconds") > 0);

    await down.setMode("ok");
    const deadline = Date.now() + 20_000;
    while ((await health(svc.stationUrl)).outbox.depth > 0) {
      assert.ok(Date.now() < deadline, "the outbox drains once the downstream is back");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.is((await health(svc.stationUrl)).status, "ok");
    const seen = new Set<string>();
    const unique = down.received.filter((r) => !seen.has(r.key) && seen.add(r.key));
    for (const id of ids) {
      const mine = unique.filter((r) => JSON.stringify(r.body).includes(`"id_estacio":"${id}"`));
      assert.is(mine.filter((r) => r.path === "/outliers/validate").length, 60, `${id}: one validate per block`);
      const delivered = mine.filter((r) => r.path === "/outliers").flatMap((r) => (r.body as { variable: string; dates: string[] }[]).flatMap((o) => o.dates.map((d) => `${o.variable}@${d}`)));
      assert.ok((expectedOutliers[id] ?? []).length > 0, `${id} has outliers`);
      assert.equal(delivered, expectedOutliers[id], `${id}: every outlier, in order`);
      // the validate of a block precedes its outliers, as the original server sent them
      assert.is(mine[0]!.path, "/outliers/validate");
    }
  } finally {
    await svc.stop();
    await down.close();
  }
});

test("a downstream that accepts and never answers does not slow /detection down", async () => {
  const down = await Downstream.start("ok");
  // a 1 s delivery timeout: a request held up by the hanging downstream would take >= 1 s
  const svc = await startService({ configIni: CONFIG.replace("outbox_timeout_ms = 300", "outbox_timeout_ms = 1000"), env: { DATA_SERVER_ENDPOINT: down.url } });
  const latencies = async (from: number, n: number) => {
    const out: number[] = [];
    for (let b = from; b < from + n; b++) {
      const t0 = performance.now();
      const r = await postJson(svc.stationUrl, "/detection", blockBody("s", b * 10, 10, ["a", "b", "c"]));
      out.push(performance.now() - t0);
      assert.is(r.status, 200);
    }
    return out.sort((x, y) => x - y);
  };
  try {
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: "s", variables: { a: 32, b: 128, c: 256 } })).status, 200);
    await latencies(0, 30); // warm-up
    const normal = await latencies(30, 100);
    await down.setMode("hang");
    const hanging = await latencies(130, 100);
    const med = (x: number[]) => x[Math.floor(x.length / 2)]!;
    assert.ok(down.attempts > 0, "deliveries were attempted against the hanging server");
    assert.ok(med(hanging) <= 3 * med(normal) + 5, `median ${med(hanging).toFixed(1)} ms while hanging vs ${med(normal).toFixed(1)} ms`);
    assert.ok(hanging[99]! < 1000, `slowest ${hanging[99]!.toFixed(1)} ms while hanging: no request waited for the downstream`);
    const deadline = Date.now() + 5000;
    while ((await health(svc.stationUrl)).outbox.last_error === null) {
      assert.ok(Date.now() < deadline, "the hanging delivery times out");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match((await health(svc.stationUrl)).outbox.last_error ?? "", /no answer within 1000 ms/);
  } finally {
    await svc.stop();
    await down.close();
  }
});

test.run();
