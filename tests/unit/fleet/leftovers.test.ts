/**
 * A restic the console started and lost the connection to shows on the
 * board as a warning on its host. The registry below is this machine's
 * real local exec plus a leftover list; the probe runs real commands.
 */
import { describe, expect, it } from 'vitest';
import { LocalRunners } from '../../../electron/core/exec/runners';
import { FanOut } from '../../../electron/core/fleet/limiter';
import { probeHost } from '../../../electron/core/fleet/items/host';
import type { LeftoverCheck } from '../../../electron/core/ssh/leftovers';
import { resticBinaries } from '../../support/peers';

class RunnersWithLeftovers extends LocalRunners {
  constructor(private readonly leftovers: LeftoverCheck[]) {
    super();
  }
  async checkLeftovers(hostId: string): Promise<LeftoverCheck[]> {
    return this.leftovers.filter((l) => l.hostId === hostId);
  }
}

const base = { hostId: 'local', hostName: 'this machine', program: 'restic', command: 'restic backup', lostAt: '2026-11-21T03:00:00Z' };

describe('leftover processes in the daily check', () => {
  it('warns about a running leftover and says nothing of one that is gone', async () => {
    const runners = new RunnersWithLeftovers([
      { ...base, pid: 4242, state: 'running', message: 'restic backup left running on this machine (pid 4242)' },
      { ...base, pid: 4243, state: 'gone', message: 'restic backup (pid 4243) is gone' },
    ]);
    const probe = await probeHost(
      { id: 'local', name: 'this machine', kind: 'local' },
      {
        runners,
        resticBinaryFor: async () => resticBinaries().at(-1)!.path,
        fan: new FanOut({ total: 2, perKey: 2 }),
        signal: new AbortController().signal,
        timeoutMs: 30_000,
      },
    );
    const leftovers = probe.items.filter((i) => i.item === 'leftover');
    expect(leftovers).toHaveLength(1);
    expect(leftovers[0]).toMatchObject({ status: 'warning', data: { pid: 4242 } });
    expect(leftovers[0]!.reason).toMatch(/pid 4242.*connection was lost/);
    expect(probe.items.find((i) => i.item === 'reachable')?.status).toBe('ok');
  });
});
