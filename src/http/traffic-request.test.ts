import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseForm } from "./traffic-request";

test("parseForm reads forms like URLSearchParams (first value of a name wins)", () => {
  for (const body of ["query=abc%2B%2F%3D&model=dHJhZmZpYw%3D%3D", "data=a+b+c&x", "a=1&a=2&b=%C3%BF", "", "&&k=v&", "e=&f=%20"]) {
    const ours = parseForm(body);
    const ref = new URLSearchParams(body);
    for (const name of new Set(ref.keys())) assert.is(ours.get(name), ref.get(name), `${body} ${name}`);
    assert.is(ours.size, new Set(ref.keys()).size, body);
  }
});

test("a bad percent-escape is a 400 saying what to send", () => {
  assert.throws(() => parseForm("data=%E0%A4%A"), (e: Error & { status?: number }) => e.status === 400 && /percent-escape/.test(e.message));
});

test.run();
