/**
 * Serve mode: the contract over HTTP + WebSocket for the browser and for
 * scripts, plus the built renderer as static files.
 *
 *   POST /api/call/<method>   body: JSON input, Authorization: Bearer <token>
 *                             reply: the contract's envelope as JSON
 *   GET  /api/events?token=…  WebSocket; pushes {event, payload} messages
 *   GET  /*                   the built renderer (SPA fallback to index.html)
 *
 * Binds loopback only unless forced, checks the Host header on every request
 * (DNS rebinding) and the Origin header when a browser sends one, and compares
 * the token in constant time on every API request and socket.
 */
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { fail, isMethodName, type Envelope, type ErrorCode } from '../../shared';
import type { Core } from '../core/core';
import {
  SECURITY_HEADERS,
  allowedHostHeaders,
  bearerToken,
  generateToken,
  hostForUrl,
  isAllowedHostHeader,
  isAllowedOrigin,
  isLoopbackHost,
  listenAddress,
  tokenMatches,
} from './security';
import { contentTypeFor, findStaticFile, resolveStaticPath, wantsSpaFallback } from './static-files';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** A socket whose unsent backlog grows past this is too slow to keep: it is closed. */
const MAX_SOCKET_BACKLOG_BYTES = 8 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

export interface ServeServerOptions {
  core: Pick<Core, 'dispatch' | 'events'>;
  /** The access token; a random 32-byte base64url token when omitted. */
  token?: string;
  /** Loopback only (127.0.0.0/8, ::1, localhost) unless `allowNonLoopback`. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (vite's dist/). */
  staticDir: string;
  /** Binding a non-loopback address exposes the console to the network: it must be asked for. */
  allowNonLoopback?: boolean;
  /** Extra names accepted in the Host header (only meaningful with allowNonLoopback). */
  extraHostNames?: string[];
  maxBodyBytes?: number;
  /** Unclassified failures of the transport itself (never sent to clients in full). */
  onError?: (error: unknown) => void;
}

export interface ServeServer {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** http://host:port/ */
  readonly origin: string;
  /** The login link: origin + `?token=…`. */
  readonly url: string;
  /** Closes sockets and the listener; idempotent. */
  close(): Promise<void>;
}

export class ServeConfigError extends Error {
  override readonly name = 'ServeConfigError';
}

/** HTTP status for an envelope: 200 for ok and domain errors, 4xx/5xx for transport and contract failures. */
export function httpStatusFor(envelope: Envelope<unknown>): number {
  if (envelope.ok) return 200;
  const byCode: Partial<Record<ErrorCode, number>> = {
    BAD_REQUEST: 400,
    UNAUTHORIZED: 401,
    UNKNOWN_METHOD: 404,
    INTERNAL: 500,
  };
  return byCode[envelope.error.code] ?? 200;
}

