// Logs an operator can read (issue 13 part 6), from the real service: JSON lines with level names
// and ISO times; an access line per request on both ports (off with [Logger] access_log = false);
// `log_format = text` for a terminal.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { until } from "../support/until";
import { serviceCommand, startService, type RunningService } from "../support/service-process";

type Line = Record<string, unknown>;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function jsonLines(svc: RunningService): Line[] {
  return svc.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Line);
}

test("JSON lines carry level names and ISO times; every request on either port gets an access line", async () => {
  const svc = await startService();
  try {
    const health = await fetch(`${svc.trafficUrl}/health`);
    const healthBody = await health.text();
    await (await fetch(`${svc.stationUrl}/initialize?token=hidden`, { method: "POST", body: "{}" })).text();
    await (await fetch(`${svc.stationUrl}/no-such-route`)).text();
    const access = await until("three access lines", () => {
      const a = jsonLines(svc).filter((l) => l.msg === "request");
      return a.length >= 3 ? a : undefined;
    });
    for (const l of jsonLines(svc)) {
      assert.ok(["trace", "debug", "info", "warn", "error", "fatal"].includes(l.level as string), `level ${l.level}`);
      assert.match(l.time as string, ISO);
    }
    const [h, init, missing] = access;
    assert.equal({ ...h, time: undefined, ms: undefined, bytes: undefined, pid: undefined },
      { level: "info", time: undefined, pid: undefined, name: "rb-aioutliers", api: "traffic", method: "GET", path: "/health", status: 200, ms: undefined, bytes: undefined, msg: "request" });
    assert.ok((h!.ms as number) >= 0 && (h!.ms as number) < 5000, `ms ${h!.ms}`);
    assert.ok((h!.bytes as number) > healthBody.length, `bytes ${h!.bytes} count the body and the headers`);
    assert.equal([init!.api, init!.method, init!.path, init!.status], ["station", "POST", "/initialize", 415], "no query string in the path");
    assert.equal([missing!.api, missing!.path, missing!.status], ["station", "/no-such-route", 404]);
  } finally {
    await svc.stop();
  }
});

test("[Logger] access_log = false: no access lines", async () => {
  const svc = await startService({ configIni: "[Logger]\naccess_log = false\n" });
  try {
    await (await fetch(`${svc.trafficUrl}/health`)).text();
    await (await fetch(`${svc.stationUrl}/health`)).text();
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await svc.stop();
  }
  assert.ok(jsonLines(svc).some((l) => l.msg === "stopped"), "the log was read to the end");
  assert.not.ok(jsonLines(svc).some((l) => l.msg === "request"));
});

test("log_format = text: one readable line per entry", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-logs-"));
  writeFileSync(join(dir, "config.ini"), "[Logger]\nlog_format = text\n");
  const [cmd, ...pre] = serviceCommand();
  const child = spawn(cmd, [...pre, "serve", "--traffic-port", "0", "--station-port", "0", "--data-dir", join(dir, "data"), "--config", join(dir, "config.ini")],
    { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b));
  child.stderr.on("data", (b: Buffer) => (out += b));
  const exited = new Promise((r) => child.once("exit", r));
  try {
    const port = await until("the traffic API's listening line", () => /INFO  listening api=traffic host=\S+ port=(\d+)/.exec(out)?.[1], 30_000);
    await (await fetch(`http://127.0.0.1:${port}/health`)).text();
    const line = await until("the access line", () => /^.* INFO  request api=traffic .*$/m.exec(out)?.[0]);
    assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  request api=traffic method=GET path=\/health status=200 ms=[\d.]+ bytes=\d+$/);
    assert.not.match(out, /^\{/m, "no JSON lines");
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
});

test.run();
