import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACCESS_HOLD_MS, createLogs } from "./logger";

const dir = mkdtempSync(join(tmpdir(), "rbao-logger-"));
const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");

async function until(f: string, n: number): Promise<string[]> {
  const end = Date.now() + 5000;
  for (;;) {
    const lines = read(f).split("\n").filter(Boolean);
    if (lines.length >= n || Date.now() > end) return lines;
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("[Logger] level = debug writes debug lines; access lines keep their place among the others", async () => {
  const file = join(dir, "a.log");
  const { log, access } = createLogs({ level: "debug", file });
  log.debug("one");
  access.info({ path: "/x" }, "request");
  access.debug("two");
  log.warn("three");
  const lines = (await until(file, 4)).map((l) => JSON.parse(l) as { level: string; msg: string });
  assert.equal(lines.map((l) => `${l.level} ${l.msg}`), ["debug one", "info request", "debug two", "warn three"]);
});

test("access lines alone are written within ACCESS_HOLD_MS; debug is below the default level", async () => {
  const file = join(dir, "b.log");
  const { log, access } = createLogs({ file, format: "text" });
  log.info("start");
  await until(file, 1);
  const started = Date.now();
  access.info({ path: "/y" }, "request");
  access.debug("below info");
  const lines = await until(file, 2);
  assert.ok(Date.now() - started < ACCESS_HOLD_MS + 1000, `${Date.now() - started} ms`);
  assert.is(lines.length, 2);
  assert.match(lines[1]!, /^\S+Z INFO  request path=\/y$/);
});

// To stdout, which is open from the start (a log file opens asynchronously, and a process that ends
// before it has opened loses its lines whatever holds them).
for (const end of ["process.exit(0)", "throw new Error(\"boom\")"]) {
  test(`held access lines are written when the process ends: ${end}`, () => {
    const script = join(dir, `end-${end.length}.ts`);
    writeFileSync(script, `import { createLogs } from ${JSON.stringify(new URL("./logger.ts", import.meta.url).pathname)};
const { access } = createLogs();
setTimeout(() => { for (let i = 0; i < 3; i++) access.info({ i }, "request"); ${end}; }, 50);
`);
    const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" });
    assert.is(r.status, end.startsWith("throw") ? 1 : 0, r.stderr);
    assert.equal(r.stdout.split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { i: number }).i), [0, 1, 2]);
  });
}

test.run();
