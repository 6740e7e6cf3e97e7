import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared';
import { createDispatcher, type Handlers } from '../../../electron/core/rpc/dispatcher';
import { handlersWith } from '../../support/handlers';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return handlersWith({
    'app.info': async () => ({ version: '1', mode: 'serve', demo: false, dataDir: '/d', startupIssues: [] }),
    'hosts.list': async () => [],
    'repos.list': async () => [],
    ...overrides,
  });
}

const ctx = { origin: 'internal' as const };

describe('createDispatcher', () => {
  it('returns the handler value in an ok envelope', async () => {
    const dispatch = createDispatcher(handlers());
    expect(await dispatch('repos.list', {}, ctx)).toEqual({ ok: true, value: [] });
  });

  it('rejects unknown methods, prototype names included', async () => {
    const dispatch = createDispatcher(handlers());
    for (const name of ['nope', '__proto__', 'constructor', 'toString']) {
      const reply = await dispatch(name, {}, ctx);
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('UNKNOWN_METHOD');
    }
  });

  it('validates input before the handler runs', async () => {
    let ran = false;
    const dispatch = createDispatcher(
      handlers({
        'snapshots.list': async () => {
          ran = true;
          return { snapshots: [], command: '' };
        },
      }),
    );
    for (const bad of [{ repoId: '' }, { repoId: '-rf' }, { repoId: 'a', extra: 1 }, 'text', 42]) {
      const reply = await dispatch('snapshots.list', bad, ctx);
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('BAD_REQUEST');
    }
    expect(ran).toBe(false);
  });

  it('passes ConsoleErrors through with their code, and hides bugs behind INTERNAL', async () => {
    const internal: string[] = [];
    const dispatch = createDispatcher(
      handlers({
        'repos.list': async () => {
          throw new ConsoleError('REPO_LOCKED', 'locked by host-a');
        },
        'hosts.list': async () => {
          throw new TypeError('x is undefined');
        },
      }),
      { onInternalError: (m) => internal.push(m) },
    );
    expect(await dispatch('repos.list', {}, ctx)).toEqual({ ok: false, error: { code: 'REPO_LOCKED', message: 'locked by host-a' } });
    const bug = await dispatch('hosts.list', {}, ctx);
    expect(bug.ok).toBe(false);
    if (!bug.ok) expect(bug.error.code).toBe('INTERNAL');
    expect(internal).toEqual(['hosts.list']);
  });

  it('refuses to send an output that breaks the contract', async () => {
    const dispatch = createDispatcher(
      handlers({ 'hosts.list': async () => [{ id: 'x' }] as never }),
      { onInternalError: () => undefined },
    );
    const reply = await dispatch('hosts.list', {}, ctx);
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('INTERNAL');
  });
});
