// Issue 12 parts 4 and 5 through the real service and the downstream sink: a station variable on
// the default detector (the station default) with window 64 flags a spike at sample 100 and
// delivers it with its own timestamp; clean series through a station flag nothing within 50 rows
// after the learning period, at most 2 rows in all, and exactly what the detector flags in process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPipeline, pipelineOptionsFor, Rng } from "../../src/detect";
import { startService } from "../support/service-process";
import { Downstream } from "./downstream";
import { postJson, timestampOf } from "./stream";

const gauss = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r.nextFloat())) * Math.cos(2 * Math.PI * r.nextFloat());

/** Posts `xs` as variable `name` of station `id` in blocks of `block`; returns the dates flagged. */
async function stream(url: string, id: string, name: string, xs: number[], block: number): Promise<string[]> {
  const dates: string[] = [];
  for (let from = 0; from < xs.length; from += block) {
    const mostres = xs.slice(from, from + block).map((v, k) => ({ timestamp: timestampOf(from + k), values: { [name]: v } }));
    const r = await postJson(url, "/detection", { id_estacio: id, numero_mostres: mostres.length, mostres });
    assert.is(r.status, 200, JSON.stringify(r.json));
    for (const o of r.json.outliers) dates.push(...o.dates);
  }
  return dates;
}

async function delivered(down: Downstream, date: string, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (down.received.some((r) => r.path === "/outliers" && JSON.stringify(r.body).includes(date))) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("window 64, N(0,1) with 10,000 at sample 100 (and at 150 on another variable): flagged and delivered with its own timestamp", async () => {
  const down = await Downstream.start("ok");
  const svc = await startService({ env: { DATA_SERVER_ENDPOINT: down.url } });
  try {
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: "warm", variables: { var_1: 64, var_2: 64 } })).status, 200);
    const view = (await (await fetch(`${svc.stationUrl}/stations/warm`)).json()) as any;
    assert.ok(view.station.variables.every((v: any) => v.pipeline === "default"), "the station default is the default detector");
    for (const [name, at, seed] of [["var_1", 100, 1], ["var_2", 150, 2]] as const) {
      const r = new Rng(seed);
      const xs = Array.from({ length: 200 }, (_, i) => (i === at - 1 ? 10_000 : gauss(r)));
      const dates = await stream(svc.stationUrl, "warm", name, xs, 25);
      assert.equal(dates, [timestampOf(at - 1)], `${name}: flagged dates`);
      assert.ok(await delivered(down, timestampOf(at - 1)), `${name}: delivered downstream`);
    }
  } finally {
    await svc.stop();
    await down.close();
  }
});

test("clean series through a station: nothing within 50 rows after learning, at most 2 flags in all; the same flags as the detector in process", async () => {
  const svc = await startService();
  try {
    const kinds = ["gauss", "walk", "sine"];
    let flags = 0;
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: "clean", variables: Object.fromEntries(kinds.map((k) => [k, 64])) })).status, 200);
    for (const [k, name] of kinds.entries()) {
      const r = new Rng(900 + k);
      let walk = 0;
      const xs = Array.from({ length: 5000 }, (_, i) => (k === 0 ? gauss(r) : k === 1 ? (walk += gauss(r)) : 10 * Math.sin((2 * Math.PI * i) / 1440) + gauss(r)));
      const dates = await stream(svc.stationUrl, "clean", name, xs, 500);
      const p = createPipeline(pipelineOptionsFor("default", 64));
      const expected = xs.flatMap((v, i) => (p.update(v, timestampOf(i))!.labels[0] ? [timestampOf(i)] : []));
      assert.equal(dates, expected, name);
      assert.ok(dates.every((d) => d >= timestampOf(64 + 50)), `${name}: flagged ${dates.join(", ")}`);
      flags += dates.length;
    }
    // Issue 12 part 5's target; measured 0 (before the random-walk test: 1, on the walk).
    assert.ok(flags <= 2, `${flags} flags over the three clean series`);
  } finally {
    await svc.stop();
  }
});

test.run();
