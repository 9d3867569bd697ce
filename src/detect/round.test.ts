// roundHalfEven against numpy's around: golden/wilcoxon_zsplit.json `around3` (50 pairs,
// bit-exact including the sign of zero, test/fixtures/golden/README.md §2).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readGolden, num } from "../../test/support/golden";
import { roundHalfEven, rintHalfEven } from "./round";

test("np.around(v, 3) for every golden pair, bit for bit", () => {
  const pairs = readGolden("wilcoxon_zsplit.json").around3 as { v: number; around3: number }[];
  assert.ok(pairs.length >= 50);
  for (const { v, around3 } of pairs) {
    const got = roundHalfEven(v, 3);
    assert.ok(Object.is(got, num(around3)), `around(${v}, 3): got ${got}, numpy ${around3}`);
  }
});

test("halves go to the even neighbour; signed zero kept", () => {
  assert.is(rintHalfEven(0.5), 0);
  assert.is(rintHalfEven(1.5), 2);
  assert.is(rintHalfEven(2.5), 2);
  assert.is(rintHalfEven(-2.5), -2);
  assert.is(rintHalfEven(-1.5), -2);
  assert.ok(Object.is(rintHalfEven(-0.5), -0));
  assert.is(rintHalfEven(2 ** 53 + 2), 2 ** 53 + 2);
  assert.is(roundHalfEven(1250, -2), 1200);
  assert.is(roundHalfEven(1350, -2), 1400);
});

test.run();
