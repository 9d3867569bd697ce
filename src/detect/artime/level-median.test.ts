// ARTime's running median pointer: exact on simple sequences, and never more than one occupied
// level from the true median of everything seen on random ones.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../rng";
import { addLevel, newLevelMedian } from "./level-median";

test("constant and alternating sequences", () => {
  const m = newLevelMedian(80);
  for (let i = 0; i < 10; i++) assert.is(addLevel(m, 40), 40);
  const a = newLevelMedian(80);
  [10, 70, 10, 70, 10].forEach((l) => addLevel(a, l));
  assert.is(a.level, 10, "three of five at 10");
});

test("follows a rising sequence, lagging by at most one step", () => {
  const m = newLevelMedian(80);
  for (let l = 0; l <= 80; l++) {
    const med = addLevel(m, l);
    assert.ok(Math.abs(med - l / 2) <= 1, `after ${l + 1} values: ${med}`);
  }
});

test("within one occupied level of the true median on random levels", () => {
  const rng = new Rng(7);
  const m = newLevelMedian(80);
  const seen: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const l = Math.min(80, Math.floor(rng.nextFloat() * rng.nextFloat() * 81));
    seen.push(l);
    const med = addLevel(m, l);
    const sorted = seen.slice().sort((a, b) => a - b);
    const lo = sorted[Math.floor((sorted.length - 1) / 2)], hi = sorted[Math.ceil((sorted.length - 1) / 2)];
    const occupied = [...new Set(sorted)];
    const gap = Math.min(Math.abs(occupied.indexOf(med) - occupied.indexOf(lo)), Math.abs(occupied.indexOf(med) - occupied.indexOf(hi)));
    assert.ok(gap <= 1, `value ${i}: pointer ${med}, median ${lo}..${hi}`);
  }
});

test.run();
