import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeFormBase64 } from "./form-base64";
import { base64BytesAsText, decodeBase64Text } from "./base64-field";
import { parseForm } from "./traffic-request";

/** What the general path makes of the value: form decoding, then the lenient base64 reading. */
function general(value: string): string | undefined {
  try {
    return decodeBase64Text("data", parseForm(`data=${value}`).get("data")!);
  } catch {
    return undefined;
  }
}

/** What the fast path's caller makes of its bytes: the UTF-8 text, or undefined (a 400). */
function asText(bytes: Buffer): string | undefined {
  try {
    return base64BytesAsText("data", bytes);
  } catch {
    return undefined;
  }
}

const json = '[{"timestamp":"2024-05-20T00:00:00.000Z","result":{"bytes":1}},{"x":">>>???~~~"}]  ';
const std = Buffer.from(json).toString("base64");

test("accepts only what the general path accepts, with the same bytes", () => {
  assert.ok(/[+/]/.test(std) && std.endsWith("="), "fixture has '+' or '/' and padding");
  const forms = [
    std, new URLSearchParams({ data: std }).toString().slice(5), std.replace(/=+$/, ""), std.toLowerCase().replace(/%2b/g, "%2b"),
    std.replace(/\+/g, "%2b").replace(/\//g, "%2f"), std.replace(/(.{8})/g, "$1%0A"), std.replace(/\+/g, "-"), std.replace(/\//g, "_"),
    std.replace(/\+/g, " "), `${std}%3D`, `${std}=`, `${std.replace(/=+$/, "")}=`, "YQ", "YQ=", "YQ==", "YR==", "Y", "YWJj", "YW%25Jj",
    "%ZZ", "YW%2", "@@@", "YW Jj", "ab=c", "a===", "",
  ];
  let fast = 0;
  for (const v of forms) {
    const body = Buffer.from(`data=${v}`);
    const got = decodeFormBase64(body, 5, body.length);
    if (got === undefined) continue;
    fast++;
    assert.is(asText(got), general(v), v);
  }
  assert.ok(fast >= 6, `the fast path took the common forms (${fast})`);
  const url = new URLSearchParams({ data: std }).toString();
  assert.ok(decodeFormBase64(Buffer.from(url), 5, url.length), "URLSearchParams' encoding takes the fast path");
  for (const v of ["YQ=", "Y", "YW%25Jj", "@@@", "", "YW=j", "YW Jj", "YW\fJj", "YW*j", "YW\u0080j", "YQ==YWJj", "YQ=="+"="]) assert.is(decodeFormBase64(Buffer.from(`data=${v}`), 5, 5 + Buffer.byteLength(v)), undefined, v);
  // The URL-safe alphabet, which the general path reads as + and /, is read as they are.
  for (const v of ["YW-j", "YW_j"]) assert.is(asText(decodeFormBase64(Buffer.from(`data=${v}`), 5, 5 + v.length)!), general(v), v);
});

test("every byte outside the alphabets sends the value to the general path (the count of decoded bytes falls short)", () => {
  const alphabet = /[A-Za-z0-9+/_-]/;
  for (let b = 0; b < 256; b++) {
    const c = String.fromCharCode(b);
    if (alphabet.test(c)) continue;
    for (const [head, tail] of [["YW", "jYWJj"], ["YWJjYW", "j"], ["", "YWJj"], ["YWJj", ""]]) {
      const body = Buffer.concat([Buffer.from(`data=${head}`, "latin1"), Buffer.from([b]), Buffer.from(tail!, "latin1")]);
      const got = decodeFormBase64(body, 5, body.length);
      // '=' may end the value: then it is padding, read as the general path reads it
      if (c === "=" && tail === "") assert.is(got && asText(got), general(`${head}=`), `${head}=`);
      else assert.is(got, undefined, `byte ${b} in ${head}·${tail}`);
    }
  }
});

test("random values and corruptions: whatever the fast path accepts, the general path reads the same", () => {
  let seed = 12345;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const junk = ["=", " ", "\n", "\t", "\r", "\f", "%0A", "%25", "%2", "-", "_", "*", "~", ".", "\u0000", "é", "%3d", "%2f", "+", "=="];
  let accepted = 0, refused = 0;
  for (let k = 0; k < 3000; k++) {
    const bytes = Buffer.from(Array.from({ length: rand(40) }, () => (k % 2 ? 32 + rand(95) : rand(256))));
    let v = k % 3 ? new URLSearchParams({ d: bytes.toString("base64") }).toString().slice(2) : bytes.toString("base64");
    for (let c = rand(3); c > 0; c--) { const at = rand(v.length + 1); v = v.slice(0, at) + junk[rand(junk.length)] + v.slice(at); }
    if (rand(4) === 0) v = v.replace(/=+$/, "");
    const body = Buffer.from(`data=${v}`);
    const got = decodeFormBase64(body, 5, body.length);
    if (got === undefined) { refused++; continue; }
    accepted++;
    assert.is(asText(got), general(v), JSON.stringify(v));
  }
  assert.ok(accepted > 500 && refused > 500, `both ways taken (${accepted} accepted, ${refused} refused)`);
});

test("values longer than a piece (64 kB): escapes, padding and corruptions at the pieces' seams read as the general path reads them", () => {
  let seed = 777;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const junk = ["=", "==", "%3D", "%0A", "%25", "%2", "%", "*", "-", " ", "\n"];
  const chars = "abcXYZ019 {}[]\":,.é€?>~";
  let accepted = 0, refused = 0;
  for (let k = 0; k < 60; k++) {
    const bytes = Buffer.from(Array.from({ length: 50_000 + rand(100_000) }, () => chars[rand(chars.length)]).join(""));
    let v = k % 2 ? new URLSearchParams({ d: bytes.toString("base64") }).toString().slice(2) : bytes.toString("base64");
    if (k % 3 === 0) { // a corruption within a few bytes of a seam
      const at = Math.min(v.length, 65_536 * (1 + rand(2)) - 3 + rand(7));
      v = v.slice(0, at) + junk[rand(junk.length)] + v.slice(at);
    }
    if (rand(4) === 0) v = v.replace(/(=|%3D)+$/, "");
    const body = Buffer.from(`data=${v}`);
    const got = decodeFormBase64(body, 5, body.length);
    if (got === undefined) { refused++; continue; }
    accepted++;
    assert.is(asText(got), general(v), `value ${k}`);
    if (k % 3 !== 0) assert.ok(got.equals(bytes), `value ${k}: the bytes encoded`);
  }
  assert.ok(accepted > 30 && refused > 0, `both ways taken (${accepted} accepted, ${refused} refused)`);
});

test.run();
