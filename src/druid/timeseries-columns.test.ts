import { test } from "uvu";
import * as assert from "uvu/assert";
import { timeseriesColumns } from "./timeseries-columns";
import { parseTimeseries } from "./timeseries";

const first = (names: string[]) => (names.includes("bytes") ? "bytes" : names[0]);

/** The general path: JSON.parse + parseTimeseries, then the chosen metric's column. */
function general(text: string) {
  try {
    const rows = parseTimeseries(JSON.parse(text));
    const metric = first(Object.keys(rows[0]!.result))!;
    return { timestamps: rows.map((r) => r.timestamp), values: Float64Array.from(rows, (r) => r.result[metric]!), metric };
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
    const got = timeseriesColumns(text, first);
    assert.ok(got, text.slice(0, 60));
    assert.equal(got, general(text), text.slice(0, 60));
    assert.ok(Object.is(got!.values[0], general(text)!.values[0]));
  }
  assert.ok(Object.is(timeseriesColumns(texts[0]!, first)!.values[1], -0), "-0 kept, as JSON.parse keeps it");
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
  for (const text of texts) assert.is(timeseriesColumns(text, first), undefined, text);
});

test.run();
