import { test } from "uvu";
import * as assert from "uvu/assert";
import { SortedWindow } from "./sorted-window";

/** Element by element with Object.is: -0 and +0 and NaN told apart. */
function same(a: Float64Array, b: Float64Array, what: string): void {
  assert.is(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: [${i}] ${a[i]} vs ${b[i]}`);
}

test("sliding: always the array sorting the window gives (ties, -0 and +0, NaN, growth past its first capacity)", () => {
  let seed = 99;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const pool = [0, -0, NaN, 1, -1, 2.5, 1e300, -1e-300, Infinity, -Infinity];
  for (const width of [1, 3, 40, 100]) {
    const recent: number[] = [];
    const w = new SortedWindow(recent);
    for (let k = 0; k < 3000; k++) {
      const x = rand(3) === 0 ? pool[rand(pool.length)]! : rand(20) - 10 + rand(4) / 4;
      recent.push(x);
      w.insert(x);
      if (recent.length > width) w.remove(recent.shift()!);
      same(w.values(), Float64Array.from(recent).sort(), `width ${width}, row ${k}`);
    }
  }
});

test("made from values: sorted as the sort sorts them", () => {
  const values = [3, -0, NaN, 0, -2, 3, 0, -0];
  same(new SortedWindow(values).values(), Float64Array.from(values).sort(), "from values");
});

test("removing a value not in the window throws (a window out of step with its values)", () => {
  const w = new SortedWindow([1, 2, 3]);
  assert.throws(() => w.remove(4), /4 is not in it/);
  assert.throws(() => w.remove(-0), /is not in it/);
  w.remove(2);
  same(w.values(), Float64Array.from([1, 3]), "after removing 2");
});

test.run();
