import { describe, expect, it } from 'vitest';
import { freshnessVerdict, snapshotMatches } from '../../../electron/core/fleet/items/freshness';
import { resticVerdict } from '../../../electron/core/fleet/items/host';
import { repositoryVerdict } from '../../../electron/core/fleet/items/repository';
import { verifiedVerdict } from '../../../electron/core/fleet/items/verified';
import { ageWords, unreachableWords } from '../../../electron/core/fleet/words';
import { ConsoleError, type Snapshot } from '../../../shared';

const asOf = Date.parse('2026-11-21T10:00:00Z');
const hoursAgo = (h: number) => new Date(asOf - h * 3_600_000).toISOString();
const snap = (over: Partial<Snapshot>): Snapshot => ({
  id: 'f'.repeat(64),
  shortId: 'ffffffff',
  time: hoursAgo(1),
  hostname: 'web-1',
  paths: ['/srv/www'],
  tags: [],
  ...over,
});
const plan = { id: 'p1', name: 'web', paths: ['/srv/www'], effectiveFreshnessHours: 26, enabled: true };

describe('freshness', () => {
  it('ok within the target, with the age and the target in words', () => {
    const v = freshnessVerdict(plan, 'web-1', [snap({ time: hoursAgo(2) })], asOf);
    expect(v).toMatchObject({ status: 'ok', reason: 'last snapshot 2 h ago, target 26 h' });
    expect(v.data).toMatchObject({ ageHours: 2, targetHours: 26, lastSnapshotAt: hoursAgo(2) });
  });

  it('matches a host by its inventory name or its OS host name', () => {
    const byOsName = [snap({ hostname: 'vm-7f3a', time: hoursAgo(3) })];
    expect(freshnessVerdict(plan, ['this machine', 'vm-7f3a'], byOsName, asOf).status).toBe('ok');
    const none = freshnessVerdict(plan, ['web-1', 'vm-web'], [snap({ hostname: 'other' })], asOf);
    expect(none.status).toBe('failing');
    expect(none.reason).toContain('web-1 or vm-web');
  });

  it('failing past the target: "31 h"', () => {
    expect(freshnessVerdict(plan, 'web-1', [snap({ time: hoursAgo(31) })], asOf)).toMatchObject({
      status: 'failing',
      reason: 'last snapshot 31 h ago, target 26 h',
    });
    expect(freshnessVerdict(plan, 'web-1', [snap({ time: hoursAgo(72) })], asOf).reason).toBe(
      'last snapshot 72 h ago (3 d), target 26 h',
    );
  });

  it('uses the newest snapshot of this host and these paths only', () => {
    const v = freshnessVerdict(
      plan,
      'web-1',
      [
        snap({ time: hoursAgo(40) }),
        snap({ time: hoursAgo(1), hostname: 'web-2' }),
        snap({ time: hoursAgo(1), paths: ['/etc'] }),
        snap({ time: hoursAgo(5), paths: ['/srv/www/', '/etc'] }),
      ],
      asOf,
    );
    expect(v.reason).toBe('last snapshot 5 h ago, target 26 h');
  });

  it('no snapshot yet is failing', () => {
    expect(freshnessVerdict(plan, 'web-1', [], asOf)).toMatchObject({
      status: 'failing',
      reason: 'no snapshot yet for host web-1, /srv/www (target 26 h)',
    });
  });

  it('a snapshot from the future is a warning (clock skew); a disabled plan is not checked', () => {
    expect(freshnessVerdict(plan, 'web-1', [snap({ time: hoursAgo(-3) })], asOf)).toMatchObject({
      status: 'warning',
    });
    expect(freshnessVerdict({ ...plan, enabled: false }, 'web-1', [], asOf)).toMatchObject({
      status: 'ok',
      reason: 'plan disabled; freshness not checked',
    });
  });

  it("matches like restic's --host/--path filter", () => {
    expect(snapshotMatches(snap({ paths: ['/a', '/b'] }), 'web-1', ['/a'])).toBe(true);
    expect(snapshotMatches(snap({ paths: ['/a'] }), 'web-1', ['/a', '/b'])).toBe(false);
    expect(snapshotMatches(snap({ paths: ['/a'] }), 'WEB-1', ['/a'])).toBe(false);
  });
});

