/**
 * AWS Signature Version 4, our own: the MinIO admin API (/minio/admin/v3)
 * has no official JavaScript client, and the `minio` npm package keeps its
 * signer private. Only header signing (Authorization header) is needed.
 *
 * Tested against AWS's published test vectors (tests/unit/minio/sigv4.test.ts)
 * and against the real MinIO server (tests/integration/minio-admin.test.ts).
 */
import { createHash, createHmac } from 'node:crypto';

export interface SigV4Credentials {
  accessKey: string;
  secretKey: string;
}

export interface SigV4Request {
  method: string;
  url: URL;
  /** Headers to sign (besides host and x-amz-date, which are added). Names are case-insensitive. */
  headers: Record<string, string>;
  /** The payload's SHA-256 in hex; computed from body when absent. */
  payloadHash?: string;
  body?: Uint8Array;
}

export interface SigV4Options {
  region: string;
  service: string;
  now: Date;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 unreserved characters stay; everything else is %XX (upper-case), as SigV4 wants. */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** 20150830T123600Z */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function canonicalQuery(url: URL): string {
  const pairs: [string, string][] = [];
  url.searchParams.forEach((v, k) => pairs.push([uriEncode(k), uriEncode(v)]));
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** S3 does not normalise the path: each segment is encoded once, slashes kept. */
function canonicalPath(url: URL): string {
  const raw = url.pathname === '' ? '/' : url.pathname;
  return raw
    .split('/')
    .map((seg) => uriEncode(decodeURIComponent(seg)))
    .join('/');
}

export interface SignedParts {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
  /** Every header to send: the given ones plus host and x-amz-date and Authorization. */
  headers: Record<string, string>;
}

export function signRequest(req: SigV4Request, creds: SigV4Credentials, opts: SigV4Options): SignedParts {
  const date = amzDate(opts.now);
  const day = date.slice(0, 8);
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) all[k.toLowerCase()] = v;
  all.host ??= req.url.host;
  all['x-amz-date'] = date;
  const names = Object.keys(all).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(all[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const payloadHash = req.payloadHash ?? sha256Hex(req.body ?? new Uint8Array());
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(req.url),
    canonicalQuery(req.url),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${opts.region}/${opts.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${creds.secretKey}`, day);
  const kRegion = hmac(kDate, opts.region);
  const kService = hmac(kRegion, opts.service);
  const kSigning = hmac(kService, 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return {
    canonicalRequest,
    stringToSign,
    signature,
    authorization,
    headers: { ...all, authorization },
  };
}
