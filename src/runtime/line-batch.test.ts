import { test } from "uvu";
import * as assert from "uvu/assert";
import { LineBatch } from "./line-batch";

function sink() {
  const writes: string[] = [];
  return { writes, write: (t: string) => writes.push(t) };
}

test("held lines wait; a line written at once goes after them, in one write of the held ones", () => {
  const s = sink();
  const b = new LineBatch(s, 1000, 60_000);
  b.hold("a1\n");
  b.hold("a2\n");
  assert.equal(s.writes, []);
  b.write("w\n");
  assert.equal(s.writes, ["a1\na2\n", "w\n"]);
  b.write("w2\n");
  assert.equal(s.writes, ["a1\na2\n", "w\n", "w2\n"], "nothing held: no empty write");
});

test("held lines are written once they reach maxChars", () => {
  const s = sink();
  const b = new LineBatch(s, 10, 60_000);
  b.hold("12345\n");
  assert.equal(s.writes, []);
  b.hold("67890\n");
  assert.equal(s.writes, ["12345\n67890\n"]);
});

test("held lines are written maxMs after the first of them", async () => {
  const s = sink();
  const b = new LineBatch(s, 1000, 30);
  b.hold("a1\n");
  b.hold("a2\n");
  assert.equal(s.writes, []);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(s.writes, ["a1\na2\n"]);
  b.flush();
  assert.equal(s.writes, ["a1\na2\n"], "a flush with nothing held writes nothing");
});

test.run();
