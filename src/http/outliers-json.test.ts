import { test } from "uvu";
import * as assert from "uvu/assert";
import { outliersJson } from "./outliers-json";

test("the same text JSON.stringify writes for the answer's objects", () => {
  const timestamps = ["2024-05-20T00:00:00.000Z", "2024-05-20T00:01:00+02:00", "2024-05-20 00:02:00"];
  const values = [1, -2.5e-7, 12345678901234567];
  const expected = [0.1 + 0.2, -0, 1e21];
  const anomalous = [false, true, true];
  const objects = {
    status: "success", model: "default", metric: 'by"tes',
    anomalies: [1, 2].map((i) => ({ timestamp: timestamps[i], expected: expected[i], value: values[i] })),
    predicted: timestamps.map((timestamp, i) => ({ timestamp, forecast: expected[i] })),
  };
  assert.is(outliersJson("default", 'by"tes', timestamps, values, expected, anomalous), JSON.stringify(objects));
  assert.is(outliersJson("default", "bytes", [], [], [], []), '{"status":"success","model":"default","metric":"bytes","anomalies":[],"predicted":[]}');
});

test.run();
