import { test } from "uvu";
import * as assert from "uvu/assert";
import { timeseriesColumns } from "./timeseries-columns";
import { parseTimeseries } from "./timeseries";
import { epochMs } from "../detect/iso-time";

const first = (names: string[]) => (names.includes("bytes") ? "bytes" : names[0]);

/** timeseriesColumns of the text's UTF-8 bytes, the timestamps as strings. */
function columns(text: string, choose = first) {
  const got = timeseriesColumns(Buffer.from(text, "utf8"), choose);
  return got && { ...got, timestamps: got.timestamps.strings() };
}

/** The general path: JSON.parse + parseTimeseries, then the chosen metric's column (and the
 * timestamps' epoch ms, as the model would read them). */
function general(text: string) {
  try {
    const rows = parseTimeseries(JSON.parse(text));
    const metric = first(Object.keys(rows[0]!.result))!;
    return { timestamps: rows.map((r) => r.timestamp), times: Float64Array.from(rows, (r) => epochMs(r.timestamp)), values: Float64Array.from(rows, (r) => r.result[metric]!), metric };
  } catch {
    return undefined;
  }
}

test("reads what JSON.parse + parseTimeseries read, the same way", () => {
  const texts = [
    '[{"timestamp":"2024-05-20T00:00:00.000Z","result":{"bytes":1,"pkts":-2.5e3}},{"result":{"pkts":0.1,"bytes":-0},"timestamp":"2024-05-20T00:01:00Z"}]',
    ' [ { "timestamp" : "2024-05-20 00:00:00" , "result" : { "pkts" : 12345678901234567890 , "flows" : 1E2 } } ]\n',
    '[{"timestamp":"2024-05-20T00:00:00+02:00","result":{"bytes":9007199254740993,"bytes":7}}]',
    JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ timestamp: new Date(Date.UTC(2024, 0, 1) + i * 6e4).toISOString(), result: { bytes: i * 1.1 } }))),
  ];
  for (const text of texts) {
    const got = columns(text);
    assert.ok(got, text.slice(0, 60));
    assert.equal(got, general(text), text.slice(0, 60));
    assert.ok(Object.is(got!.values[0], general(text)!.values[0]));
  }
  assert.ok(Object.is(columns(texts[0]!)!.values[1], -0), "-0 kept, as JSON.parse keeps it");
});

test("later compact rows: the metric alone, beside others, repeated, or spaced, read as JSON.parse reads them", () => {
  const row = (ts: string, result: string) => `{"timestamp":"${ts}","result":${result}}`;
  const head = row("2024-05-20T00:00:00Z", '{"bytes":1}');
  const later = ['{"bytes":2}', '{"bytes":3 }', '{"bytes_in":5,"bytes":4}', '{"bytes":5,"pkts":6}', '{"bytes":6,"bytes":7}', '{"bytes":-8.5e-3}', '{ "bytes":9}'];
  const stamps = ["2024-05-20T00:01:00.5Z", "2024-05-20 00:02", "2024-05-20T00:03:00+0530", "2024-05-20T00:04:00-05:30", "2024-05-21", "2024-05-20T00:06:00.123456Z", "2024-05-20T00:07:00Z"];
  const text = `[${head},${later.map((r, i) => row(stamps[i]!, r)).join(",")}]`;
  const got = columns(text);
  assert.ok(got);
  assert.equal(got, general(text));
  assert.equal(Array.from(got!.values), [1, 2, 3, 4, 5, 7, -8.5e-3, 9]);
  for (const bad of ['{"bytes":1e999}', '{"bytes":"2"}', '{"bytes":}', '{"bytes":2}}', '{"bytes":2']) {
    const t = `[${head},${row("2024-05-20T00:01:00Z", bad)}]`;
    assert.is(columns(t), undefined, bad);
  }
  for (const ts of ["2024-05-20T24:00:00Z", "2024-05-20T00:01", "2024-05-20T00:01:00+05:30", "2024-05-20T00:01:00+053", "2024-05-20T00:01:00.Z", "2024-05-2"]) {
    const t = `[${head},${row(ts, '{"bytes":2}')}]`;
    const expected = general(t), got = columns(t);
    if (expected) assert.equal(got, expected, ts);
    else assert.is(got, undefined, ts);
  }
});

test("timestamps of changing lengths: the closing quote guessed from the previous row's, wherever it falls", () => {
  const stamps = ["2024-05-20T00:00:00.000Z", "2024-05-21", "2024-05-21T00:01:00Z", "2024-05-21T00:02:00.000+02:00", "2024-05-21T00:03:00.000Z", "2024-05-22"];
  for (let len = 1; len <= 16; len++) {
    const metric = "m".repeat(len);
    const text = `[${stamps.map((ts, i) => `{"timestamp":"${ts}","result":{"${metric}":${i},"x":1}}`).join(",")}]`;
    const got = columns(text, (names) => names[0]);
    assert.ok(got, metric);
    assert.equal(got, general(text), metric);
    assert.equal(got!.timestamps, stamps);
  }
});

test("gives up on everything else, never accepting what the general path refuses", () => {
  const ok = '{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":1}}';
  const texts = [
    "[]", "{}", "", `[${ok}`, `[${ok}]x`, `[${ok},]`, '[{"timestamp":"2023-02-29T00:00:00Z","result":{"bytes":1}}]',
    '[{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":"1"}}]', '[{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":null}}]',
    '[{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":1e999}}]', '[{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":01}}]',
    '[{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":1.}}]', '[{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":NaN}}]',
    '[{"timestamp":"2024-05-20T00:00:00Z","result":{"a\\":1,"bytes":2}}]', '[{"timestamp":"2024-05-20T00:00:00Z","result":{}}]',
    `[${ok},{"timestamp":"2024-05-20T00:01:00Z","result":{"pkts":1}}]`, '[{"timestamp":"2024-05-20T00:00:00Z"}]',
    '[{"timestamp":"2024-05-20T00:00:00Z","result":{"bytes":1},"extra":1}]', '[{"timestamp":"2024-05-20T00:00:00\\u005a","result":{"bytes":1}}]',
  ];
  for (const text of texts) assert.is(columns(text), undefined, text);
});

test("bytes outside ASCII (UTF-8 text) give up; numbers with decimals are the doubles JSON.parse reads", () => {
  assert.is(columns('[{"timestamp":"2024-05-20T00:00:00Z","result":{"bytés":1}}]'), undefined);
  let seed = 99;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const numbers = Array.from({ length: 20_000 }, () => {
    const digits = Array.from({ length: 1 + rand(18) }, () => rand(10)).join("").replace(/^0+(?=\d)/, "");
    const point = rand(digits.length + 1);
    const text = point === 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
    return (rand(2) ? "-" : "") + (text.endsWith(".") ? `${text}5` : text.startsWith(".") ? `0${text}` : text);
  });
  const text = `[${numbers.map((x, i) => `{"timestamp":"${new Date(Date.UTC(2024, 0, 1) + i * 6e4).toISOString()}","result":{"bytes":${x}}}`).join(",")}]`;
  const got = columns(text);
  assert.ok(got);
  for (let i = 0; i < numbers.length; i++) assert.ok(Object.is(got!.values[i], JSON.parse(numbers[i]!)), numbers[i]);
});

test.run();
