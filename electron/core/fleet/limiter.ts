/**
 * Bounded fan-out for the daily check: at most `total` commands in flight
 * across the fleet and at most `perKey` on any one host (OpenSSH's
 * MaxSessions / MaxStartups, and the host's own CPU, stay comfortable).
 *
 * Slots are held per command, never per task: a task that waits for
 * another host's answer holds nothing, so tasks cannot deadlock on each
 * other. A command takes its host slot first, then a fleet slot; everyone
 * takes them in that order, so there is no cycle.
 */

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter: `active` stays the same.
    if (next) next();
    else this.active -= 1;
  }

  get inFlight(): number {
    return this.active;
  }
}

export interface FanOutLimits {
  /** Commands in flight across the fleet. */
  total: number;
  /** Commands in flight on one host. */
  perKey: number;
}

export class FanOut {
  private readonly global: Semaphore;
  private readonly perKey = new Map<string, Semaphore>();
  private peak = 0;

  constructor(private readonly limits: FanOutLimits) {
    if (!(limits.total >= 1 && limits.perKey >= 1)) throw new RangeError('fan-out limits must be at least 1');
    this.global = new Semaphore(Math.floor(limits.total));
  }

  private keyed(key: string): Semaphore {
    let s = this.perKey.get(key);
    if (!s) {
      s = new Semaphore(Math.floor(this.limits.perKey));
      this.perKey.set(key, s);
    }
    return s;
  }

  /** Runs `work` once a slot on `key` and a fleet slot are free. */
  async run<T>(key: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const host = this.keyed(key);
    await host.acquire(signal);
    try {
      await this.global.acquire(signal);
      try {
        this.peak = Math.max(this.peak, this.global.inFlight);
        return await work();
      } finally {
        this.global.release();
      }
    } finally {
      host.release();
    }
  }

  /** The most commands that were in flight at once (for tests and the job log). */
  get peakInFlight(): number {
    return this.peak;
  }
}
