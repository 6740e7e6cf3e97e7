import { describe, expect, it } from 'vitest';
import {
  classifyBackendRetries,
  classifyExit,
  classifyStderr,
  findExitError,
  parseBackendRetry,
  parseLockInfo,
  resticMessage,
  stripAnsi,
} from '../../../electron/core/restic/exit-codes';
import { parseVersionOutput } from '../../../electron/core/restic/version';
import { fixtureIndex, fixtureVersions, recorded } from './support';

/** What the console must make of each recorded case, per version. 'OK' = success. */
function expected(version: string, name: string): string {
  const v014 = version.startsWith('0.14.');
  if (name === 'init-again') return 'CONFLICT';
  if (name.startsWith('error-snapshot-not-found') || name === 'error-latest-no-match')
    return 'SNAPSHOT_NOT_FOUND';
  if (name.startsWith('error-snapshot-ambiguous')) return 'SNAPSHOT_AMBIGUOUS';
  if (name.startsWith('error-repo-missing')) return 'REPO_NOT_FOUND';
  if (name.startsWith('error-wrong-password')) return 'REPO_WRONG_PASSWORD';
  // 0.14's ls takes no lock at all, so a held lock does not stop it.
  if (name === 'error-locked-ls') return v014 ? 'OK' : 'REPO_LOCKED';
  if (name.startsWith('error-locked')) return 'REPO_LOCKED';
  if (name === 'backup-partial') return 'RESTIC_PARTIAL';
  // 0.14 skips a missing source path with exit 0; 0.19 exits 3.
  if (name === 'backup-missing-source') return v014 ? 'OK' : 'RESTIC_PARTIAL';
  if (name === 'backup-cancelled') return 'CANCELLED';
  // MinIO: bucket there, no repository under the prefix.
  if (name === 's3-error-prefix-missing') return 'REPO_NOT_FOUND';
  if (name === 's3-error-wrong-password') return 'REPO_WRONG_PASSWORD';
  // 0.14 fails at once; 0.19 retries for 15 minutes and the recorder stopped it
  // with SIGINT (the driver stops it itself: see the retry tests below).
  if (name === 's3-error-bucket-missing') return v014 ? 'REPO_NOT_FOUND' : 'CANCELLED';
  // 0.14 says "Is there a repository at the following location?" here too: not a not-found.
  if (name === 's3-error-wrong-keys' || name === 's3-error-unreachable')
    return v014 ? 'RESTIC_FAILED' : 'CANCELLED';
  // A lock released between `list locks` and `cat lock`: 0.14 retries (the recorder stopped it), 0.19 fails.
  // Restic.locks() skips such a lock; see restic.test.ts.
  if (name === 'cat-lock-gone') return v014 ? 'CANCELLED' : 'RESTIC_FAILED';
  // Maintenance (maint-*): what classifyExit says; Restic's wrappers refine these
  // (CONFLICT for the key in use, NOT_FOUND for a missing key, a check result
  // instead of a failure, BAD_REQUEST "would-remove-all"): see maintenance.test.ts.
  if (name === 'maint-key-remove-current' || name === 'maint-check-damaged') return 'RESTIC_FAILED';
  // "no matching ID found for prefix": exit 1 for key remove; "Ignoring …" with exit 0 for tag and forget.
  if (
    name === 'maint-key-remove-missing' ||
    name === 'maint-tag-missing' ||
    name === 'maint-forget-snapshot-missing'
  )
    return 'SNAPSHOT_NOT_FOUND';
  // 0.17+ refuse a policy that removes a whole group, and forget without any policy; 0.14 exits 0.
  if (name === 'maint-forget-remove-all' || name === 'maint-forget-no-policy')
    return v014 ? 'OK' : 'RESTIC_FAILED';
  return 'OK';
}

