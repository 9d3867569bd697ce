import { test } from "uvu";
import * as assert from "uvu/assert";
import { attributeOutliers } from "./ip-attribution";
import { Rng } from "./rng";

function traffic(burstAt: number | undefined, seed: number) {
  const rng = new Rng(seed);
  return Array.from({ length: 60 }, (_, i) => ({
    timestamp: new Date(Date.UTC(2024, 4, 22, 10, i)).toISOString(),
    result: { bytes: i === burstAt ? 5e9 : 1e6 + 1e5 * rng.nextFloat() },
  }));
}

test("the IP whose own traffic bursts at the outlier's time is blamed, steady IPs are not", () => {
  const data = { "10.0.0.1": traffic(undefined, 1), "10.0.0.2": traffic(30, 2), "10.0.0.3": traffic(undefined, 3) };
  const r = attributeOutliers([{ timestamp: "2024-05-22T10:30:00.000Z" }, { timestamp: "2024-05-22T12:00:00Z" }], data);
  assert.is(r.ips.length, 2, "one entry per outlier");
  assert.ok(r.ips[0]!.caused_by.includes("10.0.0.2"));
  assert.not.ok(r.ips[0]!.caused_by.includes("10.0.0.1"));
  assert.equal(r.ips[1]!.caused_by, [], "no rows at that time");
});

test("the same instant written with an offset matches; deterministic", () => {
  const data = { "10.0.0.2": traffic(30, 2), "10.0.0.4": traffic(undefined, 4) };
  const a = attributeOutliers([{ timestamp: "2024-05-22T12:30:00+02:00" }], data);
  const b = attributeOutliers([{ timestamp: "2024-05-22T12:30:00+02:00" }], data);
  assert.equal(a, b);
  assert.ok(a.ips[0]!.caused_by.includes("10.0.0.2"));
});

test("bad timestamps and bytes are input errors; no IP data gives empty lists", () => {
  assert.throws(() => attributeOutliers([{ timestamp: "x" }], {}), /outliers\[0\]/);
  assert.throws(() => attributeOutliers([], { a: [{ timestamp: "never" }] }), /all_ips_data\["a"\]\[0\]/);
  assert.equal(attributeOutliers([{ timestamp: "2024-01-01T00:00:00Z" }], {}), { ips: [{ caused_by: [] }] });
});

test("many outliers at one instant over many IPs: linear, one shared list per instant", () => {
  // 2,000 IPs × 30 rows and 50,000 outliers at one time: the old per-outlier scan of every
  // anomalous row with a list lookup was quadratic; one list per instant, built once, is linear.
  const data: Record<string, { timestamp: string; result: { bytes: number } }[]> = {};
  for (let k = 0; k < 2000; k++) data[`10.0.${k >> 8}.${k & 255}`] = traffic(k % 50 === 0 ? 20 : undefined, k).slice(0, 30);
  const at = "2024-05-22T10:20:00.000Z";
  const r = attributeOutliers(Array.from({ length: 50_000 }, () => ({ timestamp: at })), data);
  assert.is(r.ips.length, 50_000);
  assert.ok(r.ips[0]!.caused_by.length >= 40, `the 40 bursting IPs are blamed: ${r.ips[0]!.caused_by.length}`);
  assert.is(new Set(r.ips[0]!.caused_by).size, r.ips[0]!.caused_by.length, "each IP once");
  assert.ok(r.ips.every((x) => x.caused_by === r.ips[0]!.caused_by), "one list shared by the outliers at that instant");
});

test.run();
