// Typed arrays in JSON states: every value's bits survive a JSON round trip (-0, subnormals, the
// extremes), the sparse form is chosen only when shorter and reads back the same, and malformed
// input is refused with the field's name.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "./rng";
import { decodeFloat64, decodeFloat64Table, decodeUint8, encodeFloat64Table, encodeTypedArray } from "./typed-array-codec";

const roundTrip = <T>(x: T): unknown => JSON.parse(JSON.stringify(x));

function sameBits(a: Float64Array, b: Float64Array, what: string): void {
  assert.is(b.length, a.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} came back as ${b[i]}`);
}

const SPECIAL = [0, -0, 1, -1, 0.1, 1 / 3, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300, 123456789.123456789, 0.5 ** 60];

test("Float64Array: exact bits through JSON, special values included", () => {
  const rng = new Rng(5);
  const a = Float64Array.from([...SPECIAL, ...Array.from({ length: 1000 }, () => (rng.nextFloat() - 0.5) * 10 ** Math.floor(rng.nextFloat() * 40 - 20))]);
  const text = encodeTypedArray(a);
  assert.is(typeof text, "string");
  sameBits(a, decodeFloat64(roundTrip(text), "a"), "dense");
  sameBits(new Float64Array(0), decodeFloat64(encodeTypedArray(new Float64Array(0)), "empty"), "empty");
});

test("a view into a larger buffer encodes only its own elements", () => {
  const whole = Float64Array.from([1, 2, 3, 4, 5]);
  sameBits(Float64Array.from([2, 3, 4]), decodeFloat64(encodeTypedArray(whole.subarray(1, 4)), "view"), "subarray");
});

test("Uint8Array round trip", () => {
  const a = Uint8Array.from([0, 1, 255, 7, 0, 1]);
  assert.equal([...decodeUint8(roundTrip(encodeTypedArray(a)), "flags")], [...a]);
});

test("tables: sparse when mostly zero, dense when not, identical values either way", () => {
  const sparse = new Float64Array(4096);
  sparse[0] = 1; sparse[17] = 0.5 ** 40; sparse[4095] = 3.75; sparse[100] = -0;
  const s = encodeFloat64Table(sparse);
  assert.type(s, "object", "mostly zero: sparse");
  assert.ok(JSON.stringify(s).length < JSON.stringify(encodeTypedArray(sparse)).length / 100, "sparse is far shorter");
  sameBits(sparse, decodeFloat64Table(roundTrip(s), "sparse"), "sparse");

  const dense = Float64Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 0 : i / 7));
  const d = encodeFloat64Table(dense);
  assert.type(d, "string", "two thirds non-zero: dense is shorter");
  sameBits(dense, decodeFloat64Table(roundTrip(d), "dense"), "dense");
  sameBits(new Float64Array(10), decodeFloat64Table(roundTrip(encodeFloat64Table(new Float64Array(10))), "zeros"), "all zero");
});

test("malformed input is refused, naming the field", () => {
  assert.throws(() => decodeFloat64(12, "core.week"), /core\.week: expected a base64 string/);
  assert.throws(() => decodeFloat64("AAAA*AAA", "core.week"), /core\.week: expected a base64 string/);
  // every other character, anywhere, and padding anywhere but at the end, as the regular
  // expression ^[A-Za-z0-9+/]*={0,2}$ refused them
  const good = encodeTypedArray(Float64Array.from([1.5, -2, 3]));
  for (let b = 0; b < 256; b++) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9+/]/.test(c)) continue;
    for (const at of [0, 5, good.length - 1]) {
      const bad = good.slice(0, at) + c + good.slice(at + 1);
      if (c === "=" && at === good.length - 1) continue; // padding at the end is base64
      assert.throws(() => decodeFloat64(bad, "t"), /expected a base64 string/, `byte ${b} at ${at}`);
    }
  }
  assert.throws(() => decodeUint8("QQ===", "t"), /expected a base64 string/);
  assert.throws(() => decodeUint8("Q===", "t"), /expected a base64 string/);
  assert.equal([...decodeUint8("QQ==", "t")], [65]);
  assert.throws(() => decodeFloat64("AAA", "core.week"), /base64/);
  assert.throws(() => decodeFloat64("AAAAAAAA", "core.week"), /6 bytes is not a whole number of 8-byte values/);
  assert.throws(() => decodeFloat64Table(null, "t"), /t: expected a base64 string or \{length, index, value\}/);
  assert.throws(() => decodeFloat64Table({ length: -1, index: "", value: "" }, "t"), /expected/);
  const one = Float64Array.from([2]);
  const at = (i: number) => encodeTypedArray(Uint32Array.from([i]));
  assert.throws(() => decodeFloat64Table({ length: 4, index: at(4), value: encodeTypedArray(one) }, "t"), /t: position 4 outside its length 4/);
  assert.throws(() => decodeFloat64Table({ length: 4, index: at(1), value: "" }, "t"), /t: 1 positions but 0 values/);
  sameBits(Float64Array.from([0, 2, 0, 0]), decodeFloat64Table({ length: 4, index: at(1), value: encodeTypedArray(one) }, "t"), "hand-made sparse");
});

test("decoded arrays own their memory (a later decode or a change to one leaves the other intact)", () => {
  const text = encodeTypedArray(Float64Array.from([1, 2, 3]));
  const a = decodeFloat64(text, "a"), b = decodeFloat64(text, "b");
  a[0] = 99;
  assert.is(b[0], 1);
  assert.is(a.byteOffset, 0);
  assert.is(a.buffer.byteLength, 24);
});

test.run();
