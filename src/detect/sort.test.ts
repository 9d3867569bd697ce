import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "./rng";
import { sortFloat64 } from "./sort";

test("sorts like the built-in sort: random, tied, sorted, reversed, tiny, sub-ranges", () => {
  const rng = new Rng(5);
  for (const n of [0, 1, 2, 3, 16, 17, 100, 1000]) {
    const inputs = [
      Float64Array.from({ length: n }, () => rng.nextFloat() - 0.5),
      Float64Array.from({ length: n }, () => Math.floor(rng.nextFloat() * 3)),
      Float64Array.from({ length: n }, (_, i) => i),
      Float64Array.from({ length: n }, (_, i) => -i),
    ];
    for (const a of inputs) {
      const want = Array.from(a).sort((p, q) => p - q);
      assert.equal(Array.from(sortFloat64(Float64Array.from(a))), want);
    }
  }
  const a = Float64Array.from([9, 5, 4, 3, 2, 1, 0]);
  sortFloat64(a, 1, 5);
  assert.equal(Array.from(a), [9, 2, 3, 4, 5, 1, 0]);
});

test.run();
