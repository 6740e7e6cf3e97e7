/**
 * The repository page and maintenance through the real core and both real
 * restic binaries: stats, check (clean and with damaged packs), retention
 * preview and forget + prune, unlock of a stale and a live lock, keys,
 * find, a file's history, tags, a single snapshot's forget, bad input
 * (unknown / ambiguous snapshot ids, a repository that disappears) and
 * browsing that cancels superseded listings.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, EventMessage, JobRecord } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { LocalRunner } from '../../electron/core/exec/local-runner';
import { Restic } from '../../electron/core/restic/restic';
import { resticBinaries } from '../support/peers';
import { descendants } from '../support/procs';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const call = { origin: 'internal' as const };
const PASSWORD = 'maintenance-Secret-pw-1';

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

function failure(reply: Envelope<unknown>): { code: string; message: string; detail?: unknown } {
  if (reply.ok)
    throw new Error(`expected an error envelope, got ${JSON.stringify(reply.value).slice(0, 300)}`);
  return reply.error;
}

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
  }
});
afterAll(cleanupTempDirs);

/** restic processes below this test process, with their argv. */
function resticProcesses(): string[][] {
  const out: string[][] = [];
  for (const pid of descendants(process.pid)) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv[0] && path.basename(argv[0]) === 'restic') out.push(argv);
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}
const lsProcesses = () => resticProcesses().filter((a) => a[1] === 'ls');

