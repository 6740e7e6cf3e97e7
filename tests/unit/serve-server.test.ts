// Serve mode over real HTTP and WebSocket on loopback, against a core made
// of the real dispatcher and small real handlers (the full core is covered
// by tests/integration/serve-core.test.ts).

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConsoleError, type EventMessage } from '../../shared';
import type { Core } from '../../electron/core/core';
import { createDispatcher, type Handlers } from '../../electron/core/rpc/dispatcher';
import { handlersWith } from '../support/handlers';
import { EventBus } from '../../electron/core/rpc/event-bus';
import { createServeServer, type ServeServer } from '../../electron/serve/server';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuv';
const SECRET_OUTSIDE_ROOT = 'TOP-SECRET-OUTSIDE-THE-STATIC-ROOT';
const INDEX_HTML =
  '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head></html>';

let tmp: string;
let staticDir: string;
let server: ServeServer;
let abortedCalls = 0;
let internalErrors = 0;
const events = new EventBus();

function makeCore(): Pick<Core, 'dispatch' | 'events'> {
  const handlers: Handlers = handlersWith({
    'app.info': async () => ({
      version: '0.0.0-test',
      mode: 'serve',
      demo: false,
      dataDir: '/nowhere',
      startupIssues: [],
    }),
    'hosts.list': async () => [{ id: 'local', name: 'this machine', kind: 'local', privateKeySet: false }],
    'repos.list': async () => {
      throw new Error('a bug nobody classified');
    },
    'snapshots.list': async (input) => {
      throw new ConsoleError('REPO_NOT_FOUND', `No repository "${input.repoId}".`);
    },
    'snapshots.ls': async (input) => ({ path: input.path, nodes: [], command: 'restic ls --json' }),
    // Waits until the client goes away, to prove the call's signal is aborted.
    'snapshots.diff': (_input, ctx) =>
      new Promise((_resolve, reject) => {
        ctx.signal?.addEventListener('abort', () => {
          abortedCalls += 1;
          reject(new ConsoleError('CANCELLED', 'client went away'));
        });
      }),
  });
  return { dispatch: createDispatcher(handlers, { onInternalError: () => (internalErrors += 1) }), events };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => unknown;
}

/** A request exactly as written (fetch would normalise the path and forbids setting Host). */
function raw(
  method: string,
  requestPath: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: `127.0.0.1:${server.port}`, ...options.headers };
    if (options.body !== undefined && !options.chunked)
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method, path: requestPath, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as unknown,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function call(
  method: string,
  body: string | undefined,
  token: string | null = TOKEN,
  extra: Record<string, string> = {},
) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...extra };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return raw('POST', `/api/call/${method}`, body === undefined ? { headers } : { headers, body });
}

function openSocket(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), {
            status: res.statusCode,
            body: Buffer.concat(chunks).toString(),
          }),
        ),
      );
    });
    ws.once('error', reject);
  });
}

