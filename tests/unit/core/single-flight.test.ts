import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../../electron/core/util/single-flight';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs identical concurrent work once', async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    let calls = 0;
    const work = () => {
      calls++;
      return gate.promise;
    };
    const all = Promise.all([flight.run('k', work), flight.run('k', work), flight.run('k', work)]);
    expect(flight.pending).toBe(1);
    gate.resolve(7);
    expect(await all).toEqual([7, 7, 7]);
    expect(calls).toBe(1);
  });

  it('does not cache failures', async () => {
    const flight = new SingleFlight<number>(10);
    await expect(flight.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await flight.run('k', () => Promise.resolve(2))).toBe(2);
  });

  it('caches results up to its bound, least recently used first out', async () => {
    const flight = new SingleFlight<string>(2);
    let calls = 0;
    const work = (v: string) => () => {
      calls++;
      return Promise.resolve(v);
    };
    await flight.run('a', work('a'));
    await flight.run('b', work('b'));
    await flight.run('a', work('a')); // cached; a becomes most recent
    await flight.run('c', work('c')); // evicts b
    expect(calls).toBe(3);
    await flight.run('a', work('a'));
    expect(calls).toBe(3);
    await flight.run('b', work('b'));
    expect(calls).toBe(4);
  });

  it('counts waiters: the work is aborted only when every waiter has gone', async () => {
    const flight = new SingleFlight<number>(10);
    let workSignal!: AbortSignal;
    const gate = deferred<number>();
    const work = (signal: AbortSignal) => {
      workSignal = signal;
      signal.addEventListener('abort', () => gate.reject(new Error('killed')));
      return gate.promise;
    };
    const a = new AbortController();
    const b = new AbortController();
    const pa = flight.run('k', work, a.signal);
    const pb = flight.run('k', work, b.signal);
    await Promise.resolve();
    await Promise.resolve();
    a.abort();
    await expect(pa).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(workSignal.aborted).toBe(false);
    b.abort();
    await expect(pb).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(workSignal.aborted).toBe(true);
    expect(flight.pending).toBe(0);
    // Not cached: the next identical call runs again.
    expect(await flight.run('k', () => Promise.resolve(3))).toBe(3);
  });

  it("the last waiter's rejection comes after the work has settled", async () => {
    const flight = new SingleFlight<number>();
    const order: string[] = [];
    const gate = deferred<number>();
    const c = new AbortController();
    const p = flight.run(
      'k',
      (signal) => {
        signal.addEventListener('abort', () =>
          setTimeout(() => {
            order.push('work settled');
            gate.reject(new Error('stopped'));
          }, 20),
        );
        return gate.promise;
      },
      c.signal,
    );
    await new Promise((r) => setTimeout(r, 5));
    c.abort();
    await p.catch(() => order.push('caller rejected'));
    expect(order).toEqual(['work settled', 'caller rejected']);
  });

  it('a caller without a signal keeps the work alive; an already aborted signal never starts it', async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    let calls = 0;
    let workSignal!: AbortSignal;
    const work = (signal: AbortSignal) => {
      calls++;
      workSignal = signal;
      return gate.promise;
    };
    const c = new AbortController();
    const pa = flight.run('k', work, c.signal);
    const pb = flight.run('k', work);
    c.abort();
    await expect(pa).rejects.toMatchObject({ code: 'CANCELLED' });
    gate.resolve(5);
    expect(await pb).toBe(5);
    expect(workSignal.aborted).toBe(false);
    const gone = new AbortController();
    gone.abort();
    await expect(flight.run('x', work, gone.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBe(1);
  });

  it('forget(prefix) drops cached results', async () => {
    const flight = new SingleFlight<number>(10);
    let calls = 0;
    const work = () => Promise.resolve(++calls);
    await flight.run('["r1","a"]', work);
    await flight.run('["r2","a"]', work);
    flight.forget('["r1",');
    expect(await flight.run('["r1","a"]', work)).toBe(3);
    expect(await flight.run('["r2","a"]', work)).toBe(2);
  });
});