describe('repository', () => {
  const err = (code: ConstructorParameters<typeof ConsoleError>[0], message: string, detail?: unknown) =>
    repositoryVerdict({ ok: false, error: new ConsoleError(code, message, detail) }, '/srv/repo', 'web-1');
  it('typed errors in words', () => {
    expect(err('REPO_WRONG_PASSWORD', 'Fatal: wrong password or no key found')).toMatchObject({
      status: 'failing',
      reason: 'wrong password',
    });
    expect(err('REPO_WRONG_PASSWORD', 'No password is stored for repository "x". Set it first.').reason).toBe(
      'no password stored for this repository',
    );
    expect(err('REPO_NOT_FOUND', 'Fatal: repository does not exist').reason).toBe(
      'repository not found at /srv/repo',
    );
    expect(
      err('REPO_LOCKED', 'unable to create lock', {
        stderr:
          'unable to create lock in backend: repository is already locked exclusively by PID 20261 on vm by root (UID 0, GID 0)\nlock was created at 2026-11-21 04:29:14 (2.02s ago)\nstorage ID e78f3d88',
      }).reason,
    ).toBe('locked by an exclusive lock of pid 20261 on vm (root) since 2026-11-21 04:29:14');
    expect(err('RESTIC_MISSING', 'restic was not found').reason).toBe('restic not found on web-1');
    expect(
      err('RESTIC_FAILED', 'Fatal: dial tcp: connection refused', { reason: 'storage-unreachable' }).reason,
    ).toBe('storage unreachable: dial tcp: connection refused');
  });
  it('ok says where and how many', () => {
    expect(repositoryVerdict({ ok: true, locks: 0, snapshots: 3 }, '/srv/repo', 'web-1').reason).toBe(
      'opened on web-1, 3 snapshots',
    );
  });
});

describe('restic on the host', () => {
  it('version, too old, missing', () => {
    expect(resticVerdict({ version: '0.19.1', major: 0, minor: 19, patch: 1 }, 'restic')).toMatchObject({
      status: 'ok',
      reason: 'restic 0.19.1',
    });
    expect(resticVerdict({ version: '0.12.1', major: 0, minor: 12, patch: 1 }, 'restic').status).toBe(
      'warning',
    );
    expect(resticVerdict({ error: new ConsoleError('RESTIC_MISSING', 'x') }, 'restic')).toMatchObject({
      status: 'failing',
      reason: 'restic not found on the host (looked for "restic")',
    });
  });
});

describe('verified', () => {
  const job = (status: 'succeeded' | 'failed', daysAgo: number, message?: string) => ({
    id: `job-${status}-${daysAgo}`,
    status,
    endedAt: new Date(asOf - daysAgo * 86_400_000).toISOString(),
    error: message ? { code: 'RESTIC_FAILED' as const, message } : null,
  });
  it('never verified is a warning', () => {
    expect(verifiedVerdict(undefined, undefined, asOf)).toMatchObject({
      status: 'warning',
      reason: 'never verified (no successful restic check recorded)',
    });
  });
  it('recent is ok, over 30 days a warning', () => {
    expect(verifiedVerdict(job('succeeded', 3), job('succeeded', 3), asOf)).toMatchObject({
      status: 'ok',
      reason: 'verified 3 d ago',
    });
    expect(verifiedVerdict(job('succeeded', 45), job('succeeded', 45), asOf).status).toBe('warning');
  });
  it('a failure after the last success is failing', () => {
    expect(verifiedVerdict(job('succeeded', 10), job('failed', 1, 'pack 1234 damaged'), asOf)).toMatchObject({
      status: 'failing',
      reason: 'last restic check failed 24 h ago: pack 1234 damaged',
    });
  });
});

describe('words', () => {
  it('ages', () => {
    expect([
      ageWords(30_000),
      ageWords(45 * 60_000),
      ageWords(31 * 3_600_000),
      ageWords(72 * 3_600_000),
    ]).toEqual(['30 s', '45 min', '31 h', '3 d']);
  });
  it('why a host is unreachable', () => {
    expect(unreachableWords(new Error('connect ECONNREFUSED 127.0.0.9:2222'))).toBe('connection refused');
    expect(unreachableWords(new ConsoleError('HOST_KEY_CHANGED', 'The host key changed.'))).toBe(
      'host key changed — The host key changed.',
    );
    expect(unreachableWords(new ConsoleError('TIMEOUT', 'timed out after 20 s'))).toBe('timed out');
  });
});
