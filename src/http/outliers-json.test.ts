import { test } from "uvu";
import * as assert from "uvu/assert";
import { TimestampColumn } from "../druid/timestamp-column";
import { outliersJson } from "./outliers-json";

/** The timestamps as the column reader gives them: where they are in bytes (here with a byte
 * between them that must not be copied). */
function column(texts: string[]): TimestampColumn {
  const starts = new Int32Array(texts.length), ends = new Int32Array(texts.length);
  let at = 0;
  for (let i = 0; i < texts.length; i++) { starts[i] = at + 1; at = ends[i] = at + 1 + texts[i]!.length; }
  return new TimestampColumn(Buffer.from(texts.map((t) => `"${t}`).join(""), "latin1"), starts, ends);
}

test("the same text JSON.stringify writes for the answer's objects", () => {
  const timestamps = ["2024-05-20T00:00:00.000Z", "2024-05-20T00:01:00+02:00", "2024-05-20 00:02:00"];
  const values = [1, -2.5e-7, 12345678901234567];
  const expected = [0.1 + 0.2, -0, 1e21];
  const scores = [0, 0.5312, 1];
  const anomalous = [false, true, true];
  const objects = {
    status: "success", model: "default", metric: 'by"tes',
    anomalies: [1, 2].map((i) => ({ timestamp: timestamps[i], expected: expected[i], value: values[i], score: scores[i] })),
    predicted: timestamps.map((timestamp, i) => ({ timestamp, forecast: expected[i], score: scores[i] })),
  };
  assert.is(outliersJson("default", 'by"tes', column(timestamps), values, expected, scores, anomalous).toString("utf8"), JSON.stringify(objects));
  assert.is(outliersJson("default", "bytes", column([]), [], [], [], []).toString("utf8"), '{"status":"success","model":"default","metric":"bytes","anomalies":[],"predicted":[]}');
});

test("every 4-decimal score (the table of their texts) and scores off that grid, as JSON.stringify writes them", () => {
  const scores = [...Array.from({ length: 10_001 }, (_, k) => k / 1e4), -0, 0.53125, 0.1 + 0.2, 1e-7, 0.99995, 1.5];
  const n = scores.length;
  const timestamps = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 4, 20) + i * 6e4).toISOString());
  const expected = scores.map((_, i) => i), values = expected, anomalous = scores.map((_, i) => i % 1000 === 7 || i >= 10_001);
  const objects = {
    status: "success", model: "default", metric: "bytes",
    anomalies: timestamps.flatMap((timestamp, i) => (anomalous[i] ? [{ timestamp, expected: expected[i], value: values[i], score: scores[i] }] : [])),
    predicted: timestamps.map((timestamp, i) => ({ timestamp, forecast: expected[i], score: scores[i] })),
  };
  assert.is(outliersJson("default", "bytes", column(timestamps), values, expected, scores, anomalous).toString("utf8"), JSON.stringify(objects));
});

test("no row, one row, long answers: rows across chunk boundaries, the longest numbers, a non-ASCII model or metric", () => {
  for (const n of [0, 1, 2, 255, 256, 257, 513, 2000]) {
    const timestamps = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 4, 20) + i * 6e4).toISOString());
    const expected = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -1.2345678901234567e-308 : i % 5 === 1 ? -Number.MAX_VALUE : (i * 1e6) / 7));
    const values = expected.map((x) => -x);
    const anomalous = expected.map((_, i) => i % 97 === 3);
    const scores = expected.map((_, i) => (i % 3 === 0 ? 1.2345678901234567e-300 : i % 3 === 1 ? 0.0000012345678901234567 : i / n));
    const objects = {
      status: "success", model: "défaut", metric: "bytés",
      anomalies: timestamps.flatMap((timestamp, i) => (anomalous[i] ? [{ timestamp, expected: expected[i], value: values[i], score: scores[i] }] : [])),
      predicted: timestamps.map((timestamp, i) => ({ timestamp, forecast: expected[i], score: scores[i] })),
    };
    const got = outliersJson("défaut", "bytés", column(timestamps), values, expected, scores, anomalous);
    assert.ok(got.equals(Buffer.from(JSON.stringify(objects), "utf8")), `n = ${n}`);
  }
});

test("the buffer is large enough for the longest numbers JavaScript writes, on every row", () => {
  const longest = -0.0000012345678901234567;
  assert.is(String(longest).length, 25);
  const n = 1000, timestamps = Array.from({ length: n }, () => "2024-05-20");
  const expected = new Array<number>(n).fill(longest), anomalous = new Array<boolean>(n).fill(false);
  const objects = { status: "success", model: "m", metric: "x", anomalies: [], predicted: timestamps.map((timestamp) => ({ timestamp, forecast: longest, score: longest })) };
  assert.ok(outliersJson("m", "x", column(timestamps), expected, expected, expected, anomalous).equals(Buffer.from(JSON.stringify(objects))));
});

test.run();
