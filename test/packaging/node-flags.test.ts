// The V8 flags the service runs with (build/node-flags.json, docs/traffic.md § Issue 18 part 5: the
// body read as bytes (2026-12-07)) are given wherever the service starts: `npm start` and the tests' service
// from source pass them; the executable embeds them (its SEA config's execArgv, build/build.mjs),
// which `npm run test:package` checks in a built probe executable.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { serviceCommand } from "../support/service-process";

const root = new URL("../..", import.meta.url).pathname;
const flags = JSON.parse(readFileSync(`${root}build/node-flags.json`, "utf8")) as string[];

test("npm start and the service from source pass every flag of build/node-flags.json", () => {
  assert.ok(flags.length > 0 && flags.every((f) => /^--[a-z0-9-]+(=\S+)?$/.test(f)), JSON.stringify(flags));
  const start = (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { scripts: Record<string, string> }).scripts.start!.split(" ");
  for (const f of flags) assert.ok(start.includes(f), `npm start gives ${f}: ${start.join(" ")}`);
  if (!process.env.RB_AIOUTLIERS_CMD) for (const f of flags) assert.ok(serviceCommand().includes(f), `the service from source gets ${f}`);
});

test.run();
