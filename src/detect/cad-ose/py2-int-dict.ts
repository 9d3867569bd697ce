// An insertion-only map from small non-negative ints to ints that iterates in the order a Python
// 2.7 dict does (Objects/dictobject.c: open addressing from slot `key & mask`, probe
// i = 5i + perturb + 1 with perturb >>= 5, table of 8 slots growing to the smallest power of two
// above 4 x used once 2/3 full, old entries re-inserted in slot order). CAD OSE walks each left
// semi-context's contexts in this order and creates new contexts in the order it meets them, so
// the order decides context ids, and with them the neuron facts and the hashes that break ties.

export class Py2IntDict {
  private keys = new Int32Array(8).fill(-1);
  private vals = new Int32Array(8);
  private used = 0;

  get size(): number {
    return this.used;
  }

  /** The value of `key`, or -1 when absent. */
  get(key: number): number {
    const keys = this.keys, mask = keys.length - 1;
    let i = key & mask;
    for (let perturb = key; keys[i] !== -1; perturb >>>= 5) {
      if (keys[i] === key) return this.vals[i];
      i = (i * 5 + perturb + 1) & mask;
    }
    return -1;
  }

  /** Adds a key that is not present (the caller checked with get). */
  add(key: number, value: number): void {
    if (!(key >= 0 && key <= 0x7fffffff && Number.isInteger(key))) throw new RangeError(`Py2IntDict key ${key}`);
    place(this.keys, this.vals, key, value);
    this.used++;
    // CPython resizes when fill * 3 >= size * 2 (no deletions here, so fill = used).
    if (this.used * 3 >= this.keys.length * 2) this.resize(4 * this.used);
  }

  private resize(minUsed: number): void {
    let size = 8;
    while (size <= minUsed) size *= 2;
    const oldKeys = this.keys, oldVals = this.vals;
    this.keys = new Int32Array(size).fill(-1);
    this.vals = new Int32Array(size);
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== -1) place(this.keys, this.vals, oldKeys[i], oldVals[i]);
  }

  /** Calls fn(key, value) for every entry in Python's iteration order. */
  forEach(fn: (key: number, value: number) => void): void {
    const keys = this.keys, vals = this.vals;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) fn(keys[i], vals[i]);
  }

  /** The raw slots (key -1 = empty), for loops that must not allocate a closure. */
  slots(): { keys: Int32Array; vals: Int32Array } {
    return { keys: this.keys, vals: this.vals };
  }
}

/** Puts (key, value) in the first free slot of key's probe sequence. */
function place(keys: Int32Array, vals: Int32Array, key: number, value: number): void {
  const mask = keys.length - 1;
  let i = key & mask;
  for (let perturb = key; keys[i] !== -1; perturb >>>= 5) i = (i * 5 + perturb + 1) & mask;
  keys[i] = key;
  vals[i] = value;
}
