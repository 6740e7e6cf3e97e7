// The pure pieces of serve mode: token, loopback, Host/Origin, static paths, CLI args.

import { describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../electron/serve/args';
import {
  allowedHostHeaders,
  bearerToken,
  generateToken,
  isAllowedHostHeader,
  isAllowedOrigin,
  isLoopbackHost,
  tokenMatches,
} from '../../electron/serve/security';
import {
  contentTypeFor,
  isInside,
  resolveStaticPath,
  wantsSpaFallback,
} from '../../electron/serve/static-files';

describe('tokens', () => {
  it('generates 32 random bytes as base64url', () => {
    const a = generateToken();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('matches only the exact token', () => {
    const t = generateToken();
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(t, `${t} `)).toBe(false);
    expect(tokenMatches(t, t.slice(0, -1))).toBe(false);
    expect(tokenMatches(t, '')).toBe(false);
    expect(tokenMatches(t, null)).toBe(false);
    expect(tokenMatches(t, undefined)).toBe(false);
    expect(tokenMatches(t, 'x'.repeat(5000))).toBe(false);
  });

  it('reads Bearer tokens only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('loopback and Host/Origin checks', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      '0.0.0.0',
      '::',
      '192.168.1.2',
      '10.0.0.1',
      'example.com',
      '128.0.0.1',
      'localhost.evil.com',
    ]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it('accepts only the bound port on loopback names', () => {
    const allowed = allowedHostHeaders('127.0.0.1', 4321);
    expect(isAllowedHostHeader('127.0.0.1:4321', allowed)).toBe(true);
    expect(isAllowedHostHeader('LOCALHOST:4321', allowed)).toBe(true);
    expect(isAllowedHostHeader('127.0.0.1', allowed)).toBe(false);
    expect(isAllowedHostHeader('127.0.0.1:4322', allowed)).toBe(false);
    expect(isAllowedHostHeader('attacker.example:4321', allowed)).toBe(false);
    expect(isAllowedHostHeader(undefined, allowed)).toBe(false);
    expect(isAllowedHostHeader('[::1]:4321', allowedHostHeaders('::1', 4321))).toBe(true);
  });

  it('accepts no Origin or this server own origin only', () => {
    const allowed = allowedHostHeaders('127.0.0.1', 4321);
    expect(isAllowedOrigin(undefined, allowed)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:4321', allowed)).toBe(true);
    expect(isAllowedOrigin('http://localhost:4321', allowed)).toBe(true);
    expect(isAllowedOrigin('null', allowed)).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:4321', allowed)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:4322', allowed)).toBe(false);
    expect(isAllowedOrigin('http://evil.example', allowed)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:4321/path', allowed)).toBe(false);
  });
});

describe('static paths', () => {
  it('resolves ordinary paths relative to the root', () => {
    expect(resolveStaticPath('/')).toEqual({ kind: 'path', relative: '' });
    expect(resolveStaticPath('/assets/app-1a2b.js')).toEqual({
      kind: 'path',
      relative: 'assets/app-1a2b.js',
    });
    expect(resolveStaticPath('//assets//x.css')).toEqual({ kind: 'path', relative: 'assets/x.css' });
    expect(resolveStaticPath('/a%20b.txt')).toEqual({ kind: 'path', relative: 'a b.txt' });
  });

  it('refuses traversal in every spelling', () => {
    for (const p of [
      '/../x',
      '/a/../../x',
      '/%2e%2e/x',
      '/..%2fx',
      '/a%2f..%2f..%2fx',
      '/..%5cx',
      '/a\\..\\x',
      '/x%00.js',
      '/%zz',
      '/./x',
    ]) {
      expect(resolveStaticPath(p), p).toEqual({ kind: 'forbidden' });
    }
  });

  it('checks containment', () => {
    expect(isInside('/srv/dist', '/srv/dist')).toBe(true);
    expect(isInside('/srv/dist', '/srv/dist/assets/a.js')).toBe(true);
    expect(isInside('/srv/dist', '/srv/dist-evil/a.js')).toBe(false);
    expect(isInside('/srv/dist', '/srv/secret')).toBe(false);
  });

  it('maps content types and SPA fallback', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('font.woff2')).toBe('font/woff2');
    expect(contentTypeFor('blob.bin')).toBe('application/octet-stream');
    expect(wantsSpaFallback('hosts/local', undefined)).toBe(true);
    expect(wantsSpaFallback('assets/missing.js', '*/*')).toBe(false);
    expect(wantsSpaFallback('repos/r1.demo', 'text/html,application/xhtml+xml')).toBe(true);
  });
});

describe('parseServeArgs', () => {
  it('has loopback and a free port as defaults', () => {
    expect(parseServeArgs([])).toEqual({ port: 0, host: '127.0.0.1', allowNonLoopback: false, help: false });
  });

  it('reads --port, --host, --data-dir in both spellings', () => {
    expect(parseServeArgs(['--port', '8080', '--data-dir', '/tmp/x', '--host=localhost'])).toMatchObject({
      port: 8080,
      dataDir: '/tmp/x',
      host: 'localhost',
    });
    expect(parseServeArgs(['--port=0'])).toMatchObject({ port: 0 });
  });

  it('rejects bad values and unknown options', () => {
    expect(() => parseServeArgs(['--port', 'abc'])).toThrow(/--port/);
    expect(() => parseServeArgs(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseServeArgs(['--port'])).toThrow(/needs a value/);
    expect(() => parseServeArgs(['--data-dir', '--port'])).toThrow(/needs a value/);
    expect(() => parseServeArgs(['--verbose'])).toThrow(/Unknown option/);
  });
});
