// `rb-aioutliers detect`: streams a timestamp,value CSV through one of the streaming pipelines
// and writes timestamp,value,anomaly_score,label for every input row, in input order (the results
// format anomaly benchmarks read). Rows wait only until the decision covering them (at most a
// window's worth), so memory does not grow with the input.
import { createReadStream, createWriteStream, openSync } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import type { Readable, Writable } from "node:stream";
import { UsageError, type Command } from "./command";
import { ARTIME_LEARNING_ROWS, createPipeline, DEFAULT_DETECTOR_THRESHOLD, pipelineNames, pipelineOptionsFor, selfSizingPipelines, type Pipeline } from "../detect";
import { ISO_TIME_FORMS, isIsoTime } from "../detect/iso-time";

/** Bad input data: reported with its line number, exit code 2. */
class InputError extends Error {}

interface PendingRow {
  timestamp: string;
  value: string;
  score: number;
  label: 0 | 1;
}

export const detectCommand: Command = {
  name: "detect",
  summary: "score a timestamp,value CSV with a streaming pipeline (stdin to stdout)",
  help: `Usage: rb-aioutliers detect --pipeline NAME [--window N] [--input FILE] [--output FILE]

Streams a CSV time series through a streaming outlier pipeline and writes one
result line per input row, in input order.

  --pipeline NAME  ${Object.keys(pipelineNames).join(", ")}
                   (batch: decide each full window of N points; sliding: decide
                   every new point against the last N; kalman-*: drift tested on
                   Kalman-filtered values; isolation forest, score threshold 0.8,
                   drift by Mann-Kendall/Yue-Wang + Wilcoxon, alpha 0.05, slope 0.1)
                   (default: our own streaming detector, which sizes itself;
                   label threshold ${DEFAULT_DETECTOR_THRESHOLD}; see docs/quality.md)
                   (artime: our port of NAB's ARTime; learns the range over its
                   first ${ARTIME_LEARNING_ROWS} rows (scored 0), labels every anomaly it reports;
                   see docs/detection.md)
                   (cad-ose: CAD OSE, the contextual anomaly detector of NAB's
                   contextOSE; its value range is learned over the first N rows
                   (--window, default 300) and widened by later extremes; label
                   threshold 0.75; see docs/quality.md)
  --window N       window length (integer >= 3); required by every pipeline
                   except default, where it is the learning period (rows
                   before anything is flagged; default 100), cad-ose, where it
                   is the learning period (default 300), and artime, which
                   ignores it
  --input FILE     read FILE instead of stdin
  --output FILE    write FILE instead of stdout

Input: a header line naming the columns timestamp and value (others are
ignored), then one row per sample; timestamp must be ISO 8601 (YYYY-MM-DD,
then optionally T or a space and hh:mm[:ss[.fff]], then optionally Z or
±hh:mm; no zone = UTC), a real date and time; value must be a finite number.
Output: timestamp,value,anomaly_score,label. anomaly_score in [0, 1] is the
|score| of the decision that covered the row, label 1 marks an outlier; rows
no decision covered (before the first one, or a trailing partial batch window)
get 0,0.

Exit codes: 0 done; 2 usage error or bad input (the message names the line).`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { pipeline: { type: "string" }, window: { type: "string" }, input: { type: "string" }, output: { type: "string" } },
      strict: true,
    });
    if (!values.pipeline) throw new UsageError(`--pipeline NAME is required (${Object.keys(pipelineNames).join(", ")})`);
    if (!values.window && !selfSizingPipelines.has(values.pipeline)) throw new UsageError(`--window is required by pipeline ${values.pipeline} (an integer >= 3)`);
    if (values.window && !/^\d+$/.test(values.window)) throw new UsageError(`--window must be a whole number, got '${values.window}'`);
    let pipeline: Pipeline;
    try {
      pipeline = createPipeline(pipelineOptionsFor(values.pipeline, Number(values.window ?? 0)));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    // Open both files up front so a bad path is reported before anything is read or written.
    let input: Readable = process.stdin;
    let output: Writable = process.stdout;
    try {
      if (values.input) input = createReadStream("", { fd: openSync(values.input, "r") });
      if (values.output) output = createWriteStream("", { fd: openSync(values.output, "w") });
    } catch (e) {
      if (input !== process.stdin) input.destroy();
      console.error(`rb-aioutliers detect: cannot open ${(e as NodeJS.ErrnoException).path ?? "file"}: ${(e as Error).message}`);
      return 2;
    }
    try {
      await scoreCsv(pipeline, input, output, values.input ?? "stdin");
    } catch (e) {
      if (e instanceof InputError || typeof (e as NodeJS.ErrnoException).code === "string") {
        console.error(`rb-aioutliers detect: ${(e as Error).message}`);
        return 2;
      }
      throw e;
    } finally {
      if (output !== process.stdout) {
        (output as Writable).end();
        await once(output, "close").catch(() => undefined);
      }
    }
    return 0;
  },
};

