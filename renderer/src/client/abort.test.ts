import { describe, expect, it } from 'vitest';
import { createBridgeClient, type RfcBridge } from './bridge';
import { createHttpClient } from './http';

describe('per-call AbortSignal', () => {
  it('HTTP: passes the signal to fetch; aborting rejects with CANCELLED', async () => {
    let seen: AbortSignal | undefined;
    const fetchImpl = (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        seen = init?.signal ?? undefined;
        seen?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const client = createHttpClient({
      pageUrl: 'http://h/',
      token: 't',
      fetchImpl: fetchImpl as typeof fetch,
    });
    const controller = new AbortController();
    const pending = client.call(
      'snapshots.ls',
      { repoId: 'demo', snapshotId: 'abcd1234', path: '/' },
      { signal: controller.signal },
    );
    await Promise.resolve();
    expect(seen).toBe(controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('HTTP: an already aborted signal never reaches the network', async () => {
    let calls = 0;
    const fetchImpl = async () => {
      calls += 1;
      return new Response('{}');
    };
    const client = createHttpClient({
      pageUrl: 'http://h/',
      token: 't',
      fetchImpl: fetchImpl as typeof fetch,
    });
    await expect(client.call('repos.list', {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(calls).toBe(0);
  });

  it('HTTP: without a signal, calls work as before', async () => {
    const fetchImpl = async (_url: RequestInfo | URL, init?: RequestInit) => {
      expect(init?.signal).toBeUndefined();
      return new Response(JSON.stringify({ ok: true, value: [] }));
    };
    const client = createHttpClient({
      pageUrl: 'http://h/',
      token: 't',
      fetchImpl: fetchImpl as typeof fetch,
    });
    await expect(client.call('repos.list', {})).resolves.toEqual([]);
  });

  it('bridge: ignores the signal on the IPC side but stops waiting when it fires', async () => {
    let resolveCall!: (v: unknown) => void;
    const bridge: RfcBridge = {
      call: () => new Promise((resolve) => (resolveCall = resolve)),
      subscribe: () => () => {},
    };
    const client = createBridgeClient(bridge);
    const controller = new AbortController();
    const pending = client.call('repos.list', {}, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    resolveCall({ ok: true, value: [] }); // a late reply is dropped

    const ok = client.call('repos.list', {}, { signal: new AbortController().signal });
    resolveCall({ ok: true, value: [1] });
    await expect(ok).resolves.toEqual([1]);
  });
});
