// Py2IntDict iterates as CPython 2.7.18's dict does (orders printed by `d.keys()` after the same
// insertions), through several resizes and colliding keys.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Py2IntDict } from "./py2-int-dict";

const keysOf = (d: Py2IntDict) => {
  const out: number[] = [];
  d.forEach((k) => out.push(k));
  return out;
};

test("iteration order equals CPython 2.7", () => {
  const cases: [number[], number[]][] = [
    [[5, 13, 21, 3, 29, 8, 16, 0, 40, 2, 7], [0, 2, 3, 5, 7, 8, 13, 16, 40, 21, 29]],
    [
      [64, 30, 128, 14, 105, 71, 11, 97, 7, 82, 13, 17, 79, 154, 23, 41, 115, 173, 195, 194, 175, 8, 152, 51, 25, 20, 53, 141, 31, 99, 108, 62, 92, 10, 9, 33, 111, 69, 50, 94],
      [128, 7, 8, 9, 10, 11, 13, 14, 141, 17, 20, 23, 152, 25, 154, 30, 31, 33, 41, 173, 175, 50, 51, 53, 62, 64, 194, 195, 69, 71, 79, 82, 92, 94, 97, 99, 105, 108, 111, 115],
    ],
  ];
  for (const [inserted, order] of cases) {
    const d = new Py2IntDict();
    inserted.forEach((k, i) => d.add(k, i));
    assert.equal(keysOf(d), order);
    assert.is(d.size, inserted.length);
    inserted.forEach((k, i) => assert.is(d.get(k), i));
    assert.is(d.get(1000), -1);
  }
});

test("a key outside [0, 2^31) is refused", () => {
  assert.throws(() => new Py2IntDict().add(-1, 0), RangeError);
  assert.throws(() => new Py2IntDict().add(2 ** 31, 0), RangeError);
});

test.run();
