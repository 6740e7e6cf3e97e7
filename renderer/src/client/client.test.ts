import { describe, expect, it, vi } from 'vitest';
import { ConsoleError, events } from '../../../shared';
import { createBridgeClient, type RfcBridge } from './bridge';
import { asConsoleError, codeForHttpStatus, openEnvelope } from './envelope';
import { backoffDelay, parseEventMessage } from './events-socket';
import { apiCallUrl, createHttpClient, eventsUrl } from './http';
import { pickTransport } from './index';
import { TOKEN_STORAGE_KEY, takeToken } from './token';

describe('openEnvelope', () => {
  it('returns the value of an ok envelope', () => {
    expect(openEnvelope({ ok: true, value: [1, 2] }, 'm')).toEqual([1, 2]);
  });

  it('throws the envelope error as a ConsoleError with its code, message and detail', () => {
    try {
      openEnvelope(
        { ok: false, error: { code: 'REPO_NOT_FOUND', message: 'gone', detail: { exit: 10 } } },
        'm',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConsoleError);
      expect(error).toMatchObject({ code: 'REPO_NOT_FOUND', message: 'gone', detail: { exit: 10 } });
    }
  });

  it('turns anything that is not an envelope into INTERNAL', () => {
    for (const raw of [null, 'text', { ok: true }, { ok: false, error: { code: 'NOPE', message: 'x' } }]) {
      expect(() => openEnvelope(raw, 'repos.list')).toThrowError(
        expect.objectContaining({ code: 'INTERNAL' }),
      );
    }
  });

  it('maps HTTP statuses to codes when a reply is not JSON', () => {
    expect(codeForHttpStatus(401)).toBe('UNAUTHORIZED');
    expect(codeForHttpStatus(404)).toBe('UNKNOWN_METHOD');
    expect(codeForHttpStatus(502)).toBe('INTERNAL');
  });

  it('keeps code and message of an error that lost its class over structured clone', () => {
    const e = asConsoleError({ code: 'TIMEOUT', message: 'slow' }, 'm');
    expect(e).toBeInstanceOf(ConsoleError);
    expect(e.code).toBe('TIMEOUT');
    expect(asConsoleError(new Error('boom'), 'ctx').code).toBe('INTERNAL');
  });
});

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
}

describe('HTTP client', () => {
  it('POSTs the input with the bearer token to api/call/<method> and unwraps the reply', async () => {
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) =>
      jsonResponse({ ok: true, value: { snapshots: [], command: 'restic snapshots --json' } }),
    );
    const client = createHttpClient({
      pageUrl: 'http://127.0.0.1:4000/',
      token: 'tok',
      fetchImpl: fetchImpl as typeof fetch,
    });
    await expect(client.call('snapshots.list', { repoId: 'demo' })).resolves.toEqual({
      snapshots: [],
      command: 'restic snapshots --json',
    });
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:4000/api/call/snapshots.list');
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(JSON.parse(String(init?.body))).toEqual({ repoId: 'demo' });
  });

  it('throws the error envelope of a 401 as UNAUTHORIZED', async () => {
    const fetchImpl = async () =>
      jsonResponse({ ok: false, error: { code: 'UNAUTHORIZED', message: 'wrong token' } }, 401);
    const client = createHttpClient({
      pageUrl: 'http://h/',
      token: 'bad',
      fetchImpl: fetchImpl as typeof fetch,
    });
    await expect(client.call('repos.list', {})).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'wrong token',
    });
  });

  it('reports a non-JSON reply with its HTTP status', async () => {
    const fetchImpl = async () => jsonResponse('<html>Bad gateway</html>', 502);
    const client = createHttpClient({
      pageUrl: 'http://h/',
      token: 't',
      fetchImpl: fetchImpl as typeof fetch,
    });
    await expect(client.call('repos.list', {})).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('HTTP 502'),
    });
  });

  it('reports a network failure as a ConsoleError, not a TypeError', async () => {
    const fetchImpl = async () => {
      throw new TypeError('Failed to fetch');
    };
    const client = createHttpClient({
      pageUrl: 'http://h/',
      token: 't',
      fetchImpl: fetchImpl as typeof fetch,
    });
    await expect(client.call('repos.list', {})).rejects.toBeInstanceOf(ConsoleError);
  });

  it('refuses to call without a token, explaining where the token comes from', async () => {
    const fetchImpl = vi.fn();
    const client = createHttpClient({
      pageUrl: 'http://h/',
      token: null,
      fetchImpl: fetchImpl as unknown as typeof fetch,
    });
    await expect(client.call('repos.list', {})).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringContaining('?token='),
    });
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('resolves API and event URLs against the page, keeping a sub-path', () => {
    expect(apiCallUrl('http://127.0.0.1:9/console/index.html', 'app.info')).toBe(
      'http://127.0.0.1:9/console/api/call/app.info',
    );
    expect(eventsUrl('http://127.0.0.1:9/', 'a b')).toBe('ws://127.0.0.1:9/api/events?token=a+b');
    expect(eventsUrl('https://x/?q=1#h', 't')).toBe('wss://x/api/events?token=t');
  });
});

