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

test.run();