export async function createServeServer(options: ServeServerOptions): Promise<ServeServer> {
  const requestedHost = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(requestedHost) && !options.allowNonLoopback) {
    throw new ServeConfigError(
      `Refusing to listen on ${requestedHost}: serve mode binds loopback only (127.0.0.1, ::1, localhost) unless non-loopback binding is explicitly allowed.`,
    );
  }
  const token = options.token ?? generateToken();
  if (token.length < 16) throw new ServeConfigError('The serve-mode token must be at least 16 characters.');
  const host = listenAddress(requestedHost);
  const staticDir = path.resolve(options.staticDir);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const { core } = options;
  const onError = options.onError ?? (() => {});

  let allowedHosts: ReadonlySet<string> = new Set();

  const server = http.createServer({ requestTimeout: 120_000, headersTimeout: 30_000 }, (req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) sendEnvelope(res, fail('INTERNAL', 'The server failed to answer this request.'));
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, clientTracking: true });
  const alive = new WeakMap<WebSocket, boolean>();

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = parseRequestUrl(req.url);
      if (!isAllowedHostHeader(req.headers.host, allowedHosts)) {
        return rejectUpgrade(socket, 403, fail('UNAUTHORIZED', 'This Host header is not allowed.'));
      }
      if (!url || url.pathname !== '/api/events') {
        return rejectUpgrade(socket, 404, fail('NOT_FOUND', 'No WebSocket endpoint here; use /api/events.'));
      }
      if (!isAllowedOrigin(req.headers.origin, allowedHosts)) {
        return rejectUpgrade(socket, 403, fail('UNAUTHORIZED', 'Cross-origin sockets are not allowed.'));
      }
      if (!tokenMatches(token, url.searchParams.get('token'))) {
        return rejectUpgrade(socket, 401, fail('UNAUTHORIZED', 'Missing or wrong token.'));
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (error) {
      onError(error);
      socket.destroy();
    }
  });

  wss.on('connection', (ws: WebSocket) => {
    alive.set(ws, true);
    const unsubscribe = core.events.subscribe((message) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_SOCKET_BACKLOG_BYTES) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(message));
    });
    ws.on('pong', () => alive.set(ws, true));
    // The socket is push-only; anything a client sends is ignored.
    ws.on('message', () => {});
    ws.on('error', () => ws.terminate());
    ws.on('close', () => unsubscribe());
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.on('error', () => {});
    req.on('error', () => {});

    if (!isAllowedHostHeader(req.headers.host, allowedHosts)) {
      drain(req);
      return sendEnvelope(res, fail('UNAUTHORIZED', 'This Host header is not allowed.'), 403);
    }
    const url = parseRequestUrl(req.url);
    if (!url) {
      drain(req);
      return sendEnvelope(res, fail('BAD_REQUEST', 'Malformed request URL.'));
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return handleApi(req, res, url);
    return handleStatic(req, res, req.url ?? '/');
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (!url.pathname.startsWith('/api/call/')) {
      drain(req);
      if (url.pathname === '/api/events') {
        return sendEnvelope(res, fail('BAD_REQUEST', '/api/events expects a WebSocket upgrade.'), 426);
      }
      return sendEnvelope(res, fail('NOT_FOUND', `No API endpoint at ${url.pathname.slice(0, 100)}.`), 404);
    }
    if (req.method !== 'POST') {
      drain(req);
      res.setHeader('Allow', 'POST');
      return sendEnvelope(res, fail('BAD_REQUEST', 'API calls use POST.'), 405);
    }
    if (!isAllowedOrigin(req.headers.origin, allowedHosts)) {
      drain(req);
      return sendEnvelope(res, fail('UNAUTHORIZED', 'Cross-origin requests are not allowed.'), 403);
    }
    if (!tokenMatches(token, bearerToken(req.headers.authorization))) {
      drain(req);
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendEnvelope(
        res,
        fail('UNAUTHORIZED', 'Missing or wrong token (Authorization: Bearer <token>).'),
      );
    }
    let method: string;
    try {
      method = decodeURIComponent(url.pathname.slice('/api/call/'.length));
    } catch {
      method = '';
    }
    if (!isMethodName(method)) {
      drain(req);
      return sendEnvelope(res, fail('UNKNOWN_METHOD', `Unknown method "${method.slice(0, 100)}".`));
    }

    const body = await readBody(req, maxBodyBytes);
    if (body.kind === 'too-large') {
      res.setHeader('Connection', 'close');
      return sendEnvelope(
        res,
        fail('BAD_REQUEST', `The request body is larger than ${maxBodyBytes} bytes.`),
        413,
      );
    }
    if (body.kind === 'aborted') return;
    let input: unknown = undefined;
    const text = body.data.toString('utf8');
    if (text.trim().length > 0) {
      try {
        input = JSON.parse(text) as unknown;
      } catch {
        return sendEnvelope(res, fail('BAD_REQUEST', 'The request body is not valid JSON.'));
      }
    }

    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const envelope = await core.dispatch(method, input, { origin: 'http', signal: controller.signal });
    if (res.destroyed) return;
    sendEnvelope(res, envelope);
  }

  async function handleStatic(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rawUrl: string,
  ): Promise<void> {
    drain(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendText(res, 405, 'Method Not Allowed');
    }
    const rawPathname = rawUrl.split('?')[0]?.split('#')[0] ?? '/';
    const lookup = resolveStaticPath(rawPathname);
    if (lookup.kind === 'forbidden') return sendText(res, 404, 'Not Found');

    let file = await findStaticFile(staticDir, lookup.relative);
    let isIndex = lookup.relative === 'index.html';
    if (!file && wantsSpaFallback(lookup.relative, req.headers.accept)) {
      file = await findStaticFile(staticDir, 'index.html');
      isIndex = true;
      if (!file) {
        return sendText(
          res,
          503,
          'The console UI is not built. Run `npm run build` (or `npm run serve`, which builds first).',
        );
      }
    }
    if (!file) return sendText(res, 404, 'Not Found');

    res.statusCode = 200;
    res.setHeader('Content-Type', contentTypeFor(file.absolutePath));
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('Last-Modified', new Date(file.mtimeMs).toUTCString());
    const hashedAsset = lookup.relative.startsWith('assets/');
    res.setHeader(
      'Cache-Control',
      isIndex || !hashedAsset ? 'no-cache' : 'public, max-age=31536000, immutable',
    );
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file.absolutePath);
    stream.on('error', (error) => {
      onError(error);
      res.destroy();
    });
    stream.pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', onError);

  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The server has no TCP address.');
  const port = address.port;
  allowedHosts = allowedHostHeaders(host, port, options.extraHostNames ?? []);
  const origin = `http://${hostForUrl(host === '::' || host === '0.0.0.0' ? '127.0.0.1' : host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    token,
    origin,
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        for (const ws of wss.clients) ws.close(1001, 'server shutting down');
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
          server.closeAllConnections();
        }, 2_000);
        await closed;
        clearTimeout(force);
      })();
      return closing;
    },
  };
}

function parseRequestUrl(raw: string | undefined): URL | null {
  if (!raw || !raw.startsWith('/')) return null;
  try {
    // Prefixing (not resolving against a base) keeps `//x` a path, not a host.
    return new URL(`http://serve.invalid${raw}`);
  } catch {
    return null;
  }
}

