/**
 * The serve-mode security checks, as pure functions: the access token,
 * loopback-only binding, the Host header (DNS-rebinding defense), the
 * Origin header (cross-site requests and sockets) and the response headers.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** 32 random bytes, base64url: the one secret serve mode prints (it is the login link). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time token check. Both sides are hashed first so the comparison
 * runs on equal-length digests whatever the candidate's length, and the
 * expected token's length does not leak either.
 */
export function tokenMatches(expected: string, candidate: string | null | undefined): boolean {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 1024) {
    // Still spend one comparison so a missing token costs about the same as a wrong one.
    timingSafeEqual(digest(expected), digest(''));
    return false;
  }
  return timingSafeEqual(digest(expected), digest(candidate));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The token from `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}

/** 127.0.0.0/8, ::1 and "localhost". */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || bare.startsWith('::ffff:127.');
  return false;
}

/** The address to listen on for a host option ("localhost" pins IPv4 loopback). */
export function listenAddress(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase() === 'localhost' ? '127.0.0.1' : bare;
}

/** How a host looks inside a Host header or URL (IPv6 in brackets). */
export function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * Host header values this server answers to: the loopback names with the
 * bound port, plus the bound address itself and any extra names given.
 * A browser tricked by DNS rebinding sends the attacker's name here.
 */
export function allowedHostHeaders(
  boundHost: string,
  port: number,
  extraHosts: readonly string[] = [],
): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', hostForUrl(boundHost), ...extraHosts.map(hostForUrl)]);
  if (boundHost === '::1') names.add('[::1]');
  return new Set([...names].map((name) => `${name.toLowerCase()}:${port}`));
}

export function isAllowedHostHeader(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  return typeof header === 'string' && allowed.has(header.trim().toLowerCase());
}

/**
 * A request or socket without an Origin header (curl, scripts, same-origin
 * GETs) passes; with one, it must be this server's own origin.
 */
export function isAllowedOrigin(origin: string | undefined, allowedHosts: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  return (
    allowedHosts.has(url.host.toLowerCase()) && origin.replace(/\/$/, '') === `${url.protocol}//${url.host}`
  );
}

export const SERVE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws://127.0.0.1:*",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Sent with every response, static or API. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': SERVE_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
