// A station variable on the ARTime pipeline through the real service: /initialize accepts
// `pipeline: "artime"` (the window is ignored), its first 300 samples are learning, the outliers
// after that are exactly the library's, across a restart (state restored from SQLite), and the
// station view names the pipeline with no drift test.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService } from "../support/service-process";
import { blockBody, postJson, referenceOutliers, timestampOf } from "./stream";

test("artime through /initialize and /detection, across a restart", async () => {
  let svc = await startService();
  const windows = { x: 64 };
  const got: string[] = [];
  const post = async (from: number, to: number) => {
    for (let b = from; b < to; b += 50) {
      const r = await postJson(svc.stationUrl, "/detection", blockBody("st_art", b, 50, ["x"]));
      assert.is(r.status, 200);
      r.json.outliers.forEach((o: any) => got.push(...o.dates.map((d: string) => `${o.variable}@${d}`)));
    }
  };
  try {
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: "st_art", variables: windows, pipeline: "artime" })).status, 200);
    await post(0, 450);
    assert.is(await svc.stop(), 0);
    svc = await startService({ dataDir: svc.dataDir });
    await post(450, 800);
    const expected = referenceOutliers("artime", windows, 800);
    assert.equal(got.sort(), expected);
    // The level shift at 401 and the first spike on the shifted level (582) are reported, at most
    // a row late (one downsampled value per 2 samples). Spikes like those seen while learning (every
    // 97 samples) are not new to it.
    for (const k of [401, 582]) assert.ok(got.some((g) => g === `x@${timestampOf(k)}` || g === `x@${timestampOf(k + 1)}`), `event at ${k}: ${got.join(", ")}`);
    assert.ok(got.every((g) => g.slice(2) >= timestampOf(300)), "nothing during learning");
    const view = ((await (await fetch(`${svc.stationUrl}/stations/st_art`)).json()) as any).station;
    const v = view.variables[0];
    assert.equal([v.name, v.pipeline, v.samples_seen, v.last_drift_test], ["x", "artime", 800, null]);
  } finally {
    await svc.stop();
  }
});

test.run();
