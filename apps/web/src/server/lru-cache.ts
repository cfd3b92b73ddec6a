/**
 * A Map that keeps at most `capacity` entries, dropping the least recently used first. `onEvict` is
 * called with each entry dropped or replaced (e.g. to dispose a model's tensors).
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly capacity: number,
    private readonly onEvict?: (value: V, key: K) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Re-insert: a Map keeps insertion order, so its first key is the least recently used.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    const previous = this.entries.get(key);
    this.entries.delete(key);
    if (previous !== undefined && previous !== value) this.onEvict?.(previous, key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.entries().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value[0]);
      this.onEvict?.(oldest.value[1], oldest.value[0]);
    }
  }

  delete(key: K): void {
    const value = this.entries.get(key);
    if (!this.entries.delete(key)) return;
    if (value !== undefined) this.onEvict?.(value, key);
  }

  /** Drops every entry (calling onEvict for each). */
  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }
}
