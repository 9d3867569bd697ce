// Live stations kept in memory, least recently used first out, up to a byte budget
// ([Stations] state_cache_bytes). Every entry is already durable in SQLite (a block is answered only
// after its commit), so evicting one costs nothing but a reload when its station next sends data.
// `onEvict` hears of each eviction (the detection host holds the pipelines: ./detection-host.ts).

export class StateCache<V extends { bytes: number }> {
  private readonly entries = new Map<string, V>();
  private total = 0;
  evictions = 0;

  constructor(private readonly budgetBytes: number, private readonly onEvict?: (key: string) => void) {}

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) { this.entries.delete(key); this.entries.set(key, v); }
    return v;
  }

  /** Inserts or replaces; then evicts the least recently used others while over budget. */
  set(key: string, value: V): void {
    this.delete(key);
    this.entries.set(key, value);
    this.total += value.bytes;
    this.trim(key);
  }

  /** Call after an entry's `bytes` changed in place. */
  resize(key: string, oldBytes: number): void {
    const v = this.entries.get(key);
    if (v === undefined) return;
    this.total += v.bytes - oldBytes;
    this.trim(key);
  }

  delete(key: string): void {
    const v = this.entries.get(key);
    if (v === undefined) return;
    this.entries.delete(key);
    this.total -= v.bytes;
  }

  keys(): IterableIterator<string> { return this.entries.keys(); }
  get size(): number { return this.entries.size; }
  get bytes(): number { return this.total; }

  private trim(keep: string): void {
    for (const [k, v] of this.entries) {
      if (this.total <= this.budgetBytes) break;
      if (k === keep) continue;
      this.entries.delete(k);
      this.total -= v.bytes;
      this.evictions++;
      this.onEvict?.(k);
    }
  }
}
