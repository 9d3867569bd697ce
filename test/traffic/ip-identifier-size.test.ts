// POST /api/v1/ip_identifier at the size of issue 17's case: 20k IPs, 100k outliers at one instant
// (a 6 MB payload, within the 16 MiB body limit). It once took 75 s, grew to 2.6 GB and ended in a
// 500 (RangeError: Invalid string length). Now attribution is linear and an answer listing more
// than MAX_ANSWER_IPS IPs is refused with a 422 before it is written; the station port answers
// /health meanwhile. The bounds (15 s, 1 GB of RSS) are loose for a shared 2-core machine: the
// request takes about a second, the quadratic version minutes and gigabytes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService } from "../support/service-process";
import { MAX_ANSWER_IPS } from "../../src/http/ip-identifier";

const IPS = 20_000, AT = "2024-05-22T10:30:00.000Z";

function payload(outliers: number) {
  const all_ips_data: Record<string, unknown[]> = {};
  for (let i = 0; i < IPS; i++) all_ips_data[`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`] = [{ timestamp: AT, result: { bytes: 1e6 + ((i * 7919) % 10_007) * 100 } }];
  return JSON.stringify({ outliers: Array.from({ length: outliers }, () => ({ timestamp: AT })), all_ips_data });
}

async function rssBytes(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^rb_aioutliers_process_resident_memory_bytes (\S+)$/m.exec(text)?.[1]);
}

test("20k IPs, 100k outliers at one instant: 422 naming the limit and how to split, in bounded time and memory", async () => {
  const svc = await startService(); // [Outliers] body_limit is 16 MiB by default
  try {
    const body = payload(100_000);
    assert.ok(body.length > 5e6 && body.length < 16 * 1024 * 1024, `${body.length} bytes`);
    const started = Date.now();
    const pending = fetch(`${svc.trafficUrl}/api/v1/ip_identifier`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const h = await fetch(`${svc.stationUrl}/health`);
    assert.is(h.status, 200);
    const r = await pending;
    const ms = Date.now() - started;
    const json = (await r.json()) as { status: string; msg: string };
    assert.is(r.status, 422, JSON.stringify(json).slice(0, 300));
    assert.match(json.msg, new RegExp(`the answer would list \\d+ IPs over 100000 outliers, more than the limit of ${MAX_ANSWER_IPS}`));
    assert.match(json.msg, /100000 outliers at 1 distinct times; .*at most \d+ each/);
    assert.ok(ms < 15_000, `${ms} ms`);
    const rss = await rssBytes(svc.trafficUrl);
    assert.ok(rss < 1e9, `RSS ${(rss / 1e6).toFixed(0)} MB`);

    // The same instant's outliers within the limit: answered, every outlier its list.
    const ok = await fetch(`${svc.trafficUrl}/api/v1/ip_identifier`, { method: "POST", headers: { "content-type": "application/json" }, body: payload(200) });
    assert.is(ok.status, 200);
    const answer = (await ok.json()) as { ips: { caused_by: string[] }[] };
    assert.is(answer.ips.length, 200);
    const n = answer.ips[0]!.caused_by.length;
    assert.ok(n > 0 && n * 200 <= MAX_ANSWER_IPS, `${n} IPs per outlier`);
    assert.ok(answer.ips.every((o) => o.caused_by.length === n));
  } finally {
    assert.is(await svc.stop(), 0);
  }
});

test.run();
