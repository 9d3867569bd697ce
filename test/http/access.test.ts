// Access (issue 17 part 5), through the real service: with [Server] auth_token, every write and
// delete on both ports needs `Authorization: Bearer <token>` (401 with a WWW-Authenticate: Bearer
// challenge and a message naming the setting otherwise) while reads stay open; with [Server]
// auth_reads, reads need it too except /health and the status page's shell. The token can come
// from a file that is not open to others. [Druid] allowed_datasources refuses other dataSources
// with a 403 naming the setting, before the broker is asked.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { serviceCommand, startService } from "../support/service-process";
import { blockBody } from "../stations/stream";
import { b64, readmeQuery } from "../traffic/http-helpers";

const TOKEN = "0123456789abcdef0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "rbao-access-"));

async function send(url: string, method: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, challenge: r.headers.get("www-authenticate"), text };
}

function assertRefused(r: Awaited<ReturnType<typeof send>>, what: string, wrongToken = false) {
  assert.is(r.status, 401, `${what}: ${r.text}`);
  assert.is(r.challenge, wrongToken ? 'Bearer realm="rb-aioutliers", error="invalid_token"' : 'Bearer realm="rb-aioutliers"', what);
  assert.match(JSON.parse(r.text).msg, /\[Server\] auth_token/, what);
}

test("auth_token: every write and delete on both ports needs it; reads and /health stay open", async () => {
  // The broker's port refuses connections: a query that passes the checks is a 502.
  const svc = await startService({ configIni: "[Druid]\ndruid_endpoint = http://127.0.0.1:1/druid/v2/\n", env: { RB_AIOUTLIERS_SERVER_AUTH_TOKEN: TOKEN } });
  try {
    const s = svc.stationUrl, t = svc.trafficUrl;
    const init = { id_estacio: "s_1", variables: { a: 8 } };
    const writes: [string, string, unknown][] = [
      [`${s}/initialize`, "POST", init],
      [`${s}/detection`, "POST", blockBody("s_1", 0, 10, ["a"])],
      [`${s}/stations/s_1/maintenance`, "POST", { from: "2021-01-01 00:00:00", to: "2021-01-01 01:00:00", reason: "test" }],
      [`${s}/stations/s_1/maintenance/1`, "DELETE", undefined],
      [`${s}/stations/s_1`, "DELETE", undefined],
      [`${t}/api/v1/outliers`, "POST", { query: b64(readmeQuery) }],
      [`${t}/calculate`, "POST", { query: b64(readmeQuery) }],
      [`${t}/api/v1/ip_identifier`, "POST", { outliers: [], all_ips_data: {} }],
    ];
    for (const [url, method, body] of writes) {
      assertRefused(await send(url, method, body), `${method} ${url} without a token`);
      assertRefused(await send(url, method, body, `${TOKEN}x`), `${method} ${url} with a wrong token`, true);
    }
    // With the token, each is served (what it answers is the route's business).
    const served = [];
    for (const [url, method, body] of writes) served.push((await send(url, method, body, TOKEN)).status);
    assert.equal(served, [200, 200, 201, 200, 200, 502, 502, 200]);
    for (const url of [`${s}/stations`, `${s}/health`, `${s}/metrics`, `${t}/api/v1/models`, `${t}/health`, `${s}/`, `${t}/openapi.json`])
      assert.is((await send(url, "GET")).status, 200, `GET ${url} stays open`);
    // [Druid] allowed_datasources (default rb_flow): another dataSource is a 403 naming the setting.
    const other = await send(`${t}/api/v1/outliers`, "POST", { query: b64({ ...readmeQuery, dataSource: "rb_secret" }) }, TOKEN);
    assert.is(other.status, 403, other.text);
    assert.is(JSON.parse(other.text).msg, 'dataSource "rb_secret" may not be read: [Druid] allowed_datasources allows "rb_flow"');
  } finally {
    await svc.stop();
  }
});

test("auth_reads with the token from a file: reads need it, /health and the page's shell do not", async () => {
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, `${TOKEN}\n`);
  chmodSync(tokenFile, 0o600);
  const svc = await startService({ configIni: `[Server]\nauth_token_file = ${tokenFile}\nauth_reads = true\n[Druid]\nallowed_datasources = *\n` });
  try {
    const s = svc.stationUrl, t = svc.trafficUrl;
    for (const url of [`${s}/stations`, `${s}/metrics`, `${s}/stations/s_1/events`, `${t}/api/v1/models`, `${t}/metrics`]) {
      assertRefused(await send(url, "GET"), `GET ${url}`);
      assert.not.equal((await send(url, "GET", undefined, TOKEN)).status, 401, `GET ${url} with the token`);
    }
    for (const url of [`${s}/health`, `${t}/health`, `${s}/`, `${t}/`, `${s}/ui/console.js`, `${s}/docs`, `${t}/openapi.json`])
      assert.is((await send(url, "GET")).status, 200, `GET ${url} stays open`);
    // "*": any dataSource reaches the broker (none here: 502, not 403).
    assert.is((await send(`${t}/api/v1/outliers`, "POST", { query: b64({ ...readmeQuery, dataSource: "rb_other" }) }, TOKEN)).status, 502);
  } finally {
    await svc.stop();
  }
});

test("a token file open to others, or a token too short, stops the start naming the fix", () => {
  const open = join(dir, "open-token");
  writeFileSync(open, `${TOKEN}\n`);
  chmodSync(open, 0o644);
  const [cmd, ...pre] = serviceCommand();
  const run = (env: Record<string, string>) => spawnSync(cmd, [...pre, "check-config"], { encoding: "utf8", timeout: 30_000, env: { ...process.env, ...env } });
  const r = run({ RB_AIOUTLIERS_SERVER_AUTH_TOKEN_FILE: open });
  assert.is(r.status, 1, r.stdout);
  assert.ok(r.stderr.includes(`[Server] auth_token_file: ${open} has mode 0644, open to others; chmod 0600`), r.stderr);
  const short = run({ RB_AIOUTLIERS_SERVER_AUTH_TOKEN: "short" });
  assert.is(short.status, 1, short.stdout);
  assert.match(short.stderr, /\[Server\] auth_token: expected at least 16 visible ASCII characters/);
});

test.run();
