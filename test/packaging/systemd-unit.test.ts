// systemd/rb-aioutliers.service must pass `systemd-analyze verify` without a word of output (any
// output, even a warning, is a failure). verify checks that ExecStart exists and that the default
// dependencies resolve, so it runs in a scratch root holding the host's unit files, the unit and a
// stand-in executable at /usr/bin/rb-aioutliers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const unitFile = new URL("../../systemd/rb-aioutliers.service", import.meta.url).pathname;
const unit = readFileSync(unitFile, "utf8");

function verify(unitText: string): string {
  const root = mkdtempSync(join(tmpdir(), "rbao-unit-"));
  const hostUnits = ["/usr/lib/systemd/system", "/lib/systemd/system"].find((d) => existsSync(join(d, "sysinit.target")));
  if (!hostUnits) throw new Error("no systemd unit directory with sysinit.target on this machine");
  cpSync(hostUnits, join(root, "usr/lib/systemd/system"), { recursive: true });
  mkdirSync(join(root, "usr/bin"), { recursive: true });
  copyFileSync("/bin/true", join(root, "usr/bin/rb-aioutliers"));
  mkdirSync(join(root, "etc/systemd/system"), { recursive: true });
  writeFileSync(join(root, "etc/systemd/system/rb-aioutliers.service"), unitText);
  const r = spawnSync("systemd-analyze", ["verify", `--root=${root}`, "/etc/systemd/system/rb-aioutliers.service"], { encoding: "utf8" });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`;
}

test("systemd-analyze verify prints nothing for the unit", () => {
  assert.is(verify(unit), "");
});

test("the verifier does complain about a broken copy (the check above can fail)", () => {
  assert.match(verify(unit.replace("Restart=on-failure", "Restart=sometimes")), /restart specifier/);
});

test("serve runs as the service user from the RPM's config, restarting on failure", () => {
  assert.match(unit, /^ExecStart=\/usr\/bin\/rb-aioutliers serve --config \/etc\/rb-aioutliers\/config\.ini$/m);
  assert.match(unit, /^User=rb-aioutliers$/m);
  assert.match(unit, /^Restart=on-failure$/m);
  assert.match(unit, /^Environment=RB_AIOUTLIERS_PATHS_CACHE_DIR=\/var\/cache\/rb-aioutliers$/m);
  // systemd 219 has neither; with them the unit would not do what it says on CentOS 7.
  const directives = unit.split("\n").filter((l) => !l.startsWith("#")).join("\n");
  assert.not.match(directives, /StateDirectory|CacheDirectory|LogsDirectory|ProtectSystem=strict|MemoryDenyWriteExecute/);
});

test.run();
