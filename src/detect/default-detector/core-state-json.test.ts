// The default detector's JSON state (version 2): its tables travel as base64 strings, a snapshot
// never aliases the live detector (nor a restored one its source), the values come back finite and
// bit-exact, a restored state has the hidden classes of a fresh one, and a malformed or tampered
// state is refused with the field's name.
import { setFlagsFromString } from "node:v8";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPipeline, restorePipeline } from "../pipeline-registry";
import type { Pipeline } from "../pipeline-types";
import { encodeFloat64Table, encodeTypedArray } from "../typed-array-codec";
import { coreStep, DEFAULT_PARAMS, newCore } from "./detector-core";
import { coreFromJSON, coreToJSON } from "./core-state-json";

const START = Date.UTC(2024, 0, 1) / 1000;
const stamp = (i: number) => new Date((START + 300 * i) * 1000).toISOString();
const value = (i: number) => 50 + 10 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 13) / 13 + (i % 701 === 0 ? 40 : 0);

function fed(n: number): Pipeline {
  const p = createPipeline({ kind: "default" });
  for (let i = 0; i < n; i++) p.update(value(i), stamp(i));
  return p;
}

const scores = (p: Pipeline, from: number, n: number) => Array.from({ length: n }, (_, k) => p.update(value(from + k), stamp(from + k))!.scores[0]);

type AnyState = any; // a state edited by hand

test("the tables are strings; the state is a fraction of its decimal form", () => {
  const state = fed(3000).toJSON() as AnyState;
  assert.is(state.version, 3);
  assert.type(state.core.seasonal.week, "string");
  assert.type(state.core.seasonal.weekSeen, "string");
  assert.type(state.core.novelty.counts, "object", "a mostly empty count table is stored sparse");
  assert.type(state.core.novelty.counts.index, "string");
  // 2016 weekly slots of 8 bytes as base64, 288 daily, the flags, a few hundred counts, and numbers
  const chars = JSON.stringify(state).length;
  assert.ok(chars > 20_000 && chars < 45_000, `state of ${chars} characters`);
});

test("a snapshot does not change when the detector goes on; a restore does not share its source", () => {
  const p = fed(2000);
  const snapshot = p.toJSON();
  const text = JSON.stringify(snapshot);
  scores(p, 2000, 500);
  assert.is(JSON.stringify(snapshot), text, "snapshot aliases the live state");
  const parsed = JSON.parse(text);
  const a = restorePipeline(parsed);
  const tailA = scores(a, 2000, 500);
  assert.is(JSON.stringify(parsed), text, "restore changed its input");
  assert.equal(scores(restorePipeline(parsed), 2000, 500), tailA, "a second restore of the same state continues the same");
});

test("after extreme magnitudes the state restores (its tables are finite) and continues identically", () => {
  const p = createPipeline({ kind: "default" }), q = createPipeline({ kind: "default" });
  const v = (i: number) => (i % 500 === 499 ? (i % 1000 === 999 ? -1e300 : 1e300) : i % 7 === 0 ? 5e-300 : 0);
  for (let i = 0; i < 3000; i++) { p.update(v(i), stamp(i)); q.update(v(i), stamp(i)); }
  const r = restorePipeline(JSON.parse(JSON.stringify(p.toJSON())));
  for (let i = 3000; i < 3600; i++) assert.equal(r.update(v(i), stamp(i)), q.update(v(i), stamp(i)), `row ${i}`);
});

test("a restored state's parts have the hidden classes of a fresh state's, so the steps see one shape", () => {
  // V8's own answer (%HaveSameMap); the flag holds for functions compiled after it is set
  setFlagsFromString("--allow-natives-syntax");
  const sameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: object, b: object) => boolean;
  const fresh = newCore(DEFAULT_PARAMS);
  const step = (s: typeof fresh, i: number) => coreStep(s, value(i), START + 300 * i, DEFAULT_PARAMS);
  for (let i = 0; i < 600; i++) step(fresh, i);
  const restored = coreFromJSON(JSON.parse(JSON.stringify(coreToJSON(fresh))), DEFAULT_PARAMS);
  for (let i = 600; i < 700; i++) { step(fresh, i); step(restored, i); }
  const parts = ["spike", "spikeLikelihood", "shift", "shiftLikelihood", "novelty", "noveltyLikelihood", "seasonal", "seasonalLikelihood", "walk"] as const;
  for (const part of parts) assert.ok(sameMap(fresh[part], restored[part]), part);
  assert.ok(sameMap(fresh, restored), "core");
});

test("malformed or tampered states are refused, naming the field", () => {
  const good = fed(1000).toJSON() as AnyState;
  const tamper = (edit: (s: AnyState) => void) => {
    const s = JSON.parse(JSON.stringify(good));
    edit(s);
    return () => restorePipeline(s);
  };
  assert.not.throws(tamper(() => {}));
  assert.throws(tamper((s) => { s.core.seasonal.week = [1, 2]; }), /core\.seasonal\.week: expected a base64 string/);
  assert.throws(tamper((s) => { s.core.seasonal.weekSeen = encodeTypedArray(new Uint8Array(3)); }), /profiles and their seen flags differ/);
  assert.throws(tamper((s) => { s.core.novelty.counts = encodeFloat64Table(new Float64Array(100)); }), /100 context counts, expected 12288/);
  assert.throws(tamper((s) => { const c = new Float64Array(12288); c[5] = NaN; s.core.novelty.counts = encodeTypedArray(c); }), /core\.novelty\.counts\[5\] is not finite/);
  assert.throws(tamper((s) => { s.core.shiftLikelihood.ring = [1]; }), /core\.shiftLikelihood\.ring is not 10 numbers/);
  assert.throws(tamper((s) => { s.core.novelty.history = [[1]]; }), /core\.novelty\.history is not 4 lists/);
  assert.throws(tamper((s) => { delete s.core.seasonal; }), /core\.seasonal is not an object/);
  assert.throws(tamper((s) => { s.version = 1; }), /version 1 is not supported/);
  assert.throws(tamper((s) => { s.core.walk.ring = new Array(65).fill(0); }), /core\.walk\.ring is not at most 64 values/);
});

test("a state written before the random-walk test (no core.walk) restores and starts a fresh test", () => {
  const s = JSON.parse(JSON.stringify(fed(1000).toJSON())) as AnyState;
  delete s.core.walk;
  const restored = restorePipeline(s);
  const walk = (restored.toJSON() as AnyState).core.walk;
  assert.equal([walk.n, walk.ring.length], [0, 0]);
  for (const x of scores(restored, 1000, 100)) assert.ok(x >= 0 && x < 1);
});

test.run();
