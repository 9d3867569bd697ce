// Reads the golden vectors of test/fixtures/golden, generated from
// the original Python libraries (see its README). Non-finite floats are stored there as the
// strings "NaN", "Infinity" and "-Infinity"; `num` turns them back into numbers.
import { readFixtureJson } from "./fixtures";

// The golden JSON is untyped by nature; tests pick the fields they use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readGolden(name: string): any {
  return readFixtureJson(`golden/${name}`);
}

export function num(v: unknown): number {
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (typeof v !== "number") throw new TypeError(`not a golden number: ${JSON.stringify(v)}`);
  return v;
}

/** |a - b| <= rel * |b|, with NaN equal to NaN. */
export function closeRel(a: number, b: number, rel: number): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.abs(b);
}

export function closeAbs(a: number, b: number, abs: number): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (a === b) return true;
  return Math.abs(a - b) <= abs;
}
