// Config that catches typos (issue 13 part 5), through the real program: check-config and serve
// refuse unknown sections and keys with every problem listed at once and a suggestion for near
// misses, and accept the original service's config.ini, naming what in it is ignored.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { serviceCommand, startService } from "../support/service-process";
import { fixturePath } from "../support/fixtures";

const dir = mkdtempSync(join(tmpdir(), "rbao-config-check-"));

function cli(...args: string[]) {
  const [cmd, ...pre] = serviceCommand();
  const r = spawnSync(cmd, [...pre, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

// The original's config.ini as its Chef cookbook wrote it (with planted secrets).
const original = fixturePath("upstream/config.ini");

const typos = file("typos.ini", "[Logger]\nlevl = debug\n[Stations]\nsqlite_synchronous = always\n[Druids]\ndruid_endpoint = http://x/\n");
const typoLines = [
  "[Logger] levl: unknown key; did you mean level?",
  '[Stations] sqlite_synchronous: Invalid option: expected one of "normal"|"full"',
  "[Druids]: unknown section; did you mean [Druid]?",
];

test("check-config accepts the original's config.ini and names each ignored section and key on stderr", () => {
  const r = cli("check-config", "--config", original);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /outliers_binding_address=127\.0\.0\.1/);
  for (const w of ["[OutliersServerProduction] outliers_server_workers is ignored", "[OutliersServerProduction] outliers_server_threads is ignored",
    "[OutliersServerTesting] is ignored", "[redBorder] is ignored", "[NTP] is ignored"])
    assert.ok(r.err.includes(`warning: ${w}`), `${w} in:\n${r.err}`);
  assert.match(r.out, /s3_private_key=REDACTED/);
  assert.match(r.out, /rd_secret=REDACTED/);
  assert.not.match(r.out + r.err, /planted/, "no secret is printed");
});

test("check-config lists every unknown section, unknown key and bad value at once, exit 1", () => {
  const r = cli("check-config", "--config", typos);
  assert.is(r.code, 1);
  for (const line of typoLines) assert.ok(r.err.includes(line), `${line} in:\n${r.err}`);
});

test("serve refuses the same file before listening, with the same list", async () => {
  const [cmd, ...pre] = serviceCommand();
  const r = spawnSync(cmd, [...pre, "serve", "--traffic-port", "0", "--station-port", "0", "--data-dir", join(dir, "data-typos"), "--config", typos],
    { encoding: "utf8", timeout: 30_000 });
  assert.is(r.status, 1, r.stdout + r.stderr);
  for (const line of typoLines) assert.ok(r.stderr.includes(line), `${line} in:\n${r.stderr}`);
  assert.not.match(r.stdout, /listening/);
});

test("serve runs on the original's config.ini and logs each ignored part as a warning", async () => {
  // Its Redis and S3 hosts moved to a closed loopback port: nothing beyond loopback is contacted;
  // its relative paths into the temporary dir.
  const loopback = readFileSync(original, "utf8").replace("./backups", `${dir}/backups`).replace("./outliers.log", `${dir}/outliers.log`)
    .replace("http://s3.service", "http://127.0.0.1:1").replace("rd_hostname=10.0.0.2", "rd_hostname=127.0.0.1").replace("rd_port=16379", "rd_port=1");
  const svc = await startService({ configIni: loopback });
  try {
    const warned = svc.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { level: string; msg: string })
      .filter((l) => l.level === "warn").map((l) => l.msg);
    for (const w of ["[NTP] is ignored", "[OutliersServerTesting] is ignored"])
      assert.ok(warned.some((m) => m.startsWith(w)), `${w} in:\n${warned.join("\n")}`);
    const health = await fetch(`${svc.trafficUrl}/health`);
    assert.is(health.status, 200);
    assert.not.match(svc.output() + await health.text(), /planted/, "no secret in the log or /health");
  } finally {
    await svc.stop();
  }
});

test.run();
