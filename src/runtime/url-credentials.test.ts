import { test } from "uvu";
import * as assert from "uvu/assert";
import { splitCredentials, withoutCredentials } from "./url-credentials";

test("user:password become Basic authorization (percent-decoded) and leave the URL", () => {
  const r = splitCredentials("http://us%40er:p%3Aw@sink.example:9000/base/");
  assert.is(r.url, "http://sink.example:9000/base/");
  assert.is(r.authorization, `Basic ${Buffer.from("us@er:p:w").toString("base64")}`);
  assert.equal(splitCredentials("https://sink.example/"), { url: "https://sink.example/" });
});

test("withoutCredentials: shown endpoints never carry the userinfo, even malformed ones", () => {
  assert.is(withoutCredentials("http://admin:s3cret@127.0.0.1:8082/druid/v2/"), "http://127.0.0.1:8082/druid/v2/");
  assert.is(withoutCredentials(""), "");
  assert.is(withoutCredentials("http://admin:s3cret@[bad/x"), "http://[bad/x");
  assert.is(withoutCredentials("http://a:b@c@host:1/p@q"), "http://host:1/p@q");
});

test.run();
