// Idempotent blocks against the real service (issue 17 part 6): the process is killed (kill -9, by
// the test hook RB_AIOUTLIERS_TEST_KILL_AFTER_BLOCKS) after committing a block and before answering
// it; the client retries that block on the restarted service, with its Idempotency-Key or without
// one, gets the original answer and nothing is applied twice: the station ends as an uninterrupted
// run does. Also: older samples are refused with 409 (allowed by a setting), a reused key with
// another block is a 422.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService, type RunningService } from "../support/service-process";
import { blockBody, timestampOf } from "./stream";

const ID = "est_retry";
const WINDOWS = { a: 8, b: 16 };
const BLOCK = 10, BLOCKS = 24, KILL_AT = 9;

async function detect(svc: RunningService, body: unknown, key?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== undefined) headers["idempotency-key"] = key;
  const r = await fetch(`${svc.stationUrl}/detection`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: r.status, replayed: r.headers.get("idempotent-replayed"), json: (await r.json()) as { outliers?: unknown; msg?: string } };
}

async function init(svc: RunningService) {
  const r = await fetch(`${svc.stationUrl}/initialize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id_estacio: ID, variables: WINDOWS, pipeline: "kalman-batch" }) });
  assert.is(r.status, 200);
}

/** The station's durable state as the read side shows it, without wall-clock times. */
async function state(svc: RunningService) {
  const view = (await (await fetch(`${svc.stationUrl}/stations/${ID}`)).json()) as { station: Record<string, unknown> };
  const { created_at: _c, updated_at: _u, ...station } = view.station;
  const outliers = (await (await fetch(`${svc.stationUrl}/stations/${ID}/outliers?limit=100000`)).json()) as { outliers: { variable: string; timestamp: string; score: number }[] };
  return { station, outliers: outliers.outliers.map(({ variable, timestamp, score }) => ({ variable, timestamp, score })) };
}

const body = (i: number) => blockBody(ID, i * BLOCK, BLOCK, Object.keys(WINDOWS));

let reference: { answers: unknown[]; state: Awaited<ReturnType<typeof state>> };

test.before(async () => {
  const svc = await startService();
  try {
    await init(svc);
    const answers: unknown[] = [];
    for (let i = 0; i < BLOCKS; i++) {
      const r = await detect(svc, body(i));
      assert.is(r.status, 200);
      answers.push(r.json);
    }
    reference = { answers, state: await state(svc) };
    assert.ok((reference.state.outliers.length) > 0, "the stream has outliers");
  } finally { await svc.stop(); }
});

for (const withKey of [true, false]) {
  test(`kill -9 between commit and answer, retry ${withKey ? "with the same Idempotency-Key" : "without a key"}: the original answer, nothing applied twice`, async () => {
    let svc = await startService({ env: { RB_AIOUTLIERS_TEST_KILL_AFTER_BLOCKS: String(KILL_AT) } });
    const dataDir = svc.dataDir;
    let killed = false;
    try {
      await init(svc);
      for (let i = 0; i < BLOCKS; i++) {
        const key = withKey ? `block-${i}` : undefined;
        let r;
        try {
          r = await detect(svc, body(i), key);
        } catch {
          assert.is(i, KILL_AT - 1, "only the hooked block dies");
          killed = true;
          await svc.kill9(); // already dead: reaps it
          svc = await startService({ dataDir });
          r = await detect(svc, body(i), key);
          assert.is(r.replayed, "true", "the retry is recognised");
        }
        assert.is(r.status, 200, JSON.stringify(r.json));
        assert.equal(r.json, reference.answers[i], `block ${i}: the answer of the uninterrupted run`);
      }
      assert.ok(killed, "the hook killed the service");
      assert.equal(await state(svc), reference.state);
      // a second retry of the last block changes nothing either
      const again = await detect(svc, body(BLOCKS - 1), withKey ? `block-${BLOCKS - 1}` : undefined);
      assert.is(again.replayed, "true");
      assert.equal(await state(svc), reference.state);
    } finally { await svc.stop(); }
  });
}

test("a sample older than its variable's last applied one is a 409 naming both times; a setting allows it; a reused key with another block is a 422", async () => {
  const svc = await startService();
  const lenient = await startService({ configIni: "[Stations]\naccept_older_samples = true\n" });
  try {
    for (const s of [svc, lenient]) {
      await init(s);
      assert.is((await detect(s, body(1), "k1")).status, 200);
    }
    const older = await detect(svc, body(0));
    assert.is(older.status, 409);
    assert.match(older.json.msg!, new RegExp(`mostres\\[0\\]: sample "${timestampOf(0)}" of variable "a" is older than its last applied sample \\(2021-01-01T00:19:00.000Z\\).*accept_older_samples`));
    assert.is((await detect(lenient, body(0))).status, 200);
    const reused = await detect(svc, body(2), "k1");
    assert.is(reused.status, 422);
    assert.match(reused.json.msg!, /Idempotency-Key "k1" was used for a different block/);
    const bad = await detect(svc, body(2), "x".repeat(300));
    assert.is(bad.status, 400);
    assert.match(bad.json.msg!, /^Idempotency-Key: must be 1-255 visible ASCII characters/);
    const view = (await (await fetch(`${svc.stationUrl}/stations/${ID}`)).json()) as { station: { blocks: number } };
    assert.is(view.station.blocks, 1, "refused blocks applied nothing");
  } finally {
    await svc.stop();
    await lenient.stop();
  }
});

test.run();
