/**
 * Coalesces identical concurrent requests into one, and remembers results
 * of immutable ones. `restic ls` loads the whole index on every call, so
 * two identical listings at once would double seconds of work for nothing.
 *
 * Waiters are counted: a caller that passes an AbortSignal stops waiting
 * when it fires (its promise rejects with CANCELLED), and when the last
 * waiter has gone the work itself is aborted (its signal fires: restic is
 * stopped). The last waiter's rejection waits until the work has settled,
 * so "cancelled" means the process is gone, not merely asked to go. A
 * caller without a signal waits to the end.
 */
import { ConsoleError } from '../../../shared';

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Flight<T>>();
  private readonly cache = new Map<string, T>();

  /** @param maxCached entries kept (least recently used dropped first); 0 disables the cache. */
  constructor(private readonly maxCached = 0) {}

  run(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.cache.has(key)) {
      const value = this.cache.get(key) as T;
      // Re-insert to mark as recently used.
      this.cache.delete(key);
      this.cache.set(key, value);
      return Promise.resolve(value);
    }
    if (signal?.aborted) return Promise.reject(cancelled());
    let flight = this.inFlight.get(key);
    if (!flight) {
      const controller = new AbortController();
      const started = Promise.resolve()
        .then(() => work(controller.signal))
        .then(
          (value) => {
            if (this.inFlight.get(key) === created) this.inFlight.delete(key);
            if (!controller.signal.aborted) this.remember(key, value);
            return value;
          },
          (error: unknown) => {
            if (this.inFlight.get(key) === created) this.inFlight.delete(key);
            throw error;
          },
        );
      // Nobody may be listening when the last waiter has left.
      started.catch(() => undefined);
      const created: Flight<T> = { promise: started, controller, waiters: 0 };
      flight = created;
      this.inFlight.set(key, flight);
    }
    return this.wait(key, flight, signal);
  }

  private wait(key: string, flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
    flight.waiters += 1;
    if (!signal) return flight.promise;
    return new Promise<T>((resolve, reject) => {
      let left = false;
      const onAbort = (): void => {
        if (left) return;
        left = true;
        flight.waiters -= 1;
        if (flight.waiters > 0) {
          reject(cancelled());
          return;
        }
        // The last one out stops the work; a new identical request starts afresh.
        if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
        flight.controller.abort();
        flight.promise.then(
          () => reject(cancelled()),
          () => reject(cancelled()),
        );
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          if (!left) resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (!left) reject(error);
        },
      );
    });
  }

  private remember(key: string, value: T): void {
    if (this.maxCached <= 0) return;
    this.cache.set(key, value);
    while (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  /** Drops cached results whose key starts with `prefix` (e.g. after a repository changed). */
  forget(prefix: string): void {
    for (const key of [...this.cache.keys()]) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  get pending(): number {
    return this.inFlight.size;
  }
}

function cancelled(): ConsoleError {
  return new ConsoleError('CANCELLED', 'Cancelled: nobody waits for this result any more.');
}
