/**
 * The core with nothing configured: it makes the demo fleet with real
 * restic, and the contract's methods return what restic itself reports.
 * Bad input (missing repository, wrong password, missing restic) comes
 * back as typed envelopes, never as a crash.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { FileSecretStore } from '../../electron/core/secrets/file-secret-store';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const ctx = { origin: 'internal' as const };

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

function errorCode(reply: Envelope<unknown>): string {
  if (reply.ok) throw new Error('expected an error envelope');
  return reply.error.code;
}

afterAll(cleanupTempDirs);

describe.each(resticBinaries())('demo fleet with restic $version', ({ path: restic }) => {
  let core: Core;
  let dataDir: string;

  it('creates a real repository with several snapshots on first start', async () => {
    dataDir = await makeTempDir('rfc-core-demo-');
    core = await createCore({ dataDir, mode: 'serve', version: 'test', resticBinary: restic, log: () => undefined });
    const info = value<{ demo: boolean; startupIssues: unknown[] }>(await core.dispatch('app.info', {}, ctx));
    expect(info.demo).toBe(true);
    expect(info.startupIssues).toEqual([]);
    const repos = value<Array<{ id: string; location: string; passwordSet: boolean }>>(await core.dispatch('repos.list', {}, ctx));
    expect(repos).toHaveLength(1);
    expect(repos[0]?.passwordSet).toBe(true);
  });

  it('lists the same snapshots raw restic reports', async () => {
    const repos = value<Array<{ location: string }>>(await core.dispatch('repos.list', {}, ctx));
    const password = await new FileSecretStore(path.join(dataDir, 'secrets')).get('repo:demo:password');
    const raw = await run(restic, ['snapshots', '--json', '--no-cache'], {
      env: { ...process.env, RESTIC_REPOSITORY: repos[0]!.location, RESTIC_PASSWORD: password! },
    });
    const rawIds = (JSON.parse(raw.stdout) as Array<{ id: string }>).map((s) => s.id).sort();
    const listed = value<{ snapshots: Array<{ id: string; time: string; tags: string[] }>; command: string }>(
      await core.dispatch('snapshots.list', { repoId: 'demo' }, ctx),
    );
    expect(listed.snapshots.map((s) => s.id).sort()).toEqual(rawIds);
    expect(rawIds.length).toBeGreaterThanOrEqual(5);
    // Newest first, and the command shown never carries the password.
    const times = listed.snapshots.map((s) => Date.parse(s.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(listed.command).toContain('snapshots --json');
    expect(listed.command).not.toContain(password!);
  });

  it('browses a directory and diffs two snapshots with real changes', async () => {
    const { snapshots } = value<{ snapshots: Array<{ id: string; paths: string[]; tags: string[] }> }>(
      await core.dispatch('snapshots.list', { repoId: 'demo' }, ctx),
    );
    const app = snapshots.filter((s) => s.tags.includes('plan:app'));
    const newest = app[0]!;
    const oldest = app[app.length - 1]!;
    const dir = newest.paths[0]!;
    const listing = value<{ nodes: Array<{ name: string; type: string }> }>(
      await core.dispatch('snapshots.ls', { repoId: 'demo', snapshotId: newest.id, path: dir }, ctx),
    );
    expect(listing.nodes.map((n) => n.name).sort()).toEqual(['config', 'uploads']);
    expect(listing.nodes.every((n) => n.type === 'dir')).toBe(true);

    const diff = value<{ changes: Array<{ path: string; modifier: string }>; stats?: { added: { files: number } } }>(
      await core.dispatch('snapshots.diff', { repoId: 'demo', from: oldest.id, to: newest.id }, ctx),
    );
    const modifiers = new Set(diff.changes.map((c) => c.modifier));
    expect(modifiers.has('+')).toBe(true);
    expect(modifiers.has('-')).toBe(true);
    expect(modifiers.has('M')).toBe(true);
    expect(diff.stats?.added.files).toBeGreaterThan(0);
  });

  it('answers bad input with typed errors and keeps working', async () => {
    expect(errorCode(await core.dispatch('snapshots.list', { repoId: 'nope' }, ctx))).toBe('NOT_FOUND');
    expect(errorCode(await core.dispatch('snapshots.ls', { repoId: 'demo', snapshotId: 'ffffffff', path: '/' }, ctx))).toBe(
      'SNAPSHOT_NOT_FOUND',
    );
    expect(errorCode(await core.dispatch('snapshots.list', { repoId: 'demo', extra: '$(touch /tmp/x)' }, ctx))).toBe('BAD_REQUEST');

    // A wrong password stored for the repository.
    const secrets = new FileSecretStore(path.join(dataDir, 'secrets'));
    const good = (await secrets.get('repo:demo:password'))!;
    await secrets.set('repo:demo:password', 'definitely-wrong');
    expect(errorCode(await core.dispatch('snapshots.list', { repoId: 'demo' }, ctx))).toBe('REPO_WRONG_PASSWORD');
    await secrets.set('repo:demo:password', good);

    // The repository disappears (moved away) and comes back.
    const repos = value<Array<{ location: string }>>(await core.dispatch('repos.list', {}, ctx));
    const location = repos[0]!.location;
    await fs.rename(location, `${location}.moved`);
    try {
      expect(errorCode(await core.dispatch('snapshots.list', { repoId: 'demo' }, ctx))).toBe('REPO_NOT_FOUND');
    } finally {
      await fs.rename(`${location}.moved`, location);
    }
    expect(value<{ snapshots: unknown[] }>(await core.dispatch('snapshots.list', { repoId: 'demo' }, ctx)).snapshots.length).toBeGreaterThan(0);
  });
});

describe('without restic', () => {
  it('starts anyway and reports RESTIC_MISSING', async () => {
    const dataDir = await makeTempDir('rfc-core-norestic-');
    const core = await createCore({
      dataDir,
      mode: 'serve',
      version: 'test',
      resticBinary: path.join(dataDir, 'no-such-restic'),
      log: () => undefined,
      // What the desktop shell passes when the OS keyring is missing.
      startupIssues: [{ code: 'SECRET_STORE_INSECURE', message: 'no keyring' }],
    });
    const info = value<{ startupIssues: Array<{ code: string; message: string }> }>(await core.dispatch('app.info', {}, ctx));
    expect(info.startupIssues.map((i) => i.code)).toEqual(['SECRET_STORE_INSECURE', 'RESTIC_MISSING']);
    expect(value<unknown[]>(await core.dispatch('repos.list', {}, ctx))).toEqual([]);
  });
});
