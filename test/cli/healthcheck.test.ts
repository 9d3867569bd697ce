import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { serviceCommand, startService } from "../support/service-process";
import { healthUrls } from "../../src/cli/healthcheck";
import { loadConfig } from "../../src/config";

// Runs `healthcheck` as the image's health check does (from source, or the built executable via
// RB_AIOUTLIERS_CMD); asynchronous so the service it probes keeps answering.
function healthcheck(...args: string[]): Promise<{ code: number | null; out: string }> {
  const [cmd, ...pre] = serviceCommand();
  const child = spawn(cmd, [...pre, "healthcheck", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (b) => (out += b));
  child.stderr.on("data", (b) => (out += b));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out })));
}

const port = (url: string) => new URL(url).port;

test("healthcheck: exit 0 with both ports answering 200, exit 1 naming the port when the service is gone", async () => {
  const s = await startService();
  try {
    const up = await healthcheck("--traffic-port", port(s.trafficUrl), "--station-port", port(s.stationUrl));
    assert.is(up.code, 0, up.out);
    assert.match(up.out, new RegExp(`^traffic http://127\\.0\\.0\\.1:${port(s.trafficUrl)}/health 200 \\{"status":"ok"`, "m"));
    assert.match(up.out, new RegExp(`^station http://127\\.0\\.0\\.1:${port(s.stationUrl)}/health 200 \\{"status":"ok"`, "m"));
  } finally {
    await s.stop();
  }
  const down = await healthcheck("--traffic-port", port(s.trafficUrl), "--station-port", port(s.stationUrl), "--timeout-ms", "2000");
  assert.is(down.code, 1, down.out);
  assert.match(down.out, new RegExp(`^station http://127\\.0\\.0\\.1:${port(s.stationUrl)}/health no answer ECONNREFUSED$`, "m"));
});

test("healthcheck: a bad --timeout-ms is a usage error", async () => {
  const r = await healthcheck("--timeout-ms", "soon");
  assert.is(r.code, 2, r.out);
  assert.match(r.out, /--timeout-ms must be a whole number/);
});

test("healthUrls: loopback for the wildcard addresses, the bound address otherwise, IPv6 in brackets", () => {
  const urls = (traffic: string, station: string) => healthUrls(loadConfig({ env: {
    RB_AIOUTLIERS_OUTLIERSSERVERPRODUCTION_OUTLIERS_BINDING_ADDRESS: traffic, RB_AIOUTLIERS_STATIONS_BINDING_ADDRESS: station,
  } })).map((u) => u.url);
  assert.equal(urls("0.0.0.0", "::"), ["http://127.0.0.1:39091/health", "http://[::1]:8080/health"]);
  assert.equal(urls("10.0.0.5", "::1"), ["http://10.0.0.5:39091/health", "http://[::1]:8080/health"]);
});

test.run();
