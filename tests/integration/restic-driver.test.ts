// The restic driver against the real binaries from the peers manifest
// (Debian's 0.14 and the newest release), on this machine through
// LocalRunner: a real repository, real backups with changes between them,
// hostile file names on disk, and each failure classified on each version.

import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared';
import { LocalRunner } from '../../electron/core/exec/local-runner';
import { readLocks, snapshotsWithoutLock } from '../../electron/core/restic/locks';
import { Restic, type ResticTarget } from '../../electron/core/restic/restic';
import { resticBinaries } from '../support/peers';
import { descendants, spawnTracked, stopProcessTree } from '../support/procs';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

afterAll(cleanupTempDirs);

/** Valid UTF-8 names (restic's JSON turns invalid UTF-8 into U+FFFD; see tests/fixtures/restic/*\/ls-bytes). */
const HOSTILE = [
  'quote"double',
  "it's",
  '$(touch pwned)',
  '`backtick`',
  'new\nline',
  'cr\rname',
  'tab\tname',
  '-leading-dash',
  '--option-like',
  'unicode-报告-ü-🙂',
  'space name ',
  'back\\slash',
  '*glob?[x]',
  '\u001b[31mred',
  `long-${'L'.repeat(240)}`,
];

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof ConsoleError) return err.code;
    throw err;
  }
}

/** Processes started under this test process whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  return descendants(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
    } catch {
      return false;
    }
  });
}

/**
 * Holds an exclusive lock on the repository: `restic key passwd` locks
 * exclusively, then waits for the new password on stdin — an open pipe
 * that never delivers a line keeps it waiting (same in 0.14 and 0.19).
 * Ending stdin lets it fail and remove its lock.
 */
