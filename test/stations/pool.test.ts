// Detection off the event loop (issue 17 parts 1 and 3) through the real service: no detection
// thread runs until a station's block is heavy (a small station's blocks are computed on the main
// thread); while one station's heavy /detection block is computed in a detection thread, /health on
// both ports answers within 50 ms every time it is asked and another station's small block is
// answered at once; the heavy block is then applied as a whole.
// test/run: alone (beside another test file on 2 cores, /health waited for that file's CPU: 270 ms)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService } from "../support/service-process";
import { blockBody, postJson } from "./stream";

const VARS = Array.from({ length: 256 }, (_, i) => `v${i}`);
/** 256 variables of `sliding` at window 64, 120 samples (the window full for the last 57): seconds of CPU. */
const HEAVY_SAMPLES = 120;
const HEALTH_MS = 50;
/** A small block's answer (3 variables, 10 samples: a few ms of work). */
const SMALL_MS = 100;
/** Rounds of questions asked while the heavy block runs: at least this many (the block must outlast
 * them), and more for as long as it runs. */
const MIN_POLLS = 3;

async function timed(url: string): Promise<number> {
  const t = performance.now();
  const r = await fetch(url);
  await r.arrayBuffer();
  assert.is(r.status, 200, url);
  return performance.now() - t;
}

/** Rounds of: /health on both ports, a small block of `light`; at most `rounds`, stops early once `over()`. */
async function poll(svc: { stationUrl: string; trafficUrl: string }, light: string, from: number, rounds: number, over: () => boolean) {
  const health: number[] = [], small: number[] = [];
  for (let k = 0; k < rounds && !over(); k++) {
    health.push(await timed(`${svc.stationUrl}/health`), await timed(`${svc.trafficUrl}/health`));
    const t = performance.now();
    const r = await postJson(svc.stationUrl, "/detection", blockBody(light, from + k * 10, 10, ["x", "y", "z"]));
    small.push(performance.now() - t);
    assert.is(r.status, 200, JSON.stringify(r.json));
    await new Promise((res) => setTimeout(res, 50));
  }
  return { health, small };
}

interface Detection { threads: number; max_threads: number; stations_on_threads: number; blocks_inline: number; blocks_on_threads: number; blocks_in_progress: number }

async function detection(stationUrl: string): Promise<Detection> {
  return ((await (await fetch(`${stationUrl}/health`)).json()) as { detection: Detection }).detection;
}

/** Waits until /health reports a block in a detection thread (fails after 20 s). */
async function inThread(stationUrl: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = await detection(stationUrl);
    assert.is(d.threads, 1);
    if (d.blocks_in_progress > 0) return;
    assert.ok(Date.now() < deadline, "the heavy block reached its thread within 20 s");
    await new Promise((res) => setTimeout(res, 20));
  }
}

test("a heavy block delays only its own station: /health on both ports and another station's block answer promptly meanwhile", async () => {
  const light = "light";
  const svc = await startService({ configIni: "[Stations]\nbody_limit = 4194304\nmax_block_cpu_ms = 3600000\ndetection_threads = 2\nhistory_samples = 0\n" });
  try {
    let r = await postJson(svc.stationUrl, "/initialize", { id_estacio: "heavy", pipeline: "sliding", variables: Object.fromEntries(VARS.map((v) => [v, 64])) });
    assert.is(r.status, 200, JSON.stringify(r.json));
    r = await postJson(svc.stationUrl, "/initialize", { id_estacio: light, pipeline: "batch", variables: { x: 16, y: 16, z: 16 } });
    assert.is(r.status, 200, JSON.stringify(r.json));
    // no thread until a heavy block: the small station's first block is computed on the main thread
    assert.equal(await detection(svc.stationUrl), { threads: 0, max_threads: 2, stations_on_threads: 0, blocks_inline: 0, blocks_on_threads: 0, blocks_in_progress: 0 });
    r = await postJson(svc.stationUrl, "/detection", blockBody(light, 0, 1, ["x", "y", "z"]));
    assert.is(r.status, 200, JSON.stringify(r.json));
    assert.equal(await detection(svc.stationUrl), { threads: 0, max_threads: 2, stations_on_threads: 0, blocks_inline: 1, blocks_on_threads: 0, blocks_in_progress: 0 });
    // one sample of 256 `sliding` variables is heavy (~100 ms estimated): the station moves to a
    // thread, started now (from source it loads tsx first), and stays there
    r = await postJson(svc.stationUrl, "/detection", blockBody("heavy", 0, 1, VARS));
    assert.is(r.status, 200, JSON.stringify(r.json));
    assert.equal(await detection(svc.stationUrl), { threads: 1, max_threads: 2, stations_on_threads: 1, blocks_inline: 1, blocks_on_threads: 1, blocks_in_progress: 0 });

    let heavyDone = 0;
    const started = performance.now();
    const heavy = postJson(svc.stationUrl, "/detection", blockBody("heavy", 1, HEAVY_SAMPLES, VARS)).then((res) => { heavyDone = performance.now(); return res; });
    // the body (~600 kB) is read and validated on the event loop first: measure once it is in its thread
    await inThread(svc.stationUrl);
    const busy = await poll(svc, light, 1, 1000, () => heavyDone > 0);
    const done = await heavy;
    // the same number of rounds once nothing is heavy: how this machine answers without the block
    // (as many answers as during it, so that the slowest of each are comparable)
    const idle = await poll(svc, light, 1 + busy.small.length * 10, busy.small.length, () => false);
    assert.is(done.status, 200, JSON.stringify(done.json));
    console.log(`NOTE: the heavy block took ${(heavyDone - started).toFixed(0)} ms; ${busy.small.length} rounds of questions meanwhile`);
    assert.ok(busy.small.length >= MIN_POLLS, `the heavy block (${(heavyDone - started).toFixed(0)} ms) ended after ${busy.small.length} rounds of questions, fewer than ${MIN_POLLS}; make it heavier`);
    // ≤ 50 ms (issue 17); on a machine so loaded that the idle service itself answers slower, up
    // to twice its slowest idle answer (the event loop is then no less free than without the block)
    const bound = Math.max(HEALTH_MS, 2 * Math.max(...idle.health));
    const show = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(", ");
    const worst = Math.max(...busy.health);
    assert.ok(worst <= bound, `/health took up to ${worst.toFixed(1)} ms during the heavy block, over ${bound.toFixed(1)} ms (during: ${show(busy.health)}; idle: ${show(idle.health)})`);
    // a small block's work is a few ms; the same allowance for the machine's load
    const smallBound = Math.max(SMALL_MS, 2 * Math.max(...idle.small));
    assert.ok(Math.max(...busy.small) <= smallBound, `small blocks took ${show(busy.small)} ms during the heavy block (idle: ${show(idle.small)}), over ${smallBound.toFixed(1)} ms`);
    const station = (await (await fetch(`${svc.stationUrl}/stations/heavy`)).json()) as { station: { samples: number } };
    assert.is(station.station.samples, 1 + HEAVY_SAMPLES, "the heavy block was applied whole");
  } finally {
    assert.is(await svc.stop(), 0);
  }
});

test.run();
