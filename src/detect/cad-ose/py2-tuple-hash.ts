// Python 2.7's hash() of a tuple of non-negative ints below 2^32, as CPython computes it on a
// 64-bit build (Objects/tupleobject.c, tuplehash; an int hashes to itself). CAD OSE keys its
// semi-contexts by this hash and breaks ties between equally often active contexts by it, so the
// port needs the very same 64-bit value to choose the same contexts as NAB's published run.

/** A signed 64-bit hash as two 32-bit halves: `hi` signed, `lo` unsigned. */
export interface Hash64 {
  hi: number;
  lo: number;
}

const TWO32 = 0x1_0000_0000;

/** Multiplies the 64-bit (hi, lo) by m (0 <= m < 2^32), modulo 2^64; writes into `out`. */
function mul64(hi: number, lo: number, m: number, out: Hash64): void {
  // lo * m exactly, from 16-bit pieces (every partial product stays below 2^53).
  const a1 = lo >>> 16, a0 = lo & 0xffff;
  const b1 = m >>> 16, b0 = m & 0xffff;
  const mid = a1 * b0 + a0 * b1;
  const low = a0 * b0 + (mid % 65536) * 65536;
  const high = a1 * b1 + Math.floor(mid / 65536) + Math.floor(low / TWO32);
  out.lo = low >>> 0;
  out.hi = (Math.imul(hi, m) + high) | 0;
}

/** hash(tuple(items)) of Python 2.7 on a 64-bit build; items are ints in [0, 2^32). */
export function py2TupleHash(items: ArrayLike<number>, out: Hash64 = { hi: 0, lo: 0 }): Hash64 {
  out.hi = 0;
  out.lo = 0x345678;
  let mult = 1000003;
  for (let i = 0, left = items.length - 1; i < items.length; i++, left--) {
    mul64(out.hi, (out.lo ^ items[i]) >>> 0, mult, out);
    mult += 82520 + left + left;
  }
  const lo = out.lo + 97531;
  out.lo = lo >>> 0;
  out.hi = (out.hi + (lo >= TWO32 ? 1 : 0)) | 0;
  if (out.hi === -1 && out.lo === 0xffffffff) out.lo = 0xfffffffe; // -1 is CPython's error value
  return out;
}

/** Orders hashes as Python compares the signed 64-bit ints. */
export function compareHash(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return aHi !== bHi ? aHi - bHi : aLo - bLo;
}
