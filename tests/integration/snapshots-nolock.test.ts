/**
 * snapshots.list reads with --no-lock: the snapshot table stays usable
 * while another restic (prune, check, a key change) holds the repository's
 * exclusive lock. Both real restic binaries; the lock is a real one, held
 * by a live `restic key passwd` waiting for its new password on stdin.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const call = { origin: 'internal' as const };
const PASSWORD = 'nolock-Secret-pw-1';

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

afterAll(cleanupTempDirs);

describe.each(resticBinaries())(
  'snapshots.list under an exclusive lock, restic $version',
  ({ path: restic }) => {
    let work: string;
    let core: Core;
    let repoId: string;
    let holder: ChildProcess | undefined;
    const env = () => ({
      ...process.env,
      RESTIC_REPOSITORY: path.join(work, 'repo'),
      RESTIC_PASSWORD: PASSWORD,
      RESTIC_CACHE_DIR: path.join(work, 'cache'),
    });
    const raw = (args: string[]) => run(restic, args, { env: env() });

    beforeAll(async () => {
      work = await makeTempDir('rfc-nolock-');
      await fs.mkdir(path.join(work, 'src'));
      await fs.writeFile(path.join(work, 'src', 'a.txt'), 'a\n');
      await raw(['init']);
      await raw(['backup', '--quiet', '--host=h1', '--time=2026-11-01 10:00:00', path.join(work, 'src')]);
      await raw(['backup', '--quiet', '--host=h1', '--time=2026-11-02 10:00:00', path.join(work, 'src')]);
      core = await createCore({
        dataDir: await makeTempDir('rfc-nolock-data-'),
        mode: 'serve',
        version: 'test',
        demo: false,
        resticBinary: restic,
        log: () => undefined,
      });
      repoId = value<{ id: string }>(
        await core.dispatch(
          'repos.add',
          { name: 'locked-repo', location: path.join(work, 'repo'), hostId: 'local', password: PASSWORD },
          call,
        ),
      ).id;
    });
    afterAll(async () => {
      if (holder && holder.exitCode === null && holder.signalCode === null) {
        const exited = new Promise((r) => holder!.once('exit', r));
        holder.kill('SIGKILL');
        await exited;
      }
      await core?.close();
    });

    it('lists both snapshots while another restic holds the exclusive lock', async () => {
      holder = spawn(restic, ['key', 'passwd'], { env: env(), stdio: ['pipe', 'ignore', 'ignore'] });
      const deadline = Date.now() + 20_000;
      let lockId = '';
      while (!lockId) {
        lockId = (await raw(['list', 'locks', '--no-lock'])).stdout.trim();
        if (Date.now() > deadline) throw new Error('restic key passwd took no lock');
        if (!lockId) await new Promise((r) => setTimeout(r, 100));
      }
      const lock = JSON.parse((await raw(['cat', 'lock', '--no-lock', lockId])).stdout) as {
        exclusive: boolean;
        pid: number;
      };
      expect(lock).toMatchObject({ exclusive: true, pid: holder.pid });
      // The lock is real: a listing that takes a lock is refused right now.
      await expect(raw(['snapshots', '--json'])).rejects.toThrow(/lock/i);

      const listed = value<{ snapshots: Array<{ hostname: string; time: string }>; command: string }>(
        await core.dispatch('snapshots.list', { repoId }, call),
      );
      expect(listed.snapshots).toHaveLength(2);
      expect(listed.snapshots.map((s) => s.hostname)).toEqual(['h1', 'h1']);
      // Newest first, as the table shows them.
      expect(Date.parse(listed.snapshots[0]!.time)).toBeGreaterThan(Date.parse(listed.snapshots[1]!.time));
      expect(listed.command).toMatch(/snapshots --json --no-lock$/);
      expect(listed.command).not.toContain(PASSWORD);
      // Looking left nothing behind: the holder's lock is still the only one.
      expect((await raw(['list', 'locks', '--no-lock'])).stdout.trim()).toBe(lockId);
    });
  },
);