describe.each(resticBinaries())(
  'repository maintenance with restic $version',
  ({ path: restic, version }) => {
    const modern = !version.startsWith('0.14.');
    let work: string;
    let core: Core;
    let repoDir: string;
    let src: string;
    const env = () => ({
      ...process.env,
      RESTIC_REPOSITORY: repoDir,
      RESTIC_PASSWORD: PASSWORD,
      RESTIC_CACHE_DIR: path.join(work, 'cache'),
    });
    const events: EventMessage[] = [];
    const raw = async (args: string[], extraEnv: Record<string, string> = {}) =>
      run(restic, args, { env: { ...env(), ...extraEnv }, maxBuffer: 64 * 1024 * 1024 });
    const rawSnapshots = async () =>
      JSON.parse((await raw(['snapshots', '--json', '--no-lock'])).stdout) as Array<{
        id: string;
        hostname: string;
        tags?: string[];
      }>;
    const backup = async (host: string, time: string, tag?: string) => {
      await raw([
        'backup',
        '--quiet',
        `--host=${host}`,
        `--time=${time}`,
        ...(tag ? [`--tag=${tag}`] : []),
        '--',
        src,
      ]);
    };
    const waitJob = async (jobId: string): Promise<JobRecord> => {
      const deadline = Date.now() + 100_000;
      for (;;) {
        const { job } = value<{ job: JobRecord }>(await core.dispatch('jobs.get', { id: jobId }, call));
        if (['succeeded', 'partial', 'failed', 'cancelled'].includes(job.status)) return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const addRepo = async (name: string, location: string) =>
      value<{ id: string }>(
        await core.dispatch('repos.add', { name, location, hostId: 'local', password: PASSWORD }, call),
      ).id;
    let repoId: string;

    beforeAll(async () => {
      work = await makeTempDir('rfc-maint-');
      repoDir = path.join(work, 'repo');
      src = path.join(work, 'src');
      await fs.mkdir(path.join(src, 'docs'), { recursive: true });
      await fs.writeFile(path.join(src, 'keep.txt'), 'unchanged\n');
      await fs.writeFile(path.join(src, 'docs', 'report.txt'), 'version 1\n');
      await fs.writeFile(path.join(src, 'big.bin'), Buffer.alloc(512 * 1024, 7));
      for (let i = 0; i < 12; i++) {
        await fs.mkdir(path.join(src, 'dirs', `d${i}`), { recursive: true });
        await fs.writeFile(path.join(src, 'dirs', `d${i}`, 'f.txt'), `${i}\n`);
      }
      await raw(['init']);
      await backup('web-1', '2026-11-10 10:00:00', 'daily');
      await fs.writeFile(path.join(src, 'docs', 'report.txt'), 'version 2, longer\n');
      await backup('web-1', '2026-11-11 10:00:00', 'daily');
      await backup('web-1', '2026-11-12 10:00:00', 'daily');
      // Data only the first snapshots hold: prune must free it once they are forgotten.
      await fs.rm(path.join(src, 'big.bin'));
      await fs.writeFile(path.join(src, 'docs', 'report.txt'), 'version 3\n');
      await backup('web-1', '2026-11-13 10:00:00', 'weekly');
      await backup('db-1', '2026-11-13 11:00:00');
      const dataDir = await makeTempDir('rfc-maint-data-');
      core = await createCore({
        dataDir,
        mode: 'serve',
        version: 'test',
        demo: false,
        resticBinary: restic,
        log: () => undefined,
      });
      core.events.subscribe((m) => events.push(m));
      repoId = await addRepo('main-repo', repoDir);
    });
    afterAll(async () => {
      await core?.close();
    });

    it('repos.get: snapshot count, stats in both modes, no locks, growth from summaries', async () => {
      const page = value<{
        snapshotCount: number;
        stats: {
          restoreSize: { totalSize: number; totalFileCount?: number } | null;
          rawData: { totalSize: number; compressionRatio?: number } | null;
        };
        compressionRatio?: number;
        lastCheck: unknown;
        locks: unknown[];
        growth: Array<{ time: string; totalBytesProcessed?: number; dataAdded?: number }>;
        problems: unknown[];
        commands: Record<string, string>;
      }>(await core.dispatch('repos.get', { id: repoId }, call));
      expect(page.snapshotCount).toBe(5);
      expect(page.problems).toEqual([]);
      expect(page.stats.restoreSize!.totalSize).toBeGreaterThan(512 * 1024);
      expect(page.stats.rawData!.totalSize).toBeGreaterThan(0);
      if (modern) expect(page.compressionRatio).toBeGreaterThan(1);
      else expect(page.compressionRatio).toBeUndefined();
      expect(page.lastCheck).toBeNull();
      expect(page.locks).toEqual([]);
      expect(page.growth).toHaveLength(5);
      expect([...page.growth].map((g) => Date.parse(g.time))).toEqual(
        page.growth.map((g) => Date.parse(g.time)).sort((a, b) => a - b),
      );
      // Summaries are recorded in snapshots from 0.17 on.
      if (modern) expect(page.growth[0]!.totalBytesProcessed).toBeGreaterThan(512 * 1024);
      else expect(page.growth[0]!.totalBytesProcessed).toBeUndefined();
      for (const c of Object.values(page.commands)) expect(c).not.toContain(PASSWORD);
    });

    it('repos.check passes (structure, and a read-data subset); lastCheck says so', async () => {
      const started = value<{ jobId: string; command: string }>(
        await core.dispatch('repos.check', { id: repoId }, call),
      );
      expect(started.command).toMatch(/restic check --json$/);
      const job = await waitJob(started.jobId);
      expect(job.status).toBe('succeeded');
      expect(job.command).toBe(started.command);
      expect(job.counters.checkErrors).toBe(0);
      const subset = value<{ jobId: string; command: string }>(
        await core.dispatch('repos.check', { id: repoId, readData: { kind: 'percent', percent: 50 } }, call),
      );
      expect(subset.command).toContain('--read-data-subset=50%');
      expect((await waitJob(subset.jobId)).status).toBe('succeeded');
      const page = value<{ lastCheck: { result: string; jobId: string } }>(
        await core.dispatch('repos.get', { id: repoId }, call),
      );
      expect(page.lastCheck).toMatchObject({ result: 'ok', jobId: subset.jobId });
      const audit = value<Array<{ action: string; result: string }>>(
        await core.dispatch('audit.list', { action: 'repos.check' }, call),
      );
      expect(
        audit.filter((a) => a.action === 'repos.check' && a.result === 'succeeded').length,
      ).toBeGreaterThanOrEqual(2);
    });

    it('forgetPreview keeps and removes as the policy says, and changes nothing', async () => {
      const preview = value<{
        groups: Array<{
          host?: string;
          keep: Array<{ snapshot: { id: string }; reasons: string[] }>;
          remove: Array<{ snapshot: { id: string } }>;
        }>;
        keepCount: number;
        removeCount: number;
        command: string;
      }>(await core.dispatch('repos.forgetPreview', { id: repoId, policy: { keepLast: 1 } }, call));
      expect(preview.command).toContain('forget --json --dry-run --keep-last=1');
      const web = preview.groups.find((g) => g.host === 'web-1')!;
      expect(web.keep).toHaveLength(1);
      expect(web.keep[0]!.reasons).toEqual(['last snapshot']);
      expect(web.remove).toHaveLength(3);
      expect(preview.groups.find((g) => g.host === 'db-1')!.keep).toHaveLength(1);
      expect(preview).toMatchObject({ keepCount: 2, removeCount: 3 });
      const tagged = value<{ groups: Array<{ host?: string; keep: Array<{ reasons: string[] }> }> }>(
        await core.dispatch(
          'repos.forgetPreview',
          { id: repoId, policy: { keepLast: 1, keepTags: ['daily'] } },
          call,
        ),
      );
      expect(tagged.groups.find((g) => g.host === 'web-1')!.keep).toHaveLength(4);
      const refused = failure(
        await core.dispatch(
          'repos.forgetPreview',
          { id: repoId, policy: { keepTags: ['no-such-tag'] } },
          call,
        ),
      );
      expect(refused.code).toBe('BAD_REQUEST');
      expect(refused.detail).toMatchObject({ reason: 'would-remove-all' });
      expect(failure(await core.dispatch('repos.forgetPreview', { id: repoId, policy: {} }, call)).code).toBe(
        'BAD_REQUEST',
      );
      expect(await rawSnapshots()).toHaveLength(5);
    });

    it('find and a file history across snapshots', async () => {
      const found = value<{
        results: Array<{ snapshotId: string; time?: string; matches: Array<{ name: string }> }>;
        command: string;
      }>(await core.dispatch('snapshots.find', { repoId, pattern: 'report.txt' }, call));
      expect(found.results).toHaveLength(5);
      for (const r of found.results) expect(r.matches.map((m) => m.name)).toEqual(['report.txt']);
      expect(found.results.every((r) => typeof r.time === 'string')).toBe(true);
      const history = value<{
        versions: Array<{ status: string; size?: number; hostname: string }>;
        snapshotsSearched: number;
      }>(
        await core.dispatch(
          'snapshots.history',
          { repoId, path: path.join(src, 'docs', 'report.txt') },
          call,
        ),
      );
      expect(history.snapshotsSearched).toBe(5);
      expect(history.versions.map((v) => v.status)).toEqual([
        'first',
        'changed',
        'unchanged',
        'changed',
        'unchanged',
      ]);
      expect(history.versions.map((v) => v.size)).toEqual([10, 18, 18, 10, 10]);
      const none = value<{ versions: unknown[] }>(
        await core.dispatch('snapshots.history', { repoId, path: path.join(src, 'nope.txt') }, call),
      );
      expect(none.versions).toEqual([]);
    });

    it('tags: the snapshot gets a new id carrying the tag; an unknown id changes nothing', async () => {
      const [target] = (await rawSnapshots()).filter((s) => s.hostname === 'db-1');
      const tagged = value<{
        jobId: string;
        changes: Array<{ oldSnapshotId: string; newSnapshotId: string }>;
        command: string;
      }>(
        await core.dispatch('snapshots.tags', { repoId, snapshotIds: [target!.id], add: ['reviewed'] }, call),
      );
      expect(tagged.changes).toHaveLength(1);
      expect(tagged.changes[0]!.oldSnapshotId).toBe(target!.id);
      const after = await rawSnapshots();
      expect(after.find((s) => s.id === tagged.changes[0]!.newSnapshotId)!.tags).toContain('reviewed');
      expect(after.find((s) => s.id === target!.id)).toBeUndefined();
      expect(
        events.some(
          (e) =>
            e.event === 'invalidate' &&
            (e as EventMessage<'invalidate'>).payload.scope === 'snapshots' &&
            (e as EventMessage<'invalidate'>).payload.repoId === repoId,
        ),
      ).toBe(true);
      const missing = failure(
        await core.dispatch('snapshots.tags', { repoId, snapshotIds: ['deadbeef'], add: ['x'] }, call),
      );
      expect(missing.code).toBe('SNAPSHOT_NOT_FOUND');
      expect(await rawSnapshots()).toHaveLength(5);
    });

    it('snapshot ids that do not exist or are ambiguous: typed errors, nothing changed', async () => {
      expect(
        failure(
          await core.dispatch(
            'snapshots.forget',
            { repoId, snapshotId: 'deadbeef', confirm: 'deadbeef' },
            call,
          ),
        ).code,
      ).toBe('SNAPSHOT_NOT_FOUND');
      expect(
        failure(await core.dispatch('snapshots.ls', { repoId, snapshotId: 'deadbeef', path: '/' }, call))
          .code,
      ).toBe('SNAPSHOT_NOT_FOUND');
      // An ambiguous prefix needs two ids sharing it: one hex digit, on the driver (the contract asks for 4+).
      const r = new Restic({
        runner: new LocalRunner(),
        binary: restic,
        repository: repoDir,
        password: PASSWORD,
      });
      let ids = (await rawSnapshots()).map((s) => s.id);
      const shared = () => ids.map((i) => i[0]!).find((c, i, all) => all.indexOf(c) !== i);
      while (!shared()) {
        await backup('web-1', `2026-11-14 ${String(10 + ids.length).padStart(2, '0')}:00:00`);
        ids = (await rawSnapshots()).map((s) => s.id);
      }
      await expect(r.resolveSnapshots([shared()!])).rejects.toMatchObject({ code: 'SNAPSHOT_AMBIGUOUS' });
      expect((await rawSnapshots()).length).toBe(ids.length);
    });

    it('forgets one snapshot (typed short id), then a policy with prune really removes data', async () => {
      const before = await rawSnapshots();
      const victim = before.find((s) => s.hostname === 'db-1')!;
      const wrong = failure(
        await core.dispatch('snapshots.forget', { repoId, snapshotId: victim.id, confirm: 'nope' }, call),
      );
      expect(wrong.code).toBe('BAD_REQUEST');
      expect(await rawSnapshots()).toHaveLength(before.length);
      const done = value<{ jobId: string; command: string }>(
        await core.dispatch(
          'snapshots.forget',
          { repoId, snapshotId: victim.id, confirm: victim.id.slice(0, 8) },
          call,
        ),
      );
      expect((await waitJob(done.jobId)).status).toBe('succeeded');
      expect((await rawSnapshots()).map((s) => s.id)).not.toContain(victim.id);

      const refused = failure(
        await core.dispatch(
          'repos.forget',
          { id: repoId, policy: { keepLast: 1 }, prune: true, confirm: 'main' },
          call,
        ),
      );
      expect(refused.code).toBe('BAD_REQUEST');
      const sizeBefore = (await raw(['stats', '--json', '--mode=raw-data'])).stdout;
      const started = value<{ jobId: string; command: string }>(
        await core.dispatch(
          'repos.forget',
          { id: repoId, policy: { keepLast: 1 }, prune: true, confirm: 'main-repo' },
          call,
        ),
      );
      expect(started.command).toContain('forget --json --keep-last=1');
      expect(started.command).toContain('&&');
      const job = await waitJob(started.jobId);
      expect(job.status).toBe('succeeded');
      expect(job.counters.snapshotsRemoved).toBeGreaterThanOrEqual(3);
      const left = await rawSnapshots();
      expect(left).toHaveLength(1);
      const sizeAfter = (await raw(['stats', '--json', '--mode=raw-data'])).stdout;
      expect(JSON.parse(sizeAfter).total_size).toBeLessThan(JSON.parse(sizeBefore).total_size);
      const audit = value<Array<{ action: string; result: string; detail?: unknown }>>(
        await core.dispatch('audit.list', {}, call),
      );
      expect(
        audit
          .filter((a) => a.action === 'repos.forget')
          .map((a) => a.result)
          .sort(),
      ).toEqual(['failed', 'succeeded']);
      expect(audit.some((a) => a.action === 'snapshots.forget' && a.result === 'succeeded')).toBe(true);
      const prune = value<{ jobId: string }>(
        await core.dispatch('repos.prune', { id: repoId, confirm: 'main-repo', maxUnused: '0%' }, call),
      );
      expect((await waitJob(prune.jobId)).status).toBe('succeeded');
    });

    it('keys: add a per-host key (write-only password), list, refuse the current key, remove', async () => {
      const listed = value<{ keys: Array<{ id: string; current: boolean }> }>(
        await core.dispatch('repos.keys', { id: repoId }, call),
      );
      expect(listed.keys).toHaveLength(1);
      const hostPassword = 'per-host-Secret-pw-2';
      const added = value<{
        key: { id: string; hostName: string; current: boolean };
        jobId: string;
        command: string;
      }>(
        await core.dispatch('repos.keyAdd', { id: repoId, hostName: 'web-1', password: hostPassword }, call),
      );
      expect(added.key).toMatchObject({ hostName: 'web-1', current: false });
      expect(added.command).not.toContain(hostPassword);
      const job = value<{ job: JobRecord; log: Array<{ line: string }> }>(
        await core.dispatch('jobs.get', { id: added.jobId }, call),
      );
      expect(JSON.stringify(job)).not.toContain(hostPassword);
      // The new password opens the repository.
      await raw(['cat', 'config', '--json'], { RESTIC_PASSWORD: hostPassword });
      const two = value<{ keys: Array<{ id: string; current: boolean }> }>(
        await core.dispatch('repos.keys', { id: repoId }, call),
      );
      expect(two.keys).toHaveLength(2);
      const current = two.keys.find((k) => k.current)!;
      expect(
        failure(
          await core.dispatch(
            'repos.keyRemove',
            { id: repoId, keyId: current.id, confirm: current.id.slice(0, 8) },
            call,
          ),
        ).code,
      ).toBe('CONFLICT');
      expect(
        failure(
          await core.dispatch('repos.keyRemove', { id: repoId, keyId: added.key.id, confirm: 'x' }, call),
        ).code,
      ).toBe('BAD_REQUEST');
      const removed = value<{ jobId: string }>(
        await core.dispatch(
          'repos.keyRemove',
          { id: repoId, keyId: added.key.id, confirm: added.key.id.slice(0, 8) },
          call,
        ),
      );
      expect((await waitJob(removed.jobId)).status).toBe('succeeded');
      expect(
        value<{ keys: unknown[] }>(await core.dispatch('repos.keys', { id: repoId }, call)).keys,
      ).toHaveLength(1);
      await expect(raw(['cat', 'config', '--json'], { RESTIC_PASSWORD: hostPassword })).rejects.toThrow();
    });

    /** `key passwd` takes an exclusive lock and waits for the new password on stdin (all versions). */
    const holdExclusiveLock = async (): Promise<ChildProcess> => {
      const child = spawn(restic, ['key', 'passwd'], { env: env(), stdio: ['pipe', 'ignore', 'ignore'] });
      children.push(child);
      const deadline = Date.now() + 20_000;
      for (;;) {
        const ids = (await raw(['list', 'locks', '--no-lock'])).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) return child;
        if (Date.now() > deadline) throw new Error('key passwd took no lock');
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    it('locks: a live one (pid alive) survives unlock, a lock held blocks check with REPO_LOCKED, --remove-all needs the name', async () => {
      const holder = await holdExclusiveLock();
      const page = value<{
        locks: Array<{
          pid: number;
          pidState: string;
          exclusive: boolean;
          stale: boolean;
          ownerHostId?: string;
        }>;
      }>(await core.dispatch('repos.get', { id: repoId }, call));
      expect(page.locks).toHaveLength(1);
      expect(page.locks[0]).toMatchObject({
        pid: holder.pid,
        pidState: 'alive',
        exclusive: true,
        stale: false,
        ownerHostId: 'local',
      });
      const check = value<{ jobId: string }>(await core.dispatch('repos.check', { id: repoId }, call));
      const checkJob = await waitJob(check.jobId);
      expect(checkJob.status).toBe('failed');
      expect(checkJob.error?.code).toBe('REPO_LOCKED');
      const plain = value<{ removed: string[]; remaining: unknown[] }>(
        await core.dispatch('repos.unlock', { id: repoId }, call),
      );
      expect(plain.removed).toEqual([]);
      expect(plain.remaining).toHaveLength(1);
      expect(failure(await core.dispatch('repos.unlock', { id: repoId, removeAll: true }, call)).code).toBe(
        'BAD_REQUEST',
      );
      expect(
        failure(await core.dispatch('repos.unlock', { id: repoId, removeAll: true, confirm: 'wrong' }, call))
          .code,
      ).toBe('BAD_REQUEST');
      const all = value<{ removed: string[]; remaining: unknown[]; command: string }>(
        await core.dispatch('repos.unlock', { id: repoId, removeAll: true, confirm: 'main-repo' }, call),
      );
      expect(all.command).toContain('unlock --remove-all');
      expect(all.removed).toHaveLength(1);
      expect(all.remaining).toEqual([]);
      const audit = value<Array<{ action: string; result: string }>>(
        await core.dispatch('audit.list', {}, call),
      );
      expect(
        audit
          .filter((a) => a.action === 'repos.unlock')
          .map((a) => a.result)
          .sort(),
      ).toEqual(['failed', 'failed', 'succeeded', 'succeeded']);
      holder.stdin?.end();
    });

    it('a stale lock (its restic SIGKILLed): pid dead, plain unlock removes it', async () => {
      const holder = await holdExclusiveLock();
      const exited = new Promise((r) => holder.once('exit', r));
      holder.kill('SIGKILL');
      await exited;
      const page = value<{ locks: Array<{ pidState: string; stale: boolean }> }>(
        await core.dispatch('repos.get', { id: repoId }, call),
      );
      expect(page.locks).toEqual([expect.objectContaining({ pidState: 'dead', stale: true })]);
      const unlocked = value<{ removed: string[]; remaining: unknown[] }>(
        await core.dispatch('repos.unlock', { id: repoId }, call),
      );
      expect(unlocked.removed).toHaveLength(1);
      expect(unlocked.remaining).toEqual([]);
      expect((await raw(['list', 'locks', '--no-lock'])).stdout.trim()).toBe('');
    });

    it('check of a repository with damaged packs reports its errors', async () => {
      const damaged = path.join(work, 'damaged');
      await run('cp', ['-a', repoDir, damaged]);
      const packs = path.join(damaged, 'data');
      for (const sub of await fs.readdir(packs)) {
        for (const f of await fs.readdir(path.join(packs, sub))) {
          const p = path.join(packs, sub, f);
          const buf = await fs.readFile(p);
          buf.fill(0x58, 40, 56);
          await fs.writeFile(p, buf);
        }
      }
      const id = await addRepo('damaged-repo', damaged);
      const started = value<{ jobId: string }>(
        await core.dispatch('repos.check', { id, readData: { kind: 'all' } }, call),
      );
      const job = await waitJob(started.jobId);
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('RESTIC_FAILED');
      expect(job.error?.message).toMatch(/check found \d+ error/);
      expect(job.counters.checkErrors).toBeGreaterThan(0);
      const page = value<{ lastCheck: { result: string; numErrors: number } }>(
        await core.dispatch('repos.get', { id }, call),
      );
      expect(page.lastCheck).toMatchObject({ result: 'errors' });
      expect(page.lastCheck.numErrors).toBeGreaterThan(0);
    });

    it('browsing: identical listings share one restic; five quick clicks leave at most one ls running', async () => {
      const [snap] = (await rawSnapshots()).slice(-1);
      const dir = (i: number) => path.join(src, 'dirs', `d${i}`);
      // Identical concurrent listings: one restic (sampled all along: never two).
      let maxSeen = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          maxSeen = Math.max(maxSeen, lsProcesses().length);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const same = await Promise.all(
        [0, 1, 2].map(() =>
          core.dispatch('snapshots.ls', { repoId, snapshotId: snap!.id, path: dir(11) }, call),
        ),
      );
      sampling = false;
      await sampler;
      for (const r of same)
        expect(value<{ nodes: Array<{ name: string }> }>(r).nodes.map((n) => n.name)).toEqual(['f.txt']);
      expect(maxSeen).toBeLessThanOrEqual(1);

      // Five clicks on different folders; each new click aborts the previous request.
      const controllers = [0, 1, 2, 3, 4].map(() => new AbortController());
      const replies: Array<Promise<Envelope<unknown>>> = [];
      for (let i = 0; i < 5; i++) {
        if (i > 0) controllers[i - 1]!.abort();
        replies.push(
          core.dispatch(
            'snapshots.ls',
            { repoId, snapshotId: snap!.id, path: dir(i) },
            { origin: 'internal', signal: controllers[i]!.signal },
          ),
        );
        // Let the click's restic start, as a user's next click would come after it.
        await new Promise((r) => setTimeout(r, 30));
      }
      const first4 = await Promise.all(replies.slice(0, 4));
      for (const r of first4) expect(failure(r).code).toBe('CANCELLED');
      // The aborted calls answer once their restic has gone: now at most the fifth runs.
      expect(lsProcesses().length).toBeLessThanOrEqual(1);
      const last = value<{ path: string; nodes: Array<{ name: string }> }>(await replies[4]!);
      expect(last.path).toBe(dir(4));
      expect(last.nodes.map((n) => n.name)).toEqual(['f.txt']);
      expect(lsProcesses()).toEqual([]);
      // A cancelled listing was not cached as a result: asking again works.
      const again = value<{ nodes: unknown[] }>(
        await core.dispatch('snapshots.ls', { repoId, snapshotId: snap!.id, path: dir(0) }, call),
      );
      expect(again.nodes).toHaveLength(1);
    });

    it('a repository that disappears while browsing: typed errors', async () => {
      const gone = path.join(work, 'vanishing');
      await run('cp', ['-a', repoDir, gone]);
      const id = await addRepo('vanishing-repo', gone);
      const [snap] = value<{ snapshots: Array<{ id: string }> }>(
        await core.dispatch('snapshots.list', { repoId: id }, call),
      ).snapshots;
      // Its index and pack files go first (config, keys and snapshots stay; restic's
      // cache must not hide it), then all of it.
      await fs.rm(path.join(gone, 'data'), { recursive: true, force: true });
      await fs.rm(path.join(gone, 'index'), { recursive: true, force: true });
      const packsGone = failure(
        await core.dispatch(
          'snapshots.ls',
          { repoId: id, snapshotId: snap!.id, path: path.join(src, 'dirs') },
          call,
        ),
      );
      expect(['REPO_NOT_FOUND', 'RESTIC_FAILED']).toContain(packsGone.code);
      await fs.rm(gone, { recursive: true, force: true });
      const allGone = failure(
        await core.dispatch(
          'snapshots.ls',
          { repoId: id, snapshotId: snap!.id, path: path.join(src, 'docs') },
          call,
        ),
      );
      expect(allGone.code).toBe('REPO_NOT_FOUND');
      expect(failure(await core.dispatch('repos.get', { id }, call)).code).toBe('REPO_NOT_FOUND');
    });
  },
);
