/**
 * A map with a ceiling, for the caches a long-running process keeps per workspace or per person:
 * at most `capacity` entries, the least recently used going first, and, with `maxAgeMs`, an entry
 * older than that is gone (it reads as absent and is dropped). Its memory thus has a bound whatever
 * the number of workspaces or people, and a cached answer is never older than the age allowed.
 */
export class BoundedMap<K, V> {
  /** Insertion order is recency order: a read or write moves the entry to the end. */
  private readonly entries = new Map<K, { value: V; at: number }>();
  readonly capacity: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(opts: { capacity: number; maxAgeMs?: number; now?: () => number }) {
    if (!(opts.capacity >= 1)) throw new Error('a BoundedMap needs a capacity of at least 1');
    this.capacity = opts.capacity;
    this.maxAgeMs = opts.maxAgeMs ?? Number.POSITIVE_INFINITY;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.now() - entry.at >= this.maxAgeMs) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, at: this.now() });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Removes every entry whose key matches (e.g. all of one workspace). */
  deleteWhere(matches: (key: K) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }
}
