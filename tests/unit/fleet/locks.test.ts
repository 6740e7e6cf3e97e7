import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LocalRunner } from '../../../electron/core/exec/local-runner';
import { runCommand } from '../../../electron/core/fleet/exec';
import {
  lockVerdict,
  ownerCandidates,
  pidProbeArgv,
  STALE_LOCK_MS,
} from '../../../electron/core/fleet/items/locks';
import type { ResticLock } from '../../../electron/core/restic/locks';

const asOf = Date.parse('2026-11-21T10:00:00Z');
const minutesAgo = (m: number) => new Date(asOf - m * 60_000).toISOString();
const lock = (over: Partial<ResticLock> = {}): ResticLock => ({
  id: 'a'.repeat(64),
  time: minutesAgo(120),
  exclusive: false,
  hostname: 'web-1',
  username: 'root',
  pid: 4242,
  ...over,
});

describe('lock staleness rules', () => {
  it('a dead pid on its host: warning, stale, unlock is safe — whatever the age', () => {
    const v = lockVerdict(lock(), { kind: 'dead', hostName: 'web-1' }, asOf);
    expect(v.status).toBe('warning');
    expect(v.reason).toBe('stale lock from host web-1 pid 4242 (dead), 2 h old — unlock is safe');
    expect(v.data).toMatchObject({
      stale: true,
      pidState: 'dead',
      ownerHost: 'web-1',
      ageMinutes: 120,
      exclusive: false,
    });
    expect(lockVerdict(lock({ time: minutesAgo(1) }), { kind: 'dead', hostName: 'web-1' }, asOf).reason).toBe(
      'stale lock from host web-1 pid 4242 (dead), 1 min old — unlock is safe',
    );
  });

  it('a live, recently refreshed lock is ok (a backup is running)', () => {
    const v = lockVerdict(lock({ time: minutesAgo(3) }), { kind: 'alive', hostName: 'web-1' }, asOf);
    expect(v).toMatchObject({
      status: 'ok',
      reason: 'in use: lock from host web-1 pid 4242 (running), 3 min old',
    });
    expect(v.data.stale).toBe(false);
  });

  it('a live lock not refreshed for over 10 min is a warning; over 30 min restic calls it stale', () => {
    const hung = lockVerdict(
      lock({ time: minutesAgo(15), exclusive: true }),
      { kind: 'alive', hostName: 'web-1' },
      asOf,
    );
    expect(hung.status).toBe('warning');
    expect(hung.reason).toMatch(
      /^exclusive lock from host web-1 pid 4242 \(still running\), 15 min old — not refreshed/,
    );
    const old = lockVerdict(lock(), { kind: 'alive', hostName: 'web-1' }, asOf);
    expect(old.status).toBe('warning');
    expect(old.reason).toMatch(
      /2 h old and not refreshed — restic treats it as stale; check that process before unlocking/,
    );
    expect(old.data.stale).toBe(true);
  });

  it('an unknown host: the pid cannot be checked; stale past 30 min', () => {
    const fresh = lockVerdict(
      lock({ hostname: 'laptop', time: minutesAgo(2) }),
      { kind: 'unknown-host' },
      asOf,
    );
    expect(fresh).toMatchObject({
      status: 'ok',
      reason: 'lock from host laptop pid 4242, 2 min old (unknown host, cannot check pid)',
    });
    const stale = lockVerdict(lock({ hostname: 'laptop' }), { kind: 'unknown-host' }, asOf);
    expect(stale.status).toBe('warning');
    expect(stale.reason).toBe(
      'stale lock from host laptop pid 4242, 2 h old (unknown host, cannot check pid) — older than 30 min, restic treats it as stale; unlock is safe',
    );
    expect(
      lockVerdict(
        lock({ time: new Date(asOf - STALE_LOCK_MS).toISOString() }),
        { kind: 'unknown-host' },
        asOf,
      ).data.stale,
    ).toBe(false);
  });

  it('a known host that cannot be asked says why', () => {
    const v = lockVerdict(
      lock(),
      { kind: 'unchecked', hostName: 'web-1', why: 'host web-1 unreachable' },
      asOf,
    );
    expect(v.reason).toMatch(/\(host web-1 unreachable, cannot check pid\)/);
    expect(v.status).toBe('warning');
  });

  it('a lock dated in the future (clock skew) counts as new', () => {
    const v = lockVerdict(
      lock({ time: new Date(asOf + 60_000).toISOString() }),
      { kind: 'alive', hostName: 'web-1' },
      asOf,
    );
    expect(v.status).toBe('ok');
  });
});

describe('lock owner', () => {
  const hosts = [
    { id: 'h1', name: 'web-1', address: '10.0.0.1', osHostname: 'web1.example.com' },
    { id: 'h2', name: 'web-2', address: '10.0.0.2', osHostname: 'vm' },
    { id: 'h3', name: 'web-3', address: '10.0.0.3', osHostname: 'vm' },
    { id: 'h4', name: 'db-1', address: '10.0.0.4' },
  ];
  it("matches the host's own uname -n first (also its short form), then inventory name or address", () => {
    expect(ownerCandidates('web1.example.com', hosts).map((h) => h.id)).toEqual(['h1']);
    expect(ownerCandidates('web1', hosts).map((h) => h.id)).toEqual(['h1']);
    expect(ownerCandidates('db-1', hosts).map((h) => h.id)).toEqual(['h4']);
    expect(ownerCandidates('10.0.0.4', hosts).map((h) => h.id)).toEqual(['h4']);
    expect(ownerCandidates('laptop', hosts)).toEqual([]);
    expect(ownerCandidates('', hosts)).toEqual([]);
  });
  it("prefers the repository's own host when several share a name", () => {
    expect(ownerCandidates('vm', hosts).map((h) => h.id)).toEqual(['h2', 'h3']);
    expect(ownerCandidates('vm', hosts, 'h3').map((h) => h.id)).toEqual(['h3', 'h2']);
  });
});

describe('pid probe', () => {
  const runner = new LocalRunner();
  it('exits 0 for a live pid and 1 for a dead one', async () => {
    const child = spawn('sleep', ['30']);
    try {
      expect((await runCommand(runner, pidProbeArgv(child.pid!))).code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect((await runCommand(runner, pidProbeArgv(child.pid!))).code).toBe(1);
  });
  it('refuses what is not a pid', () => {
    expect(() => pidProbeArgv(0)).toThrow(RangeError);
    expect(() => pidProbeArgv(1.5)).toThrow(RangeError);
  });
});
