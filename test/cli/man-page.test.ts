// The man page rb-aioutliers(1) the RPM installs (issue 13 part 7) is made from the program's own
// texts, so it cannot drift from them; this checks it covers all of them and that groff renders
// it without a warning (groff-base is in .ci/apt-packages).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rpmManPage, installedDocs } from "../../build/man-page";
import { commands, overview } from "../../src/cli/commands";
import { exitCodes } from "../../src/cli/exit-codes";
import { configDocs, roff } from "../../src/cli/man-page";
import { ignoredKeys, ignoredSections } from "../../src/config/original-keys";
import { schemaKeys } from "../../src/config/schema";

const root = new URL("../..", import.meta.url).pathname;
const page = rpmManPage();

function rendered(): string {
  const file = join(mkdtempSync(join(tmpdir(), "rbao-man-")), "rb-aioutliers.1");
  writeFileSync(file, page);
  const r = spawnSync("groff", ["-man", "-Tutf8", "-ww", file], { encoding: "utf8", env: { ...process.env, GROFF_NO_SGR: "1" }, timeout: 20_000 });
  if (r.error) throw new Error(`groff is needed to check the man page (Debian: groff-base): ${r.error.message}`);
  assert.is(r.stderr, "", "groff warns about nothing");
  assert.is(r.status, 0);
  return r.stdout.replace(/.\x08/g, ""); // overstrike bold/underline
}

test("every subcommand's --help text and the overview are in the page, verbatim", () => {
  assert.ok(page.includes(roff(overview().split("\n").slice(2).join("\n"))), "overview");
  for (const c of commands) assert.ok(page.includes(roff(c.help)), `${c.name} --help`);
});

test("every config key is documented by its own comment in assets/config.ini, with its installed value", () => {
  const docs = configDocs(readFileSync(join(root, "assets/config.ini"), "utf8"));
  for (const [section, keys] of Object.entries(schemaKeys())) {
    for (const key of keys) {
      const d = docs.keys.find((k) => k.section === section && k.key === key);
      assert.ok(d && d.comment.length > 10, `[${section}] ${key} has a comment of its own in assets/config.ini`);
      assert.ok(page.includes(`\\fB${roff(key)}\\fR = ${roff(d!.value)}\n${roff(d!.comment)}`), `[${section}] ${key} in the page`);
    }
  }
  assert.not.match(page, /\(undocumented\)/);
  for (const s of Object.keys(ignoredSections)) assert.ok(page.includes(`\\fB[${roff(s)}]\\fR`), `ignored [${s}]`);
  for (const [s, keys] of Object.entries(ignoredKeys)) for (const k of Object.keys(keys)) assert.ok(page.includes(roff(`[${s}] ${k}`)), `ignored ${k}`);
});

test("exit codes, ports, files and documents are listed; the files are those the spec installs or the config names", () => {
  const text = rendered();
  const flat = text.replace(/\s+/g, " ");
  for (const e of exitCodes) assert.ok(flat.includes(` ${e.code} ${e.meaning}`), `exit code ${e.code}: ${e.meaning}`);
  assert.match(text, /^ +39091 \(traffic API\)$/m);
  assert.match(text, /^ +8080 \(station API\)$/m);
  for (const section of ["NAME", "SYNOPSIS", "DESCRIPTION", "PORTS", "COMMANDS", "CONFIGURATION", "ENVIRONMENT", "FILES", "EXIT STATUS", "SEE ALSO"])
    assert.match(text, new RegExp(`^${section}$`, "m"), section);
  const spec = readFileSync(join(root, "rb-aioutliers.spec"), "utf8")
    .replace(/%\{_sysconfdir\}/g, "/etc").replace(/%\{_localstatedir\}/g, "/var").replace(/%\{_unitdir\}/g, "/usr/lib/systemd/system")
    .replace(/%\{prefix\}/g, "/opt/rb-aioutliers").replace(/%\{_docdir\}/g, "/usr/share/doc");
  const files = [...page.matchAll(/^\\fI(.+)\\fR$/gm)].map((m) => m[1]!.replace(/\\-/g, "-"));
  assert.ok(files.length >= 6, `files: ${files}`);
  const configIni = readFileSync(join(root, "assets/config.ini"), "utf8");
  for (const f of files) assert.ok(spec.includes(f.replace(/\/$/, "")) || configIni.includes(`= ${f}`), `${f} is installed by rb-aioutliers.spec or set in assets/config.ini`);
  for (const d of installedDocs()) assert.ok(text.replace(/\s+/g, " ").includes(`/usr/share/doc/rb-aioutliers/${d}`), `SEE ALSO ${d}`);
  assert.ok(installedDocs().includes("traffic.md") && installedDocs().includes("stations.md"), "the API documents");
});

test.run();
