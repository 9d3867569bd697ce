// numpy.percentile (linear) values worked by hand: position q/100·(n−1), linear between neighbours.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { median, medianAbsoluteDeviation, percentile } from "./percentile";

test("percentile interpolates like numpy's default", () => {
  assert.is(percentile([4, 1, 3, 2], 25), 1.75); // pos 0.75
  assert.is(percentile([4, 1, 3, 2], 0), 1);
  assert.is(percentile([4, 1, 3, 2], 100), 4);
  assert.ok(Math.abs(percentile(Array.from({ length: 100 }, (_, i) => i), 1) - 0.99) < 1e-12);
  assert.is(percentile([7], 50), 7);
  assert.throws(() => percentile([], 50), /empty/);
});

test("median and MAD", () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.is(medianAbsoluteDeviation([1, 1, 2, 2, 4, 6, 9]), 1); // median 2; |dev| 1,1,0,0,2,4,7
});

test.run();
