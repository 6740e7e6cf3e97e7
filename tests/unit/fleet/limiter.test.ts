import { describe, expect, it } from 'vitest';
import { FanOut } from '../../../electron/core/fleet/limiter';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FanOut', () => {
  it('keeps at most `total` in flight and at most `perKey` per key', async () => {
    const fan = new FanOut({ total: 4, perKey: 2 });
    let inFlight = 0;
    let peak = 0;
    const perKey = new Map<string, number>();
    let peakPerKey = 0;
    const jobs = Array.from({ length: 30 }, (_, i) => `h${i % 5}`).map((key) =>
      fan.run(key, async () => {
        inFlight += 1;
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
        peak = Math.max(peak, inFlight);
        peakPerKey = Math.max(peakPerKey, perKey.get(key)!);
        await tick(5);
        inFlight -= 1;
        perKey.set(key, perKey.get(key)! - 1);
      }),
    );
    await Promise.all(jobs);
    expect(peak).toBe(4);
    expect(fan.peakInFlight).toBe(4);
    expect(peakPerKey).toBeLessThanOrEqual(2);
  });

  it('two hosts with room to spare: each gets `perKey`, no more', async () => {
    const fan = new FanOut({ total: 8, perKey: 2 });
    const perKey = new Map<string, number>();
    let peakPerKey = 0;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => `h${i % 2}`).map((key) =>
        fan.run(key, async () => {
          perKey.set(key, (perKey.get(key) ?? 0) + 1);
          peakPerKey = Math.max(peakPerKey, perKey.get(key)!);
          await tick(5);
          perKey.set(key, perKey.get(key)! - 1);
        }),
      ),
    );
    expect(peakPerKey).toBe(2);
    expect(fan.peakInFlight).toBe(4);
  });

  it('one busy host does not hold the others back', async () => {
    const fan = new FanOut({ total: 8, perKey: 1 });
    const order: string[] = [];
    const slow = [1, 2, 3].map(() =>
      fan.run('slow', async () => {
        await tick(30);
        order.push('slow');
      }),
    );
    const fast = fan.run('fast', async () => {
      order.push('fast');
    });
    await Promise.all([...slow, fast]);
    expect(order[0]).toBe('fast');
  });

  it('a waiting command is dropped when its signal fires, and slots are released on errors', async () => {
    const fan = new FanOut({ total: 1, perKey: 1 });
    const controller = new AbortController();
    let release!: () => void;
    const holder = fan.run('a', () => new Promise<void>((r) => (release = r)));
    const waiting = fan.run('b', async () => 'ran', controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    release();
    await holder;
    await expect(
      fan.run('a', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(fan.run('a', async () => 'after')).resolves.toBe('after');
  });
});