function fields(line: string): string[] {
  return line.split(",").map((f) => {
    const t = f.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
  });
}

async function scoreCsv(pipeline: Pipeline, input: Readable, output: Writable, source: string): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  // A read or write error (unreadable input, a closed pipe) ends the run instead of hanging it.
  const inputFailed = Promise.race([once(input, "error"), once(output, "error")]).then(([e]) => { throw e; });
  inputFailed.catch(() => undefined);
  let lineNo = 0;
  let tsCol = -1;
  let valueCol = -1;
  let pending: PendingRow[] = [];
  let buffered = "";

  const write = async (text: string) => {
    buffered += text;
    if (buffered.length < 1 << 16) return;
    const chunk = buffered;
    buffered = "";
    if (!output.write(chunk)) await Promise.race([once(output, "drain"), inputFailed]);
  };
  const flush = async (rows: PendingRow[]) => {
    for (const r of rows) await write(`${r.timestamp},${r.value},${r.score},${r.label}\n`);
  };

  for await (const line of raceLines(lines, inputFailed)) {
    lineNo++;
    if (tsCol < 0) {
      const header = fields(line.replace(/^\uFEFF/, ""));
      tsCol = header.indexOf("timestamp");
      valueCol = header.indexOf("value");
      const missing = ["timestamp", "value"].filter((c) => !header.includes(c));
      if (missing.length) {
        throw new InputError(`${source} line 1: missing column ${missing.map((c) => `'${c}'`).join(" and ")} (the header must name timestamp and value, got '${line}')`);
      }
      await write("timestamp,value,anomaly_score,label\n");
      continue;
    }
    if (line.trim() === "") continue;
    const f = fields(line);
    const width = Math.max(tsCol, valueCol) + 1;
    if (f.length < width) throw new InputError(`${source} line ${lineNo}: expected ${width} columns, got ${f.length} ('${line}')`);
    const timestamp = f[tsCol];
    const text = f[valueCol];
    const value = Number(text);
    if (timestamp === "") throw new InputError(`${source} line ${lineNo}: empty timestamp`);
    if (!isIsoTime(timestamp)) throw new InputError(`${source} line ${lineNo}: timestamp '${timestamp}' is not a date-time ${ISO_TIME_FORMS}`);
    if (text === "" || !Number.isFinite(value)) throw new InputError(`${source} line ${lineNo}: value '${text}' is not a finite number`);
    pending.push({ timestamp, value: text, score: 0, label: 0 });
    let d;
    try {
      d = pipeline.update(value, timestamp);
    } catch (e) {
      // the pipeline refuses values it cannot score (e.g. beyond float32 range)
      if (e instanceof RangeError) throw new InputError(`${source} line ${lineNo}: ${e.message}`);
      throw e;
    }
    if (!d) continue;
    // A decision covers the newest d.timestamps.length rows; earlier pending rows were never covered.
    const first = pending.length - d.timestamps.length;
    if (first < 0) throw new Error(`pipeline ${pipeline.kind} decided ${d.timestamps.length} points, only ${pending.length} are pending`);
    d.timestamps.forEach((t, j) => {
      const row = pending[first + j];
      if (row.timestamp !== t) throw new Error(`pipeline ${pipeline.kind} decided timestamp ${t} for the row of ${row.timestamp}`);
      row.score = d.scores[j];
      row.label = d.labels[j];
    });
    await flush(pending);
    pending = [];
  }
  if (tsCol < 0) throw new InputError(`${source} line 1: empty input (expected a header line 'timestamp,value')`);
  await flush(pending);
  if (buffered) output.write(buffered);
}

/** Iterates the lines but rejects as soon as the input stream fails (readline alone would hang). */
async function* raceLines(lines: AsyncIterable<string>, failed: Promise<never>): AsyncGenerator<string> {
  const it = lines[Symbol.asyncIterator]();
  for (;;) {
    const r = await Promise.race([it.next(), failed]);
    if (r.done) return;
    yield r.value;
  }
}
