import { test } from "uvu";
import * as assert from "uvu/assert";
import { chooseModelName } from "./model-name";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

test("a safe name is decoded; absent or empty means the default model", () => {
  assert.equal(chooseModelName(b64("traffic")), { kind: "named", name: "traffic" });
  assert.equal(chooseModelName(b64("A-z_09")), { kind: "named", name: "A-z_09" });
  assert.equal(chooseModelName(b64("x".repeat(64))), { kind: "named", name: "x".repeat(64) });
  assert.equal(chooseModelName(undefined), { kind: "default" });
  assert.equal(chooseModelName(""), { kind: "default" });
});

test("paths, encoded slashes, NUL, long names and non-base64 are rejected (fall back to default)", () => {
  for (const name of ["../x", "..", "/etc/passwd", "a/b", "..%2Fx", "%2e%2e%2f", "a\u0000b", "x".repeat(65), "a b", "trafﬁc", "a\\b", "."]) {
    const c = chooseModelName(b64(name));
    assert.is(c.kind, "rejected", JSON.stringify(name));
  }
  assert.is(chooseModelName("not base64!").kind, "rejected");
  assert.is(chooseModelName("model").kind, "rejected"); // the original's test: 'model' is not base64 of a name it has
});

test.run();
