import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBase64Text, Base64FieldError } from "./base64-field";

const text = '{"a":">>>?","b":"ÿ"}';
const std = Buffer.from(text).toString("base64");

test("standard base64 and the forms curl and base64(1) produce", () => {
  assert.ok(std.includes("+") || std.includes("/"), "fixture exercises + or /");
  assert.is(decodeBase64Text("q", std), text);
  assert.is(decodeBase64Text("q", std.replace(/\+/g, " ")), text, "'+' turned into ' ' by form decoding");
  assert.is(decodeBase64Text("q", std.replace(/(.{8})/g, "$1\n")), text, "wrapped lines");
  assert.is(decodeBase64Text("q", std.replace(/\+/g, "-").replace(/\//g, "_")), text, "URL-safe alphabet");
  assert.is(decodeBase64Text("q", std.replace(/=+$/, "")), text, "no padding");
});

test("not base64, impossible length, bad padding, not UTF-8", () => {
  for (const bad of ["@@@", "abcde", "ab=c", "a===", "YQ=", "{}"]) {
    assert.throws(() => decodeBase64Text("query", bad), (e: Error) => e instanceof Base64FieldError && /"query" is not valid base64/.test(e.message), bad);
  }
  assert.throws(() => decodeBase64Text("data", Buffer.from([0xff, 0xfe, 0x00]).toString("base64")), /not UTF-8/);
});

test.run();
