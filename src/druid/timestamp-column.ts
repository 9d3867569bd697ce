// The rows' timestamps as the column reader found them: where each one is in the bytes it read,
// not a string per row (10,080 strings a week of minutes, the JSON text they were cut from kept
// alive by them). The answer's writer copies them as bytes; a string is made only when asked for.

export class TimestampColumn {
  /** Timestamp i is bytes[starts[i]..ends[i]): ASCII that needs no escaping in JSON. */
  constructor(private readonly bytes: Buffer, private readonly starts: Int32Array, private readonly ends: Int32Array) {}

  get length(): number {
    return this.starts.length;
  }

  /** Timestamp i as text. */
  at(i: number): string {
    return this.bytes.toString("latin1", this.starts[i]!, this.ends[i]!);
  }

  /** Timestamps [from, to) as text: slices of one string of the bytes they lie in (a string per
   * timestamp made natively would cost ~0.1 µs each). */
  strings(from = 0, to = this.length): string[] {
    const out = new Array<string>(Math.max(0, to - from));
    if (out.length === 0) return out;
    const offset = this.starts[from]!, text = this.bytes.toString("latin1", offset, this.ends[to - 1]!);
    for (let i = from; i < to; i++) out[i - from] = text.slice(this.starts[i]! - offset, this.ends[i]! - offset);
    return out;
  }

  /** Copies timestamp i into out at `at`; returns where it ends. */
  copyTo(i: number, out: Uint8Array, at: number): number {
    const { bytes } = this;
    for (let k = this.starts[i]!, end = this.ends[i]!; k < end; k++) out[at++] = bytes[k]!;
    return at;
  }

  /** The length of all timestamps together. */
  totalLength(): number {
    let size = 0;
    for (let i = 0; i < this.starts.length; i++) size += this.ends[i]! - this.starts[i]!;
    return size;
  }

  /** The last `keep` timestamps, copied into bytes of their own (the request's are not held). */
  tail(keep: number): TimestampColumn {
    const from = Math.max(0, this.length - keep);
    const part = new TimestampColumn(this.bytes, this.starts.subarray(from), this.ends.subarray(from));
    const bytes = Buffer.allocUnsafe(part.totalLength()), starts = new Int32Array(part.length), ends = new Int32Array(part.length);
    for (let i = 0, at = 0; i < part.length; i++) {
      starts[i] = at;
      at = part.copyTo(i, bytes, at);
      ends[i] = at;
    }
    return new TimestampColumn(bytes, starts, ends);
  }
}