async function holdExclusiveLock(
  binary: string,
  repo: string,
  password: string,
  cacheDir: string,
): Promise<{ pid: number; release: () => Promise<void> }> {
  const child: ChildProcess = spawnTracked(binary, ['key', 'passwd'], {
    env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: cacheDir },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const locks = join(repo, 'locks');
  const deadline = Date.now() + 30_000;
  while (!(existsSync(locks) && readdirSync(locks).length > 0)) {
    if (child.exitCode !== null)
      throw new Error(`restic key passwd exited (${child.exitCode}) before locking`);
    if (Date.now() > deadline) throw new Error('restic key passwd did not take a lock within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const release = async (): Promise<void> => {
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    child.stdin?.end();
    const timer = setTimeout(() => void stopProcessTree(child), 10_000);
    await closed;
    clearTimeout(timer);
  };
  return { pid: child.pid!, release };
}

describe.each(resticBinaries())(
  'restic $version ($source) driven on this machine',
  ({ version, path: binary }) => {
    let root: string;
    let data: string;
    let target: ResticTarget;
    let restic: Restic;
    const password = `pw-${Math.random().toString(36).slice(2)}-'"$`;
    const ids: string[] = [];

    beforeAll(async () => {
      root = await makeTempDir(`rfc-restic-${version}-`);
      data = join(root, 'data');
      await mkdir(join(data, 'sub', 'deeper'), { recursive: true });
      await mkdir(join(data, 'hostile'), { recursive: true });
      await writeFile(join(data, 'a.txt'), 'one\n');
      await writeFile(join(data, 'sub', 'b.txt'), 'bee\n');
      await writeFile(join(data, 'sub', 'deeper', 'c.txt'), 'sea\n');
      for (const name of HOSTILE)
        await writeFile(join(data, 'hostile', name), `content of ${JSON.stringify(name)}\n`);
      target = {
        runner: new LocalRunner(),
        binary,
        repository: join(root, 'repo'),
        password,
        env: { RESTIC_CACHE_DIR: join(root, 'cache') },
      };
      restic = new Restic(target);
    });

    it('reports its version', async () => {
      const v = await restic.version();
      expect(v.version).toBe(version);
      expect(v.supports('exitCodesRepoAndLock')).toBe(v.atLeast(0, 17));
    });

    it('init, then cat config agrees on the repository id', async () => {
      const { id } = await restic.init();
      expect(id).toMatch(/^[0-9a-f]{10,64}$/);
      const config = await restic.catConfig();
      expect(config.version).toBe(2);
      expect(config.id.startsWith(id!)).toBe(true);
      expect(await codeOf(restic.init())).toBe('CONFLICT');
    });

    it('backs up twice with changes in between', async () => {
      const first = await restic.backup([data], { host: 'host-a', tags: ['plan:one'] });
      expect(first.filesNew).toBe(3 + HOSTILE.length);
      expect(first.snapshotId).toMatch(/^[0-9a-f]{8,64}$/);

      await writeFile(join(data, 'a.txt'), 'one\ntwo\n');
      await rm(join(data, 'sub', 'b.txt'));
      await writeFile(join(data, 'sub', 'new "file" $(x)\nline'), 'new\n');
      await mkdir(join(data, 'newdir'));
      const progress: number[] = [];
      const second = await restic.backup([data], {
        host: 'host-a',
        tags: ['plan:two'],
        onProgress: (p) => progress.push(p.percentDone),
      });
      expect(second.filesNew).toBe(1);
      expect(second.filesChanged).toBe(1);
      expect(second.filesUnmodified).toBe(1 + HOSTILE.length);
      for (const p of progress) expect(p).toBeLessThanOrEqual(1);
    });

    it('lists snapshots, filtered too', async () => {
      const all = await restic.snapshots();
      expect(all).toHaveLength(2);
      for (const s of all) {
        expect(s).toMatchObject({ hostname: 'host-a', paths: [data] });
        ids.push(s.id);
      }
      expect(all.map((s) => s.tags)).toEqual([['plan:one'], ['plan:two']]);
      expect(all[1]!.parent).toBe(all[0]!.id);
      const two = await restic.snapshots({ tags: ['plan:two'], host: 'host-a' });
      expect(two.map((s) => s.id)).toEqual([all[1]!.id]);
      expect(await restic.snapshots({ host: 'nobody' })).toEqual([]);
      if (version.startsWith('0.14.')) expect(all[1]!.summary).toBeUndefined();
      else expect(all[1]!.summary?.filesNew).toBe(1);
    });

    it('ls gives the direct children of root, a directory and a subdirectory', async () => {
      const second = ids[1]!;
      // restic keeps the absolute source path: the root holds its first component only.
      const top = data.split('/')[1]!;
      expect((await restic.ls(second, '/')).map((n) => n.name)).toEqual([top]);
      const dataNodes = await restic.ls(second, data);
      expect(dataNodes.map((n) => n.name).sort()).toEqual(['a.txt', 'hostile', 'newdir', 'sub']);
      expect(dataNodes.find((n) => n.name === 'a.txt')).toMatchObject({
        type: 'file',
        size: 8,
        path: `${data}/a.txt`,
      });
      const sub = await restic.ls(second, `${data}/sub/`);
      expect(sub.map((n) => [n.name, n.type]).sort()).toEqual([
        ['deeper', 'dir'],
        ['new "file" $(x)\nline', 'file'],
      ]);
      expect(await restic.ls(second, `${data}/newdir`)).toEqual([]);
    });

    it('hostile names come back byte-exact', async () => {
      const nodes = await restic.ls(ids[1]!, join(data, 'hostile'));
      const onDisk = await readdir(join(data, 'hostile'));
      expect(nodes.map((n) => n.name).sort()).toEqual([...onDisk].sort());
      expect(nodes.map((n) => n.name).sort()).toEqual([...HOSTILE].sort());
      for (const n of nodes) {
        expect(n.path).toBe(`${data}/hostile/${n.name}`);
        expect(n.size).toBe(Buffer.byteLength(`content of ${JSON.stringify(n.name)}\n`));
      }
    });

    it('ls of a missing directory is NOT_FOUND, of an unknown snapshot SNAPSHOT_NOT_FOUND', async () => {
      expect(await codeOf(restic.ls(ids[1]!, join(data, 'nope')))).toBe('NOT_FOUND');
      // 0.14 exits 0 here ("Ignoring …"): the driver must still notice.
      expect(await codeOf(restic.ls('deadbeef', '/'))).toBe('SNAPSHOT_NOT_FOUND');
      expect(await codeOf(restic.diff('deadbeef', ids[1]!))).toBe('SNAPSHOT_NOT_FOUND');
    });

    it('diff lists the changes with the right statistics', async () => {
      const seen: string[] = [];
      const d = await restic.diff(ids[0]!, ids[1]!, {
        onChange: (c) => seen.push(`${c.modifier} ${c.path}`),
      });
      expect(d.truncated).toBe(false);
      expect([...d.changes].map((c) => `${c.modifier} ${c.path}`).sort()).toEqual(
        [
          `M ${data}/a.txt`,
          `- ${data}/sub/b.txt`,
          `+ ${data}/sub/new "file" $(x)\nline`,
          `+ ${data}/newdir/`,
        ].sort(),
      );
      expect(seen.sort()).toEqual(d.changes.map((c) => `${c.modifier} ${c.path}`).sort());
      expect(d.stats).toMatchObject({
        // restic echoes the ids as they were given.
        sourceSnapshot: ids[0]!,
        targetSnapshot: ids[1]!,
        changedFiles: 1,
        added: { files: 1, dirs: 1 },
        removed: { files: 1, dirs: 0 },
      });
      const limited = await restic.diff(ids[0]!, ids[1]!, { limit: 1 });
      expect(limited.changes).toHaveLength(1);
      expect(limited.truncated).toBe(true);
    });

    it('a missing repository is REPO_NOT_FOUND', async () => {
      const missing = new Restic({ ...target, repository: join(root, 'no-such-repo') });
      expect(await codeOf(missing.catConfig())).toBe('REPO_NOT_FOUND');
      expect(await codeOf(missing.snapshots())).toBe('REPO_NOT_FOUND');
    });

    it('a wrong password is REPO_WRONG_PASSWORD', async () => {
      const wrong = new Restic({ ...target, password: `${password}-wrong` });
      expect(await codeOf(wrong.catConfig())).toBe('REPO_WRONG_PASSWORD');
      expect(await codeOf(wrong.snapshots())).toBe('REPO_WRONG_PASSWORD');
    });

    it('a held lock is REPO_LOCKED, with who holds it', async () => {
      const holder = await holdExclusiveLock(binary, target.repository, password, join(root, 'cache'));
      try {
        const err = (await restic.snapshots().catch((e: unknown) => e)) as ConsoleError;
        expect(err).toBeInstanceOf(ConsoleError);
        expect(err.code).toBe('REPO_LOCKED');
        expect(err.message).toMatch(new RegExp(`already locked exclusively by PID ${holder.pid} on `));
        expect(await codeOf(restic.backup([join(data, 'a.txt')]))).toBe('REPO_LOCKED');
        // The daily check's view: who holds it, and the snapshots all the same.
        const locks = await readLocks(restic);
        expect(locks).toEqual([
          expect.objectContaining({
            id: expect.stringMatching(/^[0-9a-f]{64}$/),
            exclusive: true,
            pid: holder.pid,
            hostname: hostname(),
          }),
        ]);
        expect(Date.now() - Date.parse(locks[0]!.time)).toBeLessThan(60_000);
        expect(await snapshotsWithoutLock(restic)).toHaveLength(2);
        // Not stale (its pid is alive): a plain unlock leaves it alone.
        await restic.unlock();
        expect(await readLocks(restic)).toHaveLength(1);
      } finally {
        await holder.release();
      }
      expect(await readLocks(restic)).toEqual([]);
      expect(readdirSync(join(target.repository, 'locks'))).toEqual([]);
      expect(await restic.snapshots()).toHaveLength(2);
    });

    it('cancelling a running backup is CANCELLED, leaves no process and no lock', async () => {
      const bigDir = join(root, 'big-source');
      await mkdir(bigDir);
      // Sparse: 8 GiB of zeros restic must read and chunk, costing no disk.
      await writeFile(join(bigDir, 'zeros'), '');
      await truncate(join(bigDir, 'zeros'), 8 * 1024 ** 3);
      const ac = new AbortController();
      let updates = 0;
      const started = Date.now();
      const result = restic.backup([bigDir], {
        signal: ac.signal,
        progressFps: 4,
        onProgress: (p) => {
          updates += 1;
          if (p.bytesDone > 0) ac.abort();
        },
      });
      expect(await codeOf(result)).toBe('CANCELLED');
      expect(updates).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(processesMentioning(bigDir)).toEqual([]);
      // restic handled SIGINT and removed its own lock.
      expect(readdirSync(join(target.repository, 'locks'))).toEqual([]);
      expect(await restic.snapshots()).toHaveLength(2);
    });

    it('a missing binary is RESTIC_MISSING', async () => {
      const gone = new Restic({ ...target, binary: join(root, 'no-restic-here') });
      const err = (await gone.version().catch((e: unknown) => e)) as ConsoleError;
      expect(err.code).toBe('RESTIC_MISSING');
      expect(err.message).toContain('no-restic-here');
      expect(await codeOf(gone.snapshots())).toBe('RESTIC_MISSING');
    });
  },
);
