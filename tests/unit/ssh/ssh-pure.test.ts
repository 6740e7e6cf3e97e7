// The pure parts of the SSH layer: error classification in words, the
// semaphore behind fan-out, host key description and algorithm order,
// login key parsing, and the parsers of "Test connection".

import { createHash } from 'node:crypto';
import { utils as ssh2Utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared';
import {
  configSignature,
  describeHostKey,
  hostKeyAlgorithms,
  type SshHostConfig,
} from '../../../electron/core/ssh/connection';
import {
  classifySshError,
  isRetryableHandshakeError,
  parseLoginKey,
  type SshErrorLike,
  type SshWhere,
} from '../../../electron/core/ssh/errors';
import { parseDfPk, parseEpoch, prettyName } from '../../../electron/core/ssh/host-test';
import { Semaphore } from '../../../electron/core/ssh/limiter';

const where: SshWhere = { hostId: 'h1', hostName: 'web-1', address: '127.0.0.9', port: 2222, user: 'backup' };

function sshError(message: string, extra: { level?: string; code?: string | number } = {}): SshErrorLike {
  return Object.assign(new Error(message), extra);
}

describe('classifySshError', () => {
  const cases: Array<[string, SshErrorLike, string, RegExp]> = [
    [
      'refused',
      sshError('connect ECONNREFUSED', { level: 'client-socket', code: 'ECONNREFUSED' }),
      'HOST_UNREACHABLE',
      /connection refused on 127\.0\.0\.9:2222/,
    ],
    [
      'no route',
      sshError('connect EHOSTUNREACH', { level: 'client-socket', code: 'EHOSTUNREACH' }),
      'HOST_UNREACHABLE',
      /no route to host for 127\.0\.0\.9:2222/,
    ],
    [
      'network',
      sshError('connect ENETUNREACH', { level: 'client-socket', code: 'ENETUNREACH' }),
      'HOST_UNREACHABLE',
      /network unreachable/,
    ],
    [
      'tcp timeout',
      sshError('connect ETIMEDOUT', { level: 'client-socket', code: 'ETIMEDOUT' }),
      'HOST_UNREACHABLE',
      /timed out/,
    ],
    [
      'reset',
      sshError('read ECONNRESET', { level: 'client-socket', code: 'ECONNRESET' }),
      'HOST_UNREACHABLE',
      /reset by 127\.0\.0\.9:2222/,
    ],
    [
      'dns',
      sshError('getaddrinfo ENOTFOUND nohost', { level: 'client-socket', code: 'ENOTFOUND' }),
      'HOST_UNREACHABLE',
      /cannot resolve the address "127\.0\.0\.9"/,
    ],
    [
      'ready timeout',
      sshError('Timed out while waiting for handshake', { level: 'client-timeout' }),
      'HOST_UNREACHABLE',
      /no SSH answer from 127\.0\.0\.9:2222 within 10 s/,
    ],
    [
      'keepalive',
      sshError('Keepalive timeout', { level: 'client-timeout' }),
      'HOST_UNREACHABLE',
      /stopped answering keepalives/,
    ],
    [
      'maxstartups',
      sshError('Connection lost before handshake', { level: 'protocol' }),
      'HOST_UNREACHABLE',
      /before the SSH handshake.*MaxStartups/,
    ],
    [
      'auth',
      sshError('All configured authentication methods failed', { level: 'client-authentication' }),
      'HOST_AUTH_FAILED',
      /refused the login of "backup"/,
    ],
    ['agent', sshError('Failed to connect to agent', { level: 'agent' }), 'HOST_AUTH_FAILED', /ssh-agent/],
    [
      'disconnect',
      sshError('Too many authentication failures', { code: 2 }),
      'HOST_UNREACHABLE',
      /ended the connection: Too many/,
    ],
    [
      'handshake',
      sshError('Handshake failed: no matching key exchange algorithm', { level: 'handshake' }),
      'HOST_UNREACHABLE',
      /SSH handshake with 127\.0\.0\.9:2222 failed/,
    ],
  ];
  it.each(cases)('%s', (_name, err, code, words) => {
    const e = classifySshError(err, where, { readyTimeoutMs: 10_000 });
    expect(e.code).toBe(code);
    expect(e.message).toMatch(words);
    expect(e.message).toContain('web-1');
    expect(e.detail).toMatchObject({ host: 'h1', address: '127.0.0.9', port: 2222 });
  });

  it('retries only what a MaxStartups drop looks like', () => {
    expect(
      isRetryableHandshakeError(sshError('Connection lost before handshake', { level: 'protocol' })),
    ).toBe(true);
    expect(
      isRetryableHandshakeError(sshError('read ECONNRESET', { level: 'client-socket', code: 'ECONNRESET' })),
    ).toBe(true);
    expect(
      isRetryableHandshakeError(
        sshError('connect ECONNREFUSED', { level: 'client-socket', code: 'ECONNREFUSED' }),
      ),
    ).toBe(false);
    expect(isRetryableHandshakeError(sshError('x', { level: 'client-authentication' }))).toBe(false);
    expect(
      isRetryableHandshakeError(
        sshError('Timed out while waiting for handshake', { level: 'client-timeout' }),
      ),
    ).toBe(false);
  });

  it('IPv6 endpoints are bracketed', () => {
    const e = classifySshError(sshError('x', { level: 'client-socket', code: 'ECONNREFUSED' }), {
      ...where,
      address: '::1',
    });
    expect(e.message).toContain('connection refused on [::1]:2222');
  });
});

describe('parseLoginKey', () => {
  const plain = ssh2Utils.generateKeyPairSync('ed25519').private;
  const locked = ssh2Utils.generateKeyPairSync('ed25519', {
    passphrase: 'pw',
    cipher: 'aes256-ctr',
    rounds: 4,
  }).private;
  const code = (f: () => unknown): { code: string; message: string; detail: unknown } => {
    try {
      f();
    } catch (e) {
      if (e instanceof ConsoleError) return { code: e.code, message: e.message, detail: e.detail };
      throw e;
    }
    throw new Error('expected a ConsoleError');
  };

  it('accepts a plain key and an encrypted one with its passphrase', () => {
    expect(parseLoginKey(where, plain, undefined).type).toBe('ssh-ed25519');
    expect(parseLoginKey(where, locked, 'pw').type).toBe('ssh-ed25519');
  });

  it('an encrypted key without passphrase: "needs its passphrase"', () => {
    const e = code(() => parseLoginKey(where, locked, undefined));
    expect(e.code).toBe('HOST_AUTH_FAILED');
    expect(e.message).toContain('needs its passphrase');
    expect(e.detail).toMatchObject({ reason: 'passphrase-missing' });
  });

  it('a wrong passphrase and garbage are HOST_AUTH_FAILED too, never echoing the key', () => {
    expect(code(() => parseLoginKey(where, locked, 'nope')).detail).toMatchObject({
      reason: 'passphrase-wrong',
    });
    const garbage = code(() => parseLoginKey(where, 'not a key at all', undefined));
    expect(garbage.code).toBe('HOST_AUTH_FAILED');
    expect(garbage.message).not.toContain('not a key at all');
  });
});

describe('host keys', () => {
  const pub = ssh2Utils.generateKeyPairSync('ed25519').public; // "ssh-ed25519 AAAA… comment"
  const blob = Buffer.from(pub.split(' ')[1]!, 'base64');

  it('describes an offered key as ssh-keygen does', () => {
    expect(describeHostKey(blob)).toEqual({
      algorithm: 'ssh-ed25519',
      publicKey: `ssh-ed25519 ${blob.toString('base64')}`,
      fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
    });
  });

  it("asks for the pinned key's algorithm first", () => {
    expect(hostKeyAlgorithms(undefined)[0]).toBe('ssh-ed25519');
    expect(hostKeyAlgorithms('ecdsa-sha2-nistp256 AAAA').slice(0, 2)).toEqual([
      'ecdsa-sha2-nistp256',
      'ssh-ed25519',
    ]);
    expect(hostKeyAlgorithms('ssh-rsa AAAA').slice(0, 3)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(hostKeyAlgorithms('ssh-dss AAAA')).toEqual(hostKeyAlgorithms(undefined));
    for (const pinned of [undefined, 'ssh-rsa x', 'ecdsa-sha2-nistp521 x'])
      expect(new Set(hostKeyAlgorithms(pinned)).size).toBe(7);
  });

  it('a changed pin, address or key makes a new connection signature; the same settings the same one', () => {
    const base: SshHostConfig = {
      ...where,
      auth: { kind: 'key', privateKey: 'k' },
      pinnedFingerprint: 'SHA256:a',
    };
    expect(configSignature({ ...base })).toBe(configSignature(base));
    expect(configSignature({ ...base, pinnedFingerprint: 'SHA256:b' })).not.toBe(configSignature(base));
    expect(configSignature({ ...base, port: 22 })).not.toBe(configSignature(base));
    expect(configSignature({ ...base, auth: { kind: 'key', privateKey: 'k', passphrase: 'p' } })).not.toBe(
      configSignature(base),
    );
    expect(configSignature(base)).not.toContain('k');
  });
});

describe('Semaphore', () => {
  it('admits at most its limit, first come first served, and cancels waiters', async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        s.run(async () => {
          order.push(i);
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);

    const hold = await s.acquire();
    const hold2 = await s.acquire();
    const ac = new AbortController();
    const waiting = s.acquire(ac.signal);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    hold();
    hold(); // idempotent
    expect(s.inUse).toBe(1);
    hold2();
    expect(s.inUse).toBe(0);
  });

  it('a lowered limit applies to later acquisitions', async () => {
    const s = new Semaphore(3);
    s.setLimit(1);
    const a = await s.acquire();
    let second = false;
    const b = s.acquire().then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(second).toBe(false);
    a();
    (await b)();
  });
});

describe('"Test connection" parsers', () => {
  it('PRETTY_NAME from os-release', () => {
    expect(prettyName('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe(
      'Debian GNU/Linux 12 (bookworm)',
    );
    expect(prettyName("PRETTY_NAME='Alpine Linux v3.19'")).toBe('Alpine Linux v3.19');
    expect(prettyName('PRETTY_NAME=Plain')).toBe('Plain');
    expect(prettyName('NAME=x')).toBeUndefined();
  });

  it('df -Pk: free bytes and mount point', () => {
    const out =
      'Filesystem     1024-blocks      Used Available Capacity Mounted on\n/dev/sda1        102400000  51200000  46080000      53% /srv/my data\n';
    expect(parseDfPk(out)).toEqual({ freeBytes: 46080000 * 1024, mountedOn: '/srv/my data' });
    expect(parseDfPk('garbage')).toBeUndefined();
  });

  it('date +%s.%N (GNU) and busybox leftovers', () => {
    expect(parseEpoch('1763700000.250000000\n')).toBeCloseTo(1763700000.25, 6);
    expect(parseEpoch('1763700000.%N\n')).toBe(1763700000);
    expect(parseEpoch('1763700000\n')).toBe(1763700000);
    expect(parseEpoch('Sat Nov 21')).toBeUndefined();
  });
});
