import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serviceCommand } from "../support/service-process";

// Runs the program as an operator would (from source, or the built executable via RB_AIOUTLIERS_CMD).
function cli(...args: string[]) {
  const [cmd, ...pre] = serviceCommand();
  const r = spawnSync(cmd, [...pre, ...args], { encoding: "utf8", cwd: new URL("../..", import.meta.url).pathname });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("--help lists every subcommand, each has its own --help", () => {
  const r = cli("--help");
  assert.is(r.code, 0);
  const names = [...r.out.matchAll(/^  ([a-z-]+)  /gm)].map((m) => m[1]);
  assert.ok(names.includes("serve") && names.includes("check-config") && names.includes("version"), r.out);
  for (const name of names) {
    const h = cli(name, "--help");
    assert.is(h.code, 0, `${name} --help`);
    assert.match(h.out, new RegExp(`Usage: rb-aioutliers ${name}`));
  }
});

test("an unknown subcommand or flag is a usage error, exit 2", () => {
  const r = cli("frobnicate");
  assert.is(r.code, 2);
  assert.match(r.err, /unknown subcommand 'frobnicate'/);
  const f = cli("check-config", "--bogus");
  assert.is(f.code, 2);
  assert.match(f.err, /--bogus/);
});

test("version prints the package version", () => {
  const r = cli("version");
  assert.is(r.code, 0);
  assert.match(r.out, /^rb-aioutliers \d+\.\d+\.\d+ \(node v\d+/);
});

test("check-config prints the effective config and rejects a bad one naming the key", () => {
  const dir = mkdtempSync(join(tmpdir(), "rbao-cc-"));
  writeFileSync(join(dir, "good.ini"), "[Stations]\nport=8181\n");
  const ok = cli("check-config", "--config", join(dir, "good.ini"));
  assert.is(ok.code, 0, ok.err);
  assert.match(ok.out, /\[Stations\][^[]*port=8181/);
  assert.match(ok.out, /outliers_server_port=39091/);
  writeFileSync(join(dir, "bad.ini"), "[Stations]\nport=abc\n");
  const bad = cli("check-config", "--config", join(dir, "bad.ini"));
  assert.is(bad.code, 1);
  assert.match(bad.err, /\[Stations\] port/);
});

test.run();