describe.each(fixtureVersions())('recorded restic %s', (version) => {
  const v = parseVersionOutput(recorded(version, 'version').stdout.toString());

  it.each(fixtureIndex(version).map((c) => c.name))('%s is classified right', (name) => {
    const r = recorded(version, name);
    const stderr = r.stderr.toString('utf8');
    const byExit = classifyExit({
      code: r.case.code,
      signal: r.case.signal,
      stderr,
      ...(v ? { version: v } : {}),
    });
    // Exit 0 with a failure text is 0.14's ls on an unknown snapshot: the driver checks stderr then.
    const outcome = byExit?.code ?? (r.case.code === 0 ? (classifyStderr(stderr) ?? 'OK') : 'OK');
    expect(outcome).toBe(expected(version, name));
    if (byExit) expect(byExit.message.length).toBeGreaterThan(0);
  });

  it('keeps exit codes in line with REFERENCE.md', () => {
    const code = (name: string) => recorded(version, name).case.code;
    const modern = v!.atLeast(0, 17, 0);
    expect(code('error-repo-missing')).toBe(modern ? 10 : 1);
    expect(code('error-locked-snapshots')).toBe(modern ? 11 : 1);
    expect(code('error-wrong-password')).toBe(v!.atLeast(0, 17, 1) ? 12 : 1);
    expect(code('backup-partial')).toBe(3);
    expect(code('backup-cancelled')).toBe(130);
    const exitError = findExitError(recorded(version, 'error-wrong-password').stderr.toString());
    if (v!.supports('exitErrorJson'))
      expect(exitError).toEqual({ code: 12, message: 'Fatal: wrong password or no key found' });
    else expect(exitError).toBeUndefined();
  });

  it('shows restic’s own words, without JSON or terminal escapes', () => {
    const msg = (name: string) => resticMessage(recorded(version, name).stderr.toString()) ?? '';
    expect(msg('error-wrong-password')).toBe('Fatal: wrong password or no key found');
    expect(msg('error-repo-missing')).toMatch(
      /^Fatal: .*no such file or directory\nIs there a repository at the following location\?\n/,
    );
    expect(msg('error-locked-snapshots')).toMatch(
      /^unable to create lock in backend: repository is already locked exclusively by PID \d+/,
    );
    expect(msg('init-again')).toMatch(/^Fatal: create repository at .* failed: config file already exists$/);
    expect(msg('backup-cancelled')).not.toContain('\u001b');
  });

  it('tells storage problems apart (wrong S3 keys, endpoint down)', () => {
    const reasonOf = (name: string) =>
      classifyExit({ code: 1, signal: null, stderr: recorded(version, name).stderr.toString() })?.reason;
    expect(reasonOf('s3-error-wrong-keys')).toBe('storage-auth');
    expect(reasonOf('s3-error-unreachable')).toBe('storage-unreachable');
    expect(reasonOf('s3-error-bucket-missing')).toBeUndefined();
  });

  it('reads restic’s backend retry notices (0.16+), and what to make of them', () => {
    const retries = (name: string) =>
      recorded(version, name)
        .stderr.toString()
        .split('\n')
        .map(parseBackendRetry)
        .filter((r) => r !== undefined);
    if (!v!.atLeast(0, 16)) {
      expect(retries('s3-error-bucket-missing')).toEqual([]);
      return;
    }
    const missing = retries('s3-error-bucket-missing');
    expect(missing).toHaveLength(3);
    expect(missing[0]).toEqual({
      operation: 'Stat(<config/>)',
      error: 'Stat: The specified bucket does not exist',
    });
    expect(classifyBackendRetries(missing[2]!.error, 3).code).toBe('REPO_NOT_FOUND');
    const keys = classifyBackendRetries(retries('s3-error-wrong-keys')[0]!.error, 3);
    expect(keys).toMatchObject({ code: 'RESTIC_FAILED', reason: 'storage-auth' });
    expect(keys.message).toMatch(
      /stopped after 3 retries: Stat: The request signature we calculated does not match/,
    );
    const down = classifyBackendRetries(retries('s3-error-unreachable')[0]!.error, 3);
    expect(down).toMatchObject({ code: 'RESTIC_FAILED', reason: 'storage-unreachable' });
  });

  it('reads who holds a lock', () => {
    const info = parseLockInfo(recorded(version, 'error-locked-snapshots').stderr.toString());
    expect(info).toMatchObject({
      exclusive: true,
      host: 'fixture-host',
      user: 'root',
      pid: expect.any(Number),
    });
    expect(info?.createdAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(info?.storageId).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('classifyExit edge cases', () => {
  const v = (major: number, minor: number, patch: number) => ({ major, minor, patch });

  it('success is undefined, even with noise on stderr', () => {
    expect(classifyExit({ code: 0, signal: null, stderr: 'some warning\n' })).toBeUndefined();
    expect(classifyExit({ code: 0, signal: null, stderr: '', aborted: true })).toBeUndefined();
  });

  it('cancellation wins over whatever restic printed meanwhile', () => {
    const stderr =
      '{"message_type":"exit_error","code":1,"message":"Fatal: wrong password or no key found"}\n';
    expect(classifyExit({ code: 1, signal: null, stderr, aborted: true })?.code).toBe('CANCELLED');
    expect(classifyExit({ code: null, signal: 'SIGKILL', stderr: '', aborted: true })?.code).toBe(
      'CANCELLED',
    );
    expect(classifyExit({ code: 130, signal: null, stderr: '' })?.code).toBe('CANCELLED');
  });

  it('a kill nobody asked for is a failure', () => {
    expect(classifyExit({ code: null, signal: 'SIGKILL', stderr: '' })).toEqual({
      code: 'RESTIC_FAILED',
      message: 'restic was killed by SIGKILL.',
    });
  });

  it('codes 10–12 count only from the release that introduced them', () => {
    expect(classifyExit({ code: 11, signal: null, stderr: 'odd', version: v(0, 16, 0) })?.code).toBe(
      'RESTIC_FAILED',
    );
    expect(classifyExit({ code: 11, signal: null, stderr: 'odd', version: v(0, 17, 0) })?.code).toBe(
      'REPO_LOCKED',
    );
    expect(classifyExit({ code: 12, signal: null, stderr: 'odd', version: v(0, 17, 0) })?.code).toBe(
      'RESTIC_FAILED',
    );
    expect(classifyExit({ code: 12, signal: null, stderr: 'odd', version: v(0, 17, 1) })?.code).toBe(
      'REPO_WRONG_PASSWORD',
    );
    expect(classifyExit({ code: 10, signal: null, stderr: 'odd' })?.code).toBe('REPO_NOT_FOUND');
  });

  it('other codes', () => {
    expect(classifyExit({ code: 2, signal: null, stderr: 'panic: runtime error\n' })?.code).toBe(
      'RESTIC_FAILED',
    );
    expect(classifyExit({ code: 2, signal: null, stderr: '' })?.message).toMatch(/crashed/);
    expect(classifyExit({ code: 127, signal: null, stderr: 'sh: 1: exec: restic: not found\n' })?.code).toBe(
      'RESTIC_MISSING',
    );
    expect(classifyExit({ code: 1, signal: null, stderr: 'Fatal: something new\n' })).toEqual({
      code: 'RESTIC_FAILED',
      message: 'Fatal: something new',
    });
    expect(classifyExit({ code: 42, signal: null, stderr: '' })?.message).toBe('restic failed (exit 42).');
  });

  it('strips terminal escapes', () => {
    expect(stripAnsi('\u001b[2Ksignal interrupt received, cleaning up')).toBe(
      'signal interrupt received, cleaning up',
    );
  });
});