function closeSocket(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.close();
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'rfc-serve-'));
  staticDir = path.join(tmp, 'dist');
  await mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(staticDir, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(path.join(staticDir, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(staticDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(tmp, 'secret.txt'), SECRET_OUTSIDE_ROOT);
  server = await createServeServer({ core: makeCore(), token: TOKEN, staticDir, maxBodyBytes: 64 * 1024 });
});

afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('createServeServer: configuration', () => {
  it('listens on loopback with a printed login URL', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('makes a random 32-byte base64url token when none is given', async () => {
    const other = await createServeServer({ core: makeCore(), staticDir });
    try {
      expect(other.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(other.token).not.toBe(TOKEN);
    } finally {
      await other.close();
    }
  });

  it('refuses a non-loopback host unless forced', async () => {
    await expect(createServeServer({ core: makeCore(), staticDir, host: '0.0.0.0' })).rejects.toThrow(
      /loopback/,
    );
    await expect(createServeServer({ core: makeCore(), staticDir, host: '192.0.2.10' })).rejects.toThrow(
      /loopback/,
    );
  });

  it('refuses a short token', async () => {
    await expect(createServeServer({ core: makeCore(), staticDir, token: 'short' })).rejects.toThrow(/16/);
  });
});

describe('POST /api/call/<method>', () => {
  it('answers an ok call with the envelope', async () => {
    const res = await call('hosts.list', '{}');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({ ok: true, value: [{ id: 'local', name: 'this machine', kind: 'local', privateKeySet: false }] });
  });

  it('treats an empty body as {}', async () => {
    const res = await call('app.info', undefined);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, value: { mode: 'serve' } });
  });

  it('answers a domain error with HTTP 200 and the error envelope', async () => {
    const res = await call('snapshots.list', '{"repoId":"nope"}');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      ok: false,
      error: { code: 'REPO_NOT_FOUND', message: 'No repository "nope".' },
    });
  });

  it('answers an unclassified handler failure with 500 INTERNAL', async () => {
    const res = await call('repos.list', '{}');
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(internalErrors).toBeGreaterThan(0);
  });

  it('rejects a missing token with 401 and an envelope', async () => {
    const res = await call('hosts.list', '{}', null);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('rejects a wrong token of the same or another length', async () => {
    for (const wrong of [TOKEN.replace(/.$/, 'X'), 'x', `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const res = await call('hosts.list', '{}', wrong);
      expect(res.status, wrong).toBe(401);
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    const basic = await call('hosts.list', '{}', null, { Authorization: `Basic ${TOKEN}` });
    expect(basic.status).toBe(401);
  });

  it('does not accept the token in the query string for API calls', async () => {
    const res = await raw('POST', `/api/call/hosts.list?token=${TOKEN}`, { body: '{}' });
    expect(res.status).toBe(401);
  });

  it('checks the token before revealing whether a method exists', async () => {
    const res = await call('no.such', '{}', null);
    expect(res.status).toBe(401);
  });

  it('answers an unknown method with 404 UNKNOWN_METHOD', async () => {
    const res = await call('no.such', '{}');
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const proto = await call('__proto__', '{}');
    expect(proto.status).toBe(404);
  });

  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const res = await call('hosts.list', '{"unterminated": ');
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/JSON/) },
    });
  });

  it('answers input failing the schema with 400 and the issues', async () => {
    const res = await call('snapshots.ls', JSON.stringify({ repoId: 'r1', snapshotId: 'not-hex' }));
    expect(res.status).toBe(400);
    const body = res.json() as {
      ok: false;
      error: { code: string; detail: { issues: { path: string[] }[] } };
    };
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.detail.issues.map((i) => i.path.join('.'))).toContain('snapshotId');
    const extra = await call('hosts.list', '{"unexpected":1}');
    expect(extra.status).toBe(400);
  });

  it('answers a body over the limit with 413 (declared length)', async () => {
    const res = await call('hosts.list', JSON.stringify({ pad: 'x'.repeat(200 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('answers a body over the limit with 413 (chunked, no declared length)', async () => {
    const res = await raw('POST', '/api/call/hosts.list', {
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ pad: 'x'.repeat(200 * 1024) }),
      chunked: true,
    });
    expect(res.status).toBe(413);
  });

  it('answers another verb with 405 and Allow: POST', async () => {
    const res = await raw('GET', '/api/call/hosts.list', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('answers other /api paths with a 404 envelope', async () => {
    const res = await raw('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('rejects a cross-origin call even with the token', async () => {
    const res = await call('hosts.list', '{}', TOKEN, { Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    const same = await call('hosts.list', '{}', TOKEN, { Origin: `http://127.0.0.1:${server.port}` });
    expect(same.status).toBe(200);
  });

  it('aborts the call when the client goes away', async () => {
    const before = abortedCalls;
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${server.port}/api/call/snapshots.diff`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ repoId: 'r1', from: 'abcd', to: 'ef01' }),
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(() => abortedCalls).toBe(before + 1);
  });
});

describe('DNS-rebinding defense', () => {
  it('rejects a foreign Host header on API and static requests', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      '127.0.0.1',
    ]) {
      const api = await call('hosts.list', '{}', TOKEN, { Host: host });
      expect(api.status, host).toBe(403);
      const page = await raw('GET', '/', { headers: { Host: host } });
      expect(page.status, host).toBe(403);
      expect(page.body).not.toContain('<script');
    }
  });

  it('accepts localhost and 127.0.0.1 with the bound port', async () => {
    expect((await call('hosts.list', '{}', TOKEN, { Host: `localhost:${server.port}` })).status).toBe(200);
    expect((await call('hosts.list', '{}', TOKEN, { Host: `127.0.0.1:${server.port}` })).status).toBe(200);
  });
});

describe('static files', () => {
  it('serves index.html with the security headers', async () => {
    const res = await raw('GET', '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toBe(INDEX_HTML);
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:*; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('puts the security headers on API replies too', async () => {
    const res = await call('hosts.list', '{}');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('serves assets with their content types', async () => {
    const js = await raw('GET', '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    const css = await raw('GET', '/assets/app.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await raw('GET', '/favicon.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    const head = await raw('HEAD', '/assets/app.js');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('falls back to index.html for client-side routes, not for missing assets', async () => {
    const route = await raw('GET', '/hosts/local?tab=snapshots', { headers: { Accept: 'text/html' } });
    expect(route.status).toBe(200);
    expect(route.body).toBe(INDEX_HTML);
    const missing = await raw('GET', '/assets/missing.js');
    expect(missing.status).toBe(404);
  });

  it('never serves a file outside the static root', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%252e%252e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/index.html%00.js',
      '/../../../../../../etc/passwd',
      '//etc/passwd',
    ];
    for (const attempt of attempts) {
      const res = await raw('GET', attempt);
      expect(res.body, attempt).not.toContain(SECRET_OUTSIDE_ROOT);
      expect(res.body, attempt).not.toMatch(/root:.*:0:0:/);
      expect([200, 404], attempt).toContain(res.status);
      if (res.status === 200) expect(res.body, attempt).toBe(INDEX_HTML);
    }
  });

  it('answers other verbs with 405', async () => {
    const res = await raw('DELETE', '/index.html');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('WebSocket /api/events', () => {
  it('delivers core events as {event, payload}', async () => {
    const ws = await openSocket(`?token=${TOKEN}`);
    try {
      const received = new Promise<EventMessage>((resolve) =>
        ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as EventMessage)),
      );
      events.emit('invalidate', { scope: 'snapshots', repoId: 'r1' });
      expect(await received).toEqual({ event: 'invalidate', payload: { scope: 'snapshots', repoId: 'r1' } });
    } finally {
      await closeSocket(ws);
    }
  });

  it('rejects a missing or wrong token with 401', async () => {
    for (const query of ['', '?token=', '?token=wrong', `?token=${TOKEN}x`]) {
      const err = (await openSocket(query).then(
        () => null,
        (e: unknown) => e,
      )) as { status: number; body: string } | null;
      expect(err?.status, query).toBe(401);
      expect(JSON.parse(err?.body ?? '{}')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
  });

  it('rejects a cross-origin socket and a foreign Host', async () => {
    const cross = await openSocket(`?token=${TOKEN}`, { Origin: 'http://evil.example' }).catch(
      (e: { status: number }) => e,
    );
    expect((cross as { status: number }).status).toBe(403);
    const rebound = await openSocket(`?token=${TOKEN}`, { Host: `evil.example:${server.port}` }).catch(
      (e: { status: number }) => e,
    );
    expect((rebound as { status: number }).status).toBe(403);
    const same = await openSocket(`?token=${TOKEN}`, { Origin: `http://localhost:${server.port}` });
    await closeSocket(same);
  });

  it('unsubscribes closed sockets', async () => {
    await expect.poll(() => events.size).toBe(0);
    const ws = await openSocket(`?token=${TOKEN}`);
    await expect.poll(() => events.size).toBe(1);
    await closeSocket(ws);
    await expect.poll(() => events.size).toBe(0);
  });
});

describe('resilience', () => {
  it('survives garbage on the wire and keeps answering', async () => {
    await new Promise<void>((resolve) => {
      const sock = net.connect(server.port, '127.0.0.1', () => sock.write('NOT HTTP AT ALL\r\n\r\n'));
      sock.on('data', () => {});
      sock.on('close', () => resolve());
      sock.on('error', () => resolve());
    });
    const res = await call('hosts.list', '{}');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: true });
  });

  it('answers 500 INTERNAL when dispatch itself throws, and keeps serving', async () => {
    const errors: unknown[] = [];
    const broken = await createServeServer({
      core: {
        dispatch: () => Promise.reject(new Error('dispatch exploded')),
        events,
      },
      staticDir,
      token: TOKEN,
      onError: (e) => errors.push(e),
    });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${broken.port}/api/call/hosts.list`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKEN}` },
          body: '{}',
        });
        expect(res.status).toBe(500);
        const body = (await res.json()) as { ok: boolean; error: { code: string; message: string } };
        expect(body).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
        expect(body.error.message).not.toContain('exploded');
      }
      expect(errors).toHaveLength(2);
    } finally {
      await broken.close();
    }
  });

  it('closes open sockets on close()', async () => {
    const other = await createServeServer({ core: makeCore(), staticDir, token: TOKEN });
    const ws = new WebSocket(`ws://127.0.0.1:${other.port}/api/events?token=${TOKEN}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    await other.close();
    expect(await closed).toBe(1001);
  });
});
