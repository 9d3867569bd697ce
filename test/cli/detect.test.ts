// `detect` run as a real child process (from source, or the built executable via
// RB_AIOUTLIERS_CMD): CSV in, one scored line per row out, in order; bad input -> exit 2 with the
// line named; output starts before the input ends (it streams).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serviceCommand } from "../support/service-process";
import { createPipeline, pipelineOptionsFor, Rng } from "../../src/detect";

const cwd = new URL("../..", import.meta.url).pathname;

function cli(args: string[], input?: string) {
  const [cmd, ...pre] = serviceCommand();
  const r = spawnSync(cmd, [...pre, "detect", ...args], { encoding: "utf8", cwd, input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function series(n: number, spikeAt: number): { ts: string; value: string }[] {
  const rng = new Rng(3);
  return Array.from({ length: n }, (_, i) => ({
    ts: `2024-03-01 ${[Math.floor(i / 3600), Math.floor(i / 60) % 60, i % 60].map((f) => String(f).padStart(2, "0")).join(":")}`,
    value: (Math.sin(i / 8) + (rng.nextFloat() - 0.5) * 0.2 + (i === spikeAt ? 9 : 0)).toFixed(4),
  }));
}

/** Asserts CLI output lines equal the library's: every field exact except the score, which may
 * differ in the last bits (by at most 1e-12; scores are in [0, 1]): the executable runs on Node 24, whose Math.pow/exp
 * differ from Node 20's in the last ulp for some inputs. */
function assertSameRows(actual: string[], wanted: string[]) {
  assert.is(actual.length, wanted.length, "row count");
  actual.forEach((line, i) => {
    const a = line.split(","), w = wanted[i].split(",");
    if (i === 0) return assert.is(line, wanted[i], "header");
    assert.equal([a[0], a[1], a[3]], [w[0], w[1], w[3]], `line ${i + 1}: timestamp, value, label`);
    const da = Number(a[2]), dw = Number(w[2]);
    assert.ok(Math.abs(da - dw) <= 1e-12 * Math.max(1, Math.abs(dw)), `line ${i + 1}: score ${da} vs ${dw}`);
  });
}

const csv = (rows: { ts: string; value: string }[]) => `timestamp,value\n${rows.map((r) => `${r.ts},${r.value}`).join("\n")}\n`;

/** What the output must be: the library's decisions mapped onto the rows (0,0 where none). */
function expected(name: string, window: number, rows: { ts: string; value: string }[]): string[] {
  const p = createPipeline(pipelineOptionsFor(name, window));
  const out = rows.map((r) => ({ ...r, score: 0, label: 0 }));
  rows.forEach((r, i) => {
    const d = p.update(Number(r.value), r.ts);
    d?.scores.forEach((s, j) => {
      const k = i - d.scores.length + 1 + j;
      out[k].score = s;
      out[k].label = d.labels[j];
    });
  });
  return ["timestamp,value,anomaly_score,label", ...out.map((r) => `${r.ts},${r.value},${r.score},${r.label}`)];
}

test("batch, stdin to stdout: every row in order with its window's score; trailing partial window 0,0", () => {
  const rows = series(100, 40);
  const r = cli(["--pipeline", "batch", "--window", "16"], csv(rows));
  assert.is(r.code, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  assert.is(lines.length, 101);
  assertSameRows(lines, expected("batch", 16, rows));
  assert.ok(lines.slice(97).every((l) => l.endsWith(",0,0")), "rows 96..99 were never decided");
  assert.ok(lines[41].endsWith(",1"), `the spike is labelled: ${lines[41]}`);
});

test("kalman-sliding with --input/--output files; extra columns ignored; CRLF accepted", () => {
  const rows = series(200, 150);
  const dir = mkdtempSync(join(tmpdir(), "rbao-detect-"));
  const input = join(dir, "in.csv");
  const output = join(dir, "out.csv");
  writeFileSync(input, `value,extra,timestamp\r\n${rows.map((r) => `${r.value},x,${r.ts}`).join("\r\n")}\r\n`);
  const r = cli(["--pipeline", "kalman-sliding", "--window", "32", "--input", input, "--output", output]);
  assert.is(r.code, 0, r.err);
  assert.is(r.out, "");
  const lines = readFileSync(output, "utf8").trimEnd().split("\n");
  assertSameRows(lines, expected("kalman-sliding", 32, rows));
  assert.ok(lines.slice(1).every((l) => Number(l.split(",")[2]) > 0), "sliding decides every row from the first window on");
});

test("default sizes itself: no --window needed; every row decided as the library decides it", () => {
  const rows = series(1200, 900);
  const r = cli(["--pipeline", "default"], csv(rows));
  assert.is(r.code, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  assertSameRows(lines, expected("default", 0, rows));
  assert.ok(lines[901].endsWith(",1"), `the spike is labelled: ${lines[901]}`);
});

test("default with --window: the window is its learning period; a spike right after it is labelled", () => {
  const rows = series(400, -1);
  rows[70] = { ...rows[70], value: "30" }; // about 30 robust SDs from the sine of the last 64 rows
  const r = cli(["--pipeline", "default", "--window", "64"], csv(rows));
  assert.is(r.code, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  assertSameRows(lines, expected("default", 64, rows));
  assert.ok(lines[71].endsWith(",1"), `the spike at row 71 is labelled: ${lines[71]}`);
  assert.ok(lines.slice(1, 65).every((l) => l.endsWith(",0,0")), "nothing scored while learning");
});

test("bad input stops with the line named, exit 2", () => {
  const bad = [
    ["timestamp,value\n2024-01-01,1\n2024-01-02,abc\n", /line 3: value 'abc' is not a finite number/],
    ["timestamp,value\n2024-01-01,NaN\n", /line 2: value 'NaN'/],
    ["timestamp,value\n2024-01-01,1\n2024-01-02,1e39\n", /line 3: value must be a finite number within .* \(float32\)/],
    ["time,value\n2024-01-01,1\n", /line 1: missing column 'timestamp'/],
    ["", /empty input/],
    ["value,timestamp\n1\n", /line 2: expected 2 columns, got 1/],
    ["timestamp,value\n2024-01-01,1\nnot-a-time,2\n", /line 3: timestamp 'not-a-time' is not a date-time like "2021-01-01 00:00:00"/],
    ["timestamp,value\n2021-02-30 00:00:00,1\n", /line 2: timestamp '2021-02-30 00:00:00' is not .*no 2021-02-30 or 24:00/],
  ] as const;
  for (const [input, message] of bad) {
    const r = cli(["--pipeline", "sliding", "--window", "8"], input);
    assert.is(r.code, 2, `exit code for ${JSON.stringify(input)}`);
    assert.match(r.err, message);
  }
});

test("usage errors exit 2; --help documents the options and pipelines", () => {
  assert.match(cli(["--pipeline", "batch"], "").err, /--window is required/);
  assert.match(cli(["--pipeline", "nope", "--window", "8"], "").err, /unknown pipeline 'nope'/);
  const missing = cli(["--pipeline", "batch", "--window", "8", "--input", "/nonexistent/x.csv"]);
  assert.is(missing.code, 2);
  assert.match(missing.err, /cannot open \/nonexistent\/x\.csv/);
  const unwritable = cli(["--pipeline", "batch", "--window", "8", "--output", "/nonexistent/out.csv"], "timestamp,value\n");
  assert.is(unwritable.code, 2);
  assert.match(unwritable.err, /cannot open \/nonexistent\/out\.csv/);
  const h = cli(["--help"]);
  assert.is(h.code, 0);
  for (const word of ["--pipeline", "--window", "--input", "--output", "kalman-sliding", "anomaly_score"]) assert.ok(h.out.includes(word), word);
});

test("it streams: decisions come out while the input is still open", async () => {
  const [cmd, ...pre] = serviceCommand();
  const child = spawn(cmd, [...pre, "detect", "--pipeline", "sliding", "--window", "8"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.setEncoding("utf8");
  child.stdin.write(csv(series(5000, -1)));
  // Output is written in 64 KiB chunks; 5000 rows are more than one chunk.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output while stdin open; got ${out.length} bytes`)), 60000);
    child.stdout.on("data", (s: string) => {
      out += s;
      if (out.split("\n").length > 1000) { clearTimeout(timer); resolve(); }
    });
  });
  assert.ok(child.exitCode === null, "still running: stdin is open");
  child.stdin.end();
  const code = await new Promise((resolve) => child.on("close", resolve));
  assert.is(code, 0);
  assert.is(out.trimEnd().split("\n").length, 5001);
});

test.run();
