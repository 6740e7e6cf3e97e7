/**
 * Coalesces identical concurrent requests into one, and remembers results
 * of immutable ones. `restic ls` loads the whole index on every call, so
 * two identical listings at once would double seconds of work for nothing.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly cache = new Map<string, T>();

  /** @param maxCached entries kept (least recently used dropped first); 0 disables the cache. */
  constructor(private readonly maxCached = 0) {}

  run(key: string, work: () => Promise<T>): Promise<T> {
    if (this.cache.has(key)) {
      const value = this.cache.get(key) as T;
      // Re-insert to mark as recently used.
      this.cache.delete(key);
      this.cache.set(key, value);
      return Promise.resolve(value);
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = work().then(
      (value) => {
        this.inFlight.delete(key);
        this.remember(key, value);
        return value;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, started);
    return started;
  }

  private remember(key: string, value: T): void {
    if (this.maxCached <= 0) return;
    this.cache.set(key, value);
    while (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  get pending(): number {
    return this.inFlight.size;
  }
}
