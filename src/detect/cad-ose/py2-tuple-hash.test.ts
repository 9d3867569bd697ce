// py2TupleHash against values printed by CPython 2.7.18 on x86-64 (`python2 -c "print hash(t)"`)
// and against a BigInt transcription of the same recurrence: exact, a hash is an identity.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../rng";
import { compareHash, py2TupleHash, type Hash64 } from "./py2-tuple-hash";

const asBigInt = (h: Hash64) => BigInt.asIntN(64, (BigInt(h.hi >>> 0) << 32n) | BigInt(h.lo));

/** The recurrence in 64-bit BigInt arithmetic. */
function reference(items: number[]): bigint {
  let x = 0x345678n, mult = 1000003n;
  for (let i = 0; i < items.length; i++) {
    x = BigInt.asIntN(64, (x ^ BigInt(items[i])) * mult);
    mult += BigInt(82520 + 2 * (items.length - 1 - i));
  }
  x = BigInt.asIntN(64, x + 97531n);
  return x === -1n ? -2n : x;
}

test("equals CPython 2.7 (64-bit) on known tuples", () => {
  const cases: [number[], bigint][] = [
    [[], 3527539n],
    [[1], 3430019387558n],
    [[65537, 2147483648 + 5], 3781701498436847281n],
    [Array.from({ length: 24 }, (_, i) => 65536 + i), 4968464634490074219n],
    [[0, 3, 4, 2147483648, 2147483655, 2147484000], -6975923528120334511n],
    [[1, 3, 5], 2528501712789647984n],
    [[0, 2, 4], 1267307236350160189n],
  ];
  for (const [t, h] of cases) assert.is(asBigInt(py2TupleHash(t)), h, `hash(${t})`);
});

test("equals the 64-bit recurrence on random tuples of facts", () => {
  const rng = new Rng(3);
  for (let n = 0; n < 500; n++) {
    const t = Array.from({ length: 1 + (n % 20) }, () => (rng.nextFloat() < 0.3 ? Math.floor(rng.nextFloat() * 6) : 2 ** 31 + Math.floor(rng.nextFloat() * 1e6)));
    assert.is(asBigInt(py2TupleHash(t)), reference(t), `hash(${t})`);
  }
});

test("compareHash orders as signed 64-bit integers", () => {
  const ts = [[0, 2, 4], [1, 3, 5], [0, 3, 4, 2147483648, 2147483655, 2147484000], [1], []];
  const hs = ts.map((t) => py2TupleHash(t));
  const byBigInt = hs.map((h, i) => [asBigInt(h), i] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, i]) => i);
  const byCompare = hs.map((_, i) => i).sort((a, b) => compareHash(hs[a].hi, hs[a].lo, hs[b].hi, hs[b].lo));
  assert.equal(byCompare, byBigInt);
});

test.run();
