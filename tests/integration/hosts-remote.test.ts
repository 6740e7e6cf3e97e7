// The host-key workflow and "Test connection" through the real core
// (createCore, the contract's dispatch) against real sshd hosts: scan shows
// the fingerprint ssh-keygen prints, pinning needs the accepted
// fingerprint and is audited, a changed key stops everything until it is
// explicitly re-pinned, and the test reports OS, restic (text for 0.14,
// JSON for 0.19), disk and clock from the host itself.

import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Envelope, EventMessage, HostKeyScan, HostTestReport } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { resticBinaries } from '../support/peers';
import { startSshHosts, type SshHost, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

// 127.0.0.160–162: this file's hosts.
const FIRST_OCTET = 160;
const ctx = { origin: 'internal' as const };

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

function failure(reply: Envelope<unknown>): { code: string; message: string; detail?: unknown } {
  if (reply.ok) throw new Error(`expected an error, got ${JSON.stringify(reply.value)}`);
  return reply.error;
}

interface HostDetail {
  id: string;
  name: string;
  hostKey?: { fingerprint: string; publicKey?: string; pinnedAt: string };
  privateKeySet: boolean;
}

describe('hosts.scanKey / pinKey / test through the core', () => {
  const [oldest, newest] = [resticBinaries()[0]!, resticBinaries().at(-1)!];
  let fleet: SshHosts;
  let core: Core;
  const events: EventMessage[] = [];
  const ids: string[] = [];
  let hosts: SshHost[];

  beforeAll(async () => {
    // host 3 has no restic on its PATH: only what the prelude and the test's other steps need.
    const tools = await makeTempDir('rfc-hosts-remote-tools-');
    await mkdir(join(tools, 'bin'));
    for (const t of ['sh', 'uname', 'cat', 'df', 'date', 'tr', 'sleep', 'echo'])
      await symlink(`/bin/${t}`, join(tools, 'bin', t));
    fleet = await startSshHosts(3, {
      namePrefix: 'remote',
      firstOctet: FIRST_OCTET,
      env: (i): Record<string, string> =>
        i === 1
          ? { PATH: `${dirname(newest.path)}:/usr/local/bin:/usr/bin:/bin` }
          : i === 2
            ? { PATH: join(tools, 'bin') }
            : {},
    });
    hosts = fleet.hosts;
    const dataDir = await makeTempDir('rfc-hosts-remote-core-');
    core = await createCore({ dataDir, mode: 'serve', version: 'test', demo: false, log: () => undefined });
    core.events.subscribe((m) => events.push(m));
    for (const h of hosts) {
      const added = value<{ host: HostDetail }>(
        await core.dispatch(
          'hosts.add',
          {
            host: { name: h.name, address: h.address, port: h.port, user: h.user },
            key: { kind: 'paste', privateKey: h.privateKey },
          },
          ctx,
        ),
      );
      expect(added.host.privateKeySet).toBe(true);
      expect(added.host.hostKey).toBeUndefined();
      ids.push(added.host.id);
    }
  });

  afterAll(async () => {
    await core?.close();
    await fleet?.stopAll();
    await cleanupTempDirs();
  });

  const audit = async (action: string): Promise<AuditEntry[]> =>
    value<AuditEntry[]>(await core.dispatch('audit.list', { action }, ctx));

  it('scanKey shows the fingerprint ssh-keygen -lf prints, unknown until pinned', async () => {
    const scan = value<HostKeyScan>(await core.dispatch('hosts.scanKey', { id: ids[0] }, ctx));
    expect(scan).toEqual({
      fingerprint: hosts[0]!.hostKeyFingerprintSha256,
      algorithm: 'ssh-ed25519',
      publicKey: hosts[0]!.hostPublicKey.split(' ').slice(0, 2).join(' '),
      pinned: null,
      status: 'unknown',
    });
    // Nothing pinned by looking.
    expect(value<HostDetail>(await core.dispatch('hosts.get', { id: ids[0] }, ctx)).hostKey).toBeUndefined();
  });

  it('test before pinning: handshake ok, host key unknown, nothing else attempted', async () => {
    const report = value<HostTestReport>(await core.dispatch('hosts.test', { id: ids[0] }, ctx));
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
      ['handshake', true],
      ['hostKey', false],
    ]);
    expect(report.error?.code).toBe('HOST_KEY_UNKNOWN');
    expect(report.steps[1]!.detail).toContain(hosts[0]!.hostKeyFingerprintSha256);
    expect(value<HostDetail>(await core.dispatch('hosts.get', { id: ids[0] }, ctx)).hostKey).toBeUndefined();
  });

  it('pinKey refuses a fingerprint the server does not offer; pins the accepted one; both audited', async () => {
    const wrong = `SHA256:${'A'.repeat(43)}`;
    const refused = failure(await core.dispatch('hosts.pinKey', { id: ids[0], fingerprint: wrong }, ctx));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toContain(hosts[0]!.hostKeyFingerprintSha256);
    expect(value<HostDetail>(await core.dispatch('hosts.get', { id: ids[0] }, ctx)).hostKey).toBeUndefined();

    const before = events.length;
    for (const [i, h] of hosts.entries()) {
      const pinned = value<HostDetail>(
        await core.dispatch('hosts.pinKey', { id: ids[i], fingerprint: h.hostKeyFingerprintSha256 }, ctx),
      );
      expect(pinned.hostKey?.fingerprint).toBe(h.hostKeyFingerprintSha256);
    }
    expect(events.slice(before)).toContainEqual({ event: 'invalidate', payload: { scope: 'hosts' } });

    const entries = await audit('hosts.pinKey');
    expect(
      entries
        .filter((e) => e.target === `host:${ids[0]}`)
        .map((e) => e.result)
        .sort(),
    ).toEqual(['failed', 'succeeded']);
    const ok = entries.find((e) => e.target === `host:${ids[0]}` && e.result === 'succeeded')!;
    expect(ok.detail).toMatchObject({ fingerprint: hosts[0]!.hostKeyFingerprintSha256 });
    expect((await audit('hosts.scanKey')).length).toBeGreaterThan(0);
  });

  it(`test: ok, with the OS and restic ${oldest.version} (text) from the host`, async () => {
    const report = value<HostTestReport>(await core.dispatch('hosts.test', { id: ids[0] }, ctx));
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual(
      ['handshake', 'hostKey', 'auth', 'os', 'restic', 'disk', 'clock'].map((s) => [s, true]),
    );
    expect(report.resticVersion).toBe(oldest.version);
    expect(report.steps.find((s) => s.step === 'restic')!.detail).toContain('the text of `restic version`');
    expect(report.os).toMatch(/Linux/);
    expect(report.freeDiskBytes).toBeGreaterThan(0);
    expect(Math.abs(report.clockSkewSeconds!)).toBeLessThan(2);
  });

  it(`test: restic ${newest.version} read from version --json`, async () => {
    const report = value<HostTestReport>(await core.dispatch('hosts.test', { id: ids[1] }, ctx));
    expect(report.ok).toBe(true);
    expect(report.resticVersion).toBe(newest.version);
    const detail = report.steps.find((s) => s.step === 'restic')!.detail;
    const minor = Number(newest.version.split('.')[1]);
    expect(detail).toContain(minor >= 17 ? '`restic version --json`' : 'the text of `restic version`');
  });

  it('test: restic missing on the host is RESTIC_MISSING; the other steps still run', async () => {
    const report = value<HostTestReport>(await core.dispatch('hosts.test', { id: ids[2] }, ctx));
    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('RESTIC_MISSING');
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
      ['handshake', true],
      ['hostKey', true],
      ['auth', true],
      ['os', true],
      ['restic', false],
      ['disk', true],
      ['clock', true],
    ]);
  });

  it('a changed key: scan says so, test stops at the host key, re-pinning needs replace and is audited', async () => {
    const h = hosts[0]!;
    const { previous, current } = await h.swapHostKey();
    const scan = value<HostKeyScan>(await core.dispatch('hosts.scanKey', { id: ids[0] }, ctx));
    expect(scan).toMatchObject({ status: 'changed', pinned: previous, fingerprint: current });

    const report = value<HostTestReport>(await core.dispatch('hosts.test', { id: ids[0] }, ctx));
    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('HOST_KEY_CHANGED');
    expect(report.steps.map((s) => s.step)).toEqual(['handshake', 'hostKey']);
    expect(report.steps[1]!.detail).toContain(previous);
    expect(report.steps[1]!.detail).toContain(current);

    const refused = failure(await core.dispatch('hosts.pinKey', { id: ids[0], fingerprint: current }, ctx));
    expect(refused.code).toBe('HOST_KEY_CHANGED');
    expect(refused.detail).toMatchObject({ pinned: previous, offered: current });
    expect(
      value<HostDetail>(await core.dispatch('hosts.get', { id: ids[0] }, ctx)).hostKey?.fingerprint,
    ).toBe(previous);

    const repinned = value<HostDetail>(
      await core.dispatch('hosts.pinKey', { id: ids[0], fingerprint: current, replace: true }, ctx),
    );
    expect(repinned.hostKey?.fingerprint).toBe(current);
    const repins = (await audit('hosts.repinKey')).filter((e) => e.target === `host:${ids[0]}`);
    expect(repins.map((e) => e.result).sort()).toEqual(['failed', 'succeeded']);
    expect(repins.find((e) => e.result === 'succeeded')!.detail).toMatchObject({
      fingerprint: current,
      previous,
      replace: true,
    });

    expect(value<HostTestReport>(await core.dispatch('hosts.test', { id: ids[0] }, ctx)).ok).toBe(true);
  });

  it('"this machine" is tested without SSH steps', async () => {
    const report = value<HostTestReport>(await core.dispatch('hosts.test', { id: 'local' }, ctx));
    expect(report.steps.map((s) => s.step)).toEqual(['os', 'restic', 'disk', 'clock']);
    expect(report.ok).toBe(true);
  });

  it('unknown ids and "this machine" are answered as such', async () => {
    expect(failure(await core.dispatch('hosts.scanKey', { id: 'nope' }, ctx)).code).toBe('NOT_FOUND');
    expect(failure(await core.dispatch('hosts.test', { id: 'nope' }, ctx)).code).toBe('NOT_FOUND');
    expect(
      failure(
        await core.dispatch(
          'hosts.pinKey',
          { id: 'local', fingerprint: hosts[0]!.hostKeyFingerprintSha256 },
          ctx,
        ),
      ).code,
    ).toBe('CONFLICT');
  });
});
