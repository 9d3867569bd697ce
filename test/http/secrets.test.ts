// No secret leaks (issue 17 part 4), through the real service: secrets are planted in every place
// one can be configured (the downstream endpoint's password, the Druid endpoint's password, the
// original config.ini's [AWS] and [Redis] secrets, [Server] auth_token), every failure path is
// exercised (the downstream refusing, then down, then back; the Druid broker down; requests
// without or with a wrong token; bad configurations through check-config and serve), and then
// everything the service and the CLI said is searched for them: logs at trace level (so every
// level, the retry warn line included), /health and /metrics of both ports, every answer's body
// and check-config's output. The downstream endpoint's credentials are also shown to work: the
// deliveries arrive with their Basic authorization.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { until } from "../support/until";
import { serviceCommand, startService } from "../support/service-process";
import { Downstream } from "../stations/downstream";
import { blockBody } from "../stations/stream";
import { b64, readmeQuery } from "../traffic/http-helpers";

const SINK = { user: "sinkuser", password: "planted-sink-pw" };
const TOKEN = "planted-token-0123456789";
const SECRETS = [SINK.password, "planted-druid-pw", "planted-aws-secret", "planted-redis-secret", TOKEN];
/** The secrets and the forms they could take on the way out (Basic authorization is base64). */
const FORMS = [...SECRETS, b64(`${SINK.user}:${SINK.password}`), b64(`druiduser:planted-druid-pw`), encodeURIComponent(SINK.password)];

const dir = mkdtempSync(join(tmpdir(), "rbao-secrets-"));
/** The config: Druid down (port 1 refuses), the original's secret sections, the token, every log level. */
const configText = `[Server]
auth_token = ${TOKEN}

[Stations]
default_pipeline = kalman-batch
outbox_max_backoff_ms = 200
outbox_timeout_ms = 500

[Druid]
druid_endpoint = http://druiduser:planted-druid-pw@127.0.0.1:1/druid/v2/

[Logger]
level = trace

[AWS]
s3_hostname=http://s3.service
s3_private_key=planted-aws-secret

[Redis]
rd_hostname=10.0.0.2
rd_secret=planted-redis-secret
`;

/** Everything said, to be searched at the end. */
const said: string[] = [];

function assertNoSecret(text: string, where: string) {
  for (const s of FORMS) assert.not.ok(text.includes(s), `${where} shows a secret (${s.slice(0, 9)}…):\n${text.slice(0, 2000)}`);
}

function cli(args: string[], env: Record<string, string> = {}) {
  const [cmd, ...pre] = serviceCommand();
  const r = spawnSync(cmd, [...pre, ...args], { encoding: "utf8", timeout: 30_000, env: { ...process.env, ...env } });
  said.push(r.stdout, r.stderr);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(url, init);
  const text = await r.text();
  said.push(text);
  return { status: r.status, text };
}

const authorized = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

