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
});