function sendEnvelope(
  res: http.ServerResponse,
  envelope: Envelope<unknown>,
  status = httpStatusFor(envelope),
): void {
  let body: string;
  try {
    body = JSON.stringify(envelope);
  } catch {
    status = 500;
    body = JSON.stringify(fail('INTERNAL', 'The reply could not be encoded as JSON.'));
  }
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(body);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}

function rejectUpgrade(socket: Duplex, status: number, envelope: Envelope<unknown>): void {
  const body = JSON.stringify(envelope);
  const reason = http.STATUS_CODES[status] ?? 'Error';
  const headers = [
    `HTTP/1.1 ${status} ${reason}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  if (status === 401) headers.push('WWW-Authenticate: Bearer');
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

/** Reads the body up to `limit` bytes; stops reading (and reports) past it. */
function readBody(
  req: http.IncomingMessage,
  limit: number,
): Promise<{ kind: 'ok'; data: Buffer } | { kind: 'too-large' } | { kind: 'aborted' }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    drain(req);
    return Promise.resolve({ kind: 'too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: { kind: 'ok'; data: Buffer } | { kind: 'too-large' } | { kind: 'aborted' }) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (settled) {
        if (size > 16 * limit) req.socket.destroy();
        return;
      }
      if (size > limit) {
        chunks.length = 0;
        settle({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle({ kind: 'ok', data: Buffer.concat(chunks) }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () =>
      settle(req.complete ? { kind: 'ok', data: Buffer.concat(chunks) } : { kind: 'aborted' }),
    );
  });
}

/**
 * Lets the rest of a request body flow past unread, so the answer can be
 * sent; gives up on the connection if the client keeps sending far more.
 */
function drain(req: http.IncomingMessage): void {
  if (req.complete || req.readableEnded) return;
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > 16 * DEFAULT_MAX_BODY_BYTES) req.socket.destroy();
  });
  req.resume();
}
