/**
 * A counting semaphore with a FIFO queue: bounded fan-out for SSH
 * handshakes and channels. Pure (timers only).
 */
import { ConsoleError } from '../../../shared';

export type Release = () => void;

interface Waiter {
  resolve: (release: Release) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class Semaphore {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new Error(`semaphore limit must be a positive integer, got ${max}`);
  }

  get limit(): number {
    return this.max;
  }

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Lowers or raises the limit; waiters are admitted when room appears. */
  setLimit(max: number): void {
    this.max = Math.max(1, Math.floor(max));
    this.drain();
  }

  /** Waits for a slot. The release function is idempotent. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(new ConsoleError('CANCELLED', 'Cancelled.'));
    if (this.active < this.max && this.queue.length === 0) return Promise.resolve(this.grant());
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new ConsoleError('CANCELLED', 'Cancelled.'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
    });
  }

  /** Runs `work` holding a slot. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await work();
    } finally {
      release();
    }
  }

  private grant(): Release {
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.max && this.queue.length > 0) {
      const waiter = this.queue.shift() as Waiter;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.grant());
    }
  }
}
