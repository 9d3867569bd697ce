import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeFormBase64 } from "./form-base64";
import { decodeBase64Text } from "./base64-field";
import { parseForm } from "./traffic-request";

/** What the general path makes of the value: form decoding, then the lenient base64 reading. */
function general(value: string): string | undefined {
  try {
    return decodeBase64Text("data", parseForm(`data=${value}`).get("data")!);
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
    assert.is(got.toString("utf8"), general(v), v);
  }
  assert.ok(fast >= 6, `the fast path took the common forms (${fast})`);
  const url = new URLSearchParams({ data: std }).toString();
  assert.ok(decodeFormBase64(Buffer.from(url), 5, url.length), "URLSearchParams' encoding takes the fast path");
  for (const v of ["YR==", "YQ=", "Y", "YW%25Jj", "@@@", ""]) assert.is(decodeFormBase64(Buffer.from(`data=${v}`), 5, 5 + v.length), undefined, v);
});

test.run();
