// `serve` with a data dir it cannot use (issue 17 part 7): one line on stderr with the path, the
// cause and the fix, exit code 3 (src/cli/exit-codes.ts), no stack trace. Permissions are tested
// as an unprivileged user: run as root, the service is started as nobody (65534), for whom the
// mode bits hold (root would pass them all).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serviceCommand } from "../support/service-process";
import { EXIT_DATA_DIR } from "../../src/cli/exit-codes";
import { openSqlite } from "../../src/runtime/sqlite";

// Run as root, the service is started as nobody; under test:package's wrapper (RB_AIOUTLIERS_CMD)
// it already runs as the service's own user (build/run-in-chroot.sh).
const asRoot = process.getuid?.() === 0 && !process.env.RB_AIOUTLIERS_CMD;
const base = mkdtempSync(join(tmpdir(), "rbao-datadir-"));
chmodSync(base, 0o777); // the unprivileged user makes its dirs in here

// As nobody, the service must be able to read the checkout (a clone under a 0700 directory is not).
if (asRoot) {
  const root = new URL("../..", import.meta.url).pathname;
  const probe = spawnSync(process.execPath, ["-e", `require("fs").accessSync(${JSON.stringify(join(root, "node_modules/tsx/package.json"))})`], { uid: 65534, gid: 65534 });
  if (probe.status !== 0) throw new Error(`user 65534 cannot read the checkout at ${root}: make it and its parent directories readable by others (chmod o+rx)`);
}

function serve(dataDir: string) {
  const [cmd, ...pre] = serviceCommand();
  const r = spawnSync(cmd, [...pre, "serve", "--traffic-port", "0", "--station-port", "0", "--data-dir", dataDir], {
    encoding: "utf8", cwd: new URL("../..", import.meta.url).pathname, timeout: 30_000,
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return { code: r.status, err: r.stderr, out: r.stdout };
}

function assertOneLine(r: ReturnType<typeof serve>, path: string, cause: RegExp, fix = /set \[Paths\] data_dir \(or --data-dir\)/) {
  assert.is(r.code, EXIT_DATA_DIR, r.err + r.out);
  const lines = r.err.trim().split("\n");
  assert.is(lines.length, 1, r.err);
  assert.ok(lines[0]!.startsWith(`rb-aioutliers serve: data dir ${path}: `), lines[0]);
  assert.match(lines[0]!, cause);
  assert.match(lines[0]!, fix);
  assert.not.match(r.err, /\n\s+at |Error:/);
}

test("a data dir that is a file", () => {
  const file = join(base, "a-file");
  writeFileSync(file, "x");
  assertOneLine(serve(file), file, /is a file, not a directory; remove or move the file/);
});

test("a data dir under a file cannot be created", () => {
  const file = join(base, "parent-file");
  writeFileSync(file, "x");
  assertOneLine(serve(join(file, "data")), join(file, "data"), /cannot be created \(a part of the path is a file, not a directory\)/);
});

test("an unreadable data dir, and a read-only one", () => {
  for (const [name, mode] of [["unreadable", 0o000], ["read-only", 0o555]] as const) {
    const dir = join(base, name);
    mkdirSync(dir);
    chmodSync(dir, mode);
    if (asRoot) spawnSync("chown", ["65534:65534", dir]);
    assertOneLine(serve(dir), dir, /cannot be read and written \(permission denied\); make it the service user's \(chown, chmod u\+rwx\)/);
  }
});

test("a station database the service cannot write", () => {
  const dir = join(base, "db-read-only");
  mkdirSync(dir);
  writeFileSync(join(dir, "stations.sqlite"), "");
  chmodSync(join(dir, "stations.sqlite"), 0o444);
  if (asRoot) spawnSync("chown", ["-R", "65534:65534", dir]);
  assertOneLine(serve(dir), dir, /stations\.sqlite cannot be read and written \(permission denied\)/);
});

test("a station database of another release's schema version (a downgrade)", () => {
  const dir = join(base, "db-newer");
  mkdirSync(dir);
  const db = openSqlite(join(dir, "stations.sqlite"));
  db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '99')");
  db.close();
  // writable by whichever user runs the service (nobody here, the service's user under test:package)
  chmodSync(dir, 0o777);
  chmodSync(join(dir, "stations.sqlite"), 0o666);
  assertOneLine(serve(dir), dir, /stations\.sqlite \(the station database\) has schema version 99; this program reads version \d/, /run a release that reads it, or move the file aside to start without its data$/);
});

test.run();
