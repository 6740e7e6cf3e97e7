/**
 * One HTTP(S) request to MinIO with node:http/https, so a private CA (PEM)
 * can be trusted per connection, with a timeout and an AbortSignal.
 * Network failures become MINIO_UNREACHABLE with the reason in words.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { ConsoleError } from '../../../shared';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** PEM text of the CA that signed the server's certificate (added to the system roots). */
  caPem?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const MAX_BODY = 64 * 1024 * 1024;

export function networkWords(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { code?: string };
  switch (e?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is MinIO running on that port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to host';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `the server's TLS certificate is not trusted (${e.code}); add its CA`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return "the server's TLS certificate is for another name";
    case 'CERT_HAS_EXPIRED':
      return "the server's TLS certificate has expired";
    case 'EPROTO':
      return 'TLS handshake failed (is the endpoint http rather than https?)';
    default:
      return e?.message ? e.message.split('\n')[0]! : String(error);
  }
}

export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const isHttps = req.url.protocol === 'https:';
  const timeoutMs = req.timeoutMs ?? 15_000;
  const where = req.url.host;
  return new Promise<HttpResponse>((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new ConsoleError('CANCELLED', 'Cancelled.'));
      return;
    }
    const options: https.RequestOptions = {
      method: req.method,
      headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) },
      timeout: timeoutMs,
      ...(isHttps && req.caPem ? { ca: [...tlsRootsOnce(), req.caPem] } : {}),
    };
    const mod = isHttps ? https : http;
    const r = mod.request(req.url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          r.destroy(new Error('reply larger than 64 MiB'));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        cleanup();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', fail);
    });
    const onAbort = (): void => {
      r.destroy();
      cleanup();
      reject(new ConsoleError('CANCELLED', 'Cancelled.'));
    };
    const cleanup = (): void => req.signal?.removeEventListener('abort', onAbort);
    function fail(error: unknown): void {
      cleanup();
      if (error instanceof ConsoleError) reject(error);
      else {
        const words = networkWords(error);
        reject(
          new ConsoleError('MINIO_UNREACHABLE', `MinIO at ${where} is unreachable: ${words}.`, {
            endpoint: `${req.url.protocol}//${where}`,
            cause: (error as { code?: string })?.code,
            words,
          }),
        );
      }
    }
    req.signal?.addEventListener('abort', onAbort, { once: true });
    r.on('timeout', () => r.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    r.on('error', fail);
    if (req.body) r.end(req.body);
    else r.end();
  });
}

/** Giving `ca` replaces the system roots; keep them, so a custom CA adds trust rather than narrowing it. */
function tlsRootsOnce(): readonly string[] {
  return tls.rootCertificates;
}
