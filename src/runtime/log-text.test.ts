import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatLogLine, textStream } from "./log-text";

test("a JSON line becomes time, level, message and the other fields as key=value", () => {
  const line = JSON.stringify({ level: "warn", time: "2026-12-06T21:30:54.981Z", pid: 7, name: "rb-aioutliers", station: "s1", attempts: 3, error: "HTTP 503", msg: "downstream delivery failed; will retry" });
  assert.is(formatLogLine(line + "\n"),
    '2026-12-06T21:30:54.981Z WARN  downstream delivery failed; will retry station=s1 attempts=3 error="HTTP 503"\n');
});

test("objects are JSON, an error's stack follows indented", () => {
  const line = JSON.stringify({ level: "error", time: "T", msg: "unhandled error", path: "/x", err: { type: "Error", message: "boom", stack: "Error: boom\n    at f (a.ts:1:1)" }, q: { a: 1 } });
  assert.is(formatLogLine(line), "T ERROR unhandled error path=/x err=boom q={\"a\":1}\n    Error: boom\n        at f (a.ts:1:1)\n");
});

test("a line that is not JSON passes through; the stream writes formatted lines", () => {
  assert.is(formatLogLine("plain"), "plain\n");
  const out: string[] = [];
  textStream({ write: (l) => out.push(l) }).write(JSON.stringify({ level: "info", time: "T", msg: "listening", port: 8080 }));
  assert.equal(out, ["T INFO  listening port=8080\n"]);
});

test.run();