test("the service: planted secrets appear nowhere after every failure path, and the endpoint's credentials are used", async () => {
  const sink = await Downstream.start("status");
  sink.status = 401;
  const endpoint = `http://${SINK.user}:${SINK.password}@127.0.0.1:${sink.port}/ingest`;
  const svc = await startService({ configIni: configText, env: { DATA_SERVER_ENDPOINT: endpoint } });
  try {
    const s = svc.stationUrl;
    // Without the token, with a wrong one: 401.
    assert.is((await call(`${s}/initialize`, { method: "POST", body: "{}" })).status, 401);
    assert.is((await call(`${s}/initialize`, { method: "POST", headers: { authorization: "Bearer not-the-token-at-all" }, body: "{}" })).status, 401);
    assert.is((await call(`${s}/initialize`, { method: "POST", headers: authorized, body: JSON.stringify({ id_estacio: "s_1", variables: { a: 8 } }) })).status, 200);
    const block = async (b: number) => assert.is((await call(`${s}/detection`, { method: "POST", headers: authorized, body: JSON.stringify(blockBody("s_1", b * 10, 10, ["a"])) })).status, 200);
    for (let b = 0; b < 5; b++) await block(b);
    // The downstream refuses (401): an error line per attempt, kept queued.
    await until("a rejected delivery", () => svc.output().includes("downstream rejected a delivery"), 15_000);
    await call(`${s}/health`);
    // The downstream is down: a warn line per retry.
    await sink.setMode("down");
    await until("a failed delivery", () => svc.output().includes("downstream delivery failed; will retry"), 15_000);
    await call(`${s}/health`);
    // Back: everything queued arrives, with the endpoint's credentials as Basic authorization.
    await sink.setMode("ok");
    for (let b = 5; b < 8; b++) await block(b);
    await until("the backlog delivered", async () => JSON.parse((await call(`${s}/health`)).text).outbox.depth === 0, 15_000);
    assert.ok(sink.received.length > 0, "deliveries arrived");
    for (const r of sink.received) {
      assert.is(r.authorization, `Basic ${b64(`${SINK.user}:${SINK.password}`)}`);
      assert.ok(r.path.startsWith("/ingest/"), r.path);
    }
    const health = JSON.parse((await call(`${s}/health`)).text) as { outbox: { endpoint: string } };
    assert.is(health.outbox.endpoint, `http://127.0.0.1:${sink.port}/ingest`, "the endpoint is shown without its credentials");
    // Druid down: a 502 that names the broker without its credentials.
    const druid = await call(`${svc.trafficUrl}/api/v1/outliers`, { method: "POST", headers: authorized, body: JSON.stringify({ query: b64(readmeQuery) }) });
    assert.is(druid.status, 502, druid.text);
    assert.match(druid.text, /127\.0\.0\.1:1\/druid\/v2\//);
    for (const base of [s, svc.trafficUrl]) {
      await call(`${base}/health`);
      await call(`${base}/metrics`);
      await call(`${base}/openapi.json`);
    }
  } finally {
    await svc.stop();
    await sink.close();
  }
  said.push(svc.output());
  for (const level of ["info", "warn", "error"]) assert.match(svc.output(), `"level":"${level}"`, `${level} lines were written (and nothing filtered: level = trace)`);
  said.forEach((text, i) => assertNoSecret(text, `service output ${i}`));
});

test("check-config and serve with planted secrets, valid and not: none of them printed", () => {
  said.length = 0;
  const endpoint = `http://${SINK.user}:${SINK.password}@127.0.0.1:9/ingest`;
  // check-config on the same configuration: valid, secrets left out.
  const file = join(dir, "config.ini");
  writeFileSync(file, configText);
  const ok = cli(["check-config", "--config", file], { DATA_SERVER_ENDPOINT: endpoint });
  assert.is(ok.code, 0, ok.err);
  assert.match(ok.out, /auth_token=\(hidden\)/);
  assert.match(ok.out, /druid_endpoint=http:\/\/127\.0\.0\.1:1\/druid\/v2\//);
  // Bad configurations, each with a secret in or beside the bad value.
  const bad = join(dir, "bad.ini");
  writeFileSync(bad, configText.replace("[Stations]\n", "[Stations]\nbody_limit = -1\n"));
  for (const [args, env] of [
    [["check-config", "--config", bad], { DATA_SERVER_ENDPOINT: endpoint }],
    [["check-config", "--config", file], { DATA_SERVER_ENDPOINT: `http://${SINK.user}:${SINK.password}@[::1` }],
    [["check-config"], { RB_AIOUTLIERS_SERVER_AUTH_TOKEN: "planted-aws-secret x" }],
    [["serve", "--traffic-port", "0", "--station-port", "0", "--data-dir", join(dir, "data"), "--config", bad], { DATA_SERVER_ENDPOINT: endpoint }],
  ] as [string[], Record<string, string>][]) {
    const r = cli(args, env);
    assert.is(r.code, 1, `${args.join(" ")}: ${r.out}${r.err}`);
    assert.match(r.err, /invalid configuration/);
  }
  said.forEach((text, i) => assertNoSecret(text, `CLI output ${i}`));
});

test.run();
