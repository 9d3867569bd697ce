// The warm-up guard's window kept sorted as it slides (a value in, the oldest out), so the guard
// reads the median and MAD of the last W values without sorting them again every row: the sort
// was most of the guard's time, ~1 ms of every traffic request (its ~210 warm-up rows, twice at
// 1,440 rows with the rehearsal). The order is TypedArray.prototype.sort's exactly (numeric, -0
// before +0, NaN last), so the array is the one sorting the window's values would give.

/** TypedArray.prototype.sort's order: a before b. */
function before(a: number, b: number): boolean {
  if (a < b) return true;
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return a === 0 && b === 0 && Object.is(a, -0) && Object.is(b, 0);
}

export class SortedWindow {
  private sorted: Float64Array;
  private n = 0;

  constructor(values: readonly number[]) {
    this.sorted = new Float64Array(Math.max(16, values.length * 2));
    this.sorted.set(values);
    this.sorted.subarray(0, values.length).sort();
    this.n = values.length;
  }

  get length(): number {
    return this.n;
  }

  /** The values, sorted (a view: valid until the next insert or remove). */
  values(): Float64Array {
    return this.sorted.subarray(0, this.n);
  }

  insert(x: number): void {
    if (this.n === this.sorted.length) {
      const grown = new Float64Array(this.n * 2);
      grown.set(this.sorted);
      this.sorted = grown;
    }
    // after every value x is not before: equal values keep their order, as a stable sort would
    let lo = 0, hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(x, this.sorted[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    this.sorted.copyWithin(lo + 1, lo, this.n);
    this.sorted[lo] = x;
    this.n++;
  }

  /** Removes one value identical to x (Object.is); throws if there is none. */
  remove(x: number): void {
    let lo = 0, hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.sorted[mid]!, x)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.n || !Object.is(this.sorted[lo], x)) throw new Error(`sorted window: ${x} is not in it`);
    this.sorted.copyWithin(lo, lo + 1, this.n);
    this.n--;
  }
}