describe('bridge client', () => {
  it('unwraps envelopes from window.rfc and forwards subscriptions', async () => {
    const unsubscribe = vi.fn();
    const bridge: RfcBridge = {
      call: vi.fn(async (method: string) =>
        method === 'repos.list'
          ? { ok: true, value: [] }
          : { ok: false, error: { code: 'NOT_FOUND', message: 'no' } },
      ),
      subscribe: vi.fn(() => unsubscribe),
    };
    const client = createBridgeClient(bridge);
    await expect(client.call('repos.list', {})).resolves.toEqual([]);
    await expect(client.call('hosts.list', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const off = client.subscribe('invalidate', () => {});
    off();
    expect(unsubscribe).toHaveBeenCalledOnce();
  });

  it('wraps a rejected IPC call into a ConsoleError', async () => {
    const client = createBridgeClient({
      call: async () => Promise.reject(new Error('ipc down')),
      subscribe: () => () => {},
    });
    await expect(client.call('app.info', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('is picked only when window.rfc has call and subscribe', () => {
    expect(pickTransport({ rfc: { call: async () => null, subscribe: () => () => {} } })).toBe('bridge');
    expect(pickTransport({})).toBe('http');
    expect(pickTransport({ rfc: {} as unknown as RfcBridge })).toBe('http');
  });
});

describe('token', () => {
  function env(href: string, stored: string | null = null) {
    const storage = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
    const replaced: string[] = [];
    return {
      replaced,
      storage,
      env: {
        location: { href },
        history: {
          state: null,
          replaceState: (_d: unknown, _u: string, url?: string | URL | null) =>
            void replaced.push(String(url)),
        },
        storage: {
          getItem: (k: string) => storage.get(k) ?? null,
          setItem: (k: string, v: string) => void storage.set(k, v),
        },
      },
    };
  }

  it('takes the token from the URL once, stores it and removes it from the address bar', () => {
    const e = env('http://127.0.0.1:5/?token=s3cret&x=1#frag');
    expect(takeToken(e.env)).toBe('s3cret');
    expect(e.storage.get(TOKEN_STORAGE_KEY)).toBe('s3cret');
    expect(e.replaced).toEqual(['/?x=1#frag']);
  });

  it('falls back to the stored token after a reload', () => {
    const e = env('http://127.0.0.1:5/', 'kept');
    expect(takeToken(e.env)).toBe('kept');
    expect(e.replaced).toEqual([]);
  });
});

describe('event socket helpers', () => {
  it('backs off exponentially up to the cap, with bounded jitter', () => {
    const mid = () => 0.5;
    expect(backoffDelay(0, {}, mid)).toBe(500);
    expect(backoffDelay(3, {}, mid)).toBe(4000);
    expect(backoffDelay(50, {}, mid)).toBe(30_000);
    expect(backoffDelay(2, { jitter: 0.2 }, () => 0)).toBe(1600);
    expect(backoffDelay(2, { jitter: 0.2 }, () => 1)).toBe(2400);
  });

  it('accepts only known events with valid payloads', () => {
    expect(
      parseEventMessage(
        JSON.stringify({ event: 'invalidate', payload: { scope: 'snapshots', repoId: 'demo' } }),
      ),
    ).toEqual({
      event: 'invalidate',
      payload: { scope: 'snapshots', repoId: 'demo' },
    });
    expect(
      parseEventMessage(JSON.stringify({ event: 'invalidate', payload: { scope: 'everything' } })),
    ).toBeNull();
    expect(parseEventMessage(JSON.stringify({ event: 'nope', payload: {} }))).toBeNull();
    expect(parseEventMessage('not json')).toBeNull();
  });
});

describe('EventSocket', () => {
  class FakeSocket {
    static all: FakeSocket[] = [];
    onopen: (() => void) | null = null;
    onmessage: ((m: { data: unknown }) => void) | null = null;
    onclose: (() => void) | null = null;
    onerror: (() => void) | null = null;
    closed = false;
    constructor(readonly url: string) {
      FakeSocket.all.push(this);
    }
    close() {
      this.closed = true;
    }
  }

  it('delivers events, reconnects with backoff after a drop and then declares every scope stale', async () => {
    vi.useFakeTimers();
    try {
      const { EventSocket } = await import('./events-socket');
      FakeSocket.all = [];
      const socket = new EventSocket({
        url: () => 'ws://h/api/events?token=t',
        WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      });
      const seen: unknown[] = [];
      const off = socket.subscribe('invalidate', (p) => seen.push(p));
      expect(FakeSocket.all).toHaveLength(1);
      const first = FakeSocket.all[0]!;
      first.onopen?.();
      first.onmessage?.({ data: JSON.stringify({ event: 'invalidate', payload: { scope: 'repos' } }) });
      expect(seen).toEqual([{ scope: 'repos' }]);

      first.onclose?.();
      expect(FakeSocket.all).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(FakeSocket.all).toHaveLength(2);
      FakeSocket.all[1]!.onopen?.();
      // Every scope the contract knows, in its order: events missed while away may have touched any of them.
      expect(seen.slice(1)).toEqual(events.invalidate.shape.scope.options.map((scope) => ({ scope })));

      off();
      expect(FakeSocket.all[1]!.closed).toBe(true);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(FakeSocket.all).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
