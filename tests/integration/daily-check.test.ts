// The daily check through the real core (createCore, dispatch) against
// real restic repositories, both restic versions: a fresh plan, a stale
// one (backup dated 3 days back), one with no snapshot, a repository whose
// password was changed behind the console's back, one that was deleted, a
// stale lock left by a SIGKILLed restic and a live one; then managed hosts
// over real sshd (one of them stopped).

import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DailyCheck, DailyCheckItem, Envelope, EventMessage, JobRecord } from '../../shared';
import { deriveBoard, deriveHostTable } from '../../shared/fleet-board';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { resticBinaries } from '../support/peers';
import { startSshHosts, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const call = { origin: 'internal' as const };

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

async function dispatch<T>(core: Core, method: string, input: unknown): Promise<T> {
  return value<T>(await core.dispatch(method, input, call));
}

async function waitForJob(core: Core, id: string, timeoutMs = 100_000): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { job } = await dispatch<{ job: JobRecord }>(core, 'jobs.get', { id });
    if (['succeeded', 'partial', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** restic's --time: local wall time of the host, "YYYY-MM-DD HH:MM:SS". */
function resticTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function resticEnv(repo: string, password: string, cache: string): NodeJS.ProcessEnv {
  return { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: cache };
}

const children: ChildProcess[] = [];

/**
 * A restic holding a lock: `backup --stdin` reading from a pipe nobody
 * writes to. Resolves once its lock file is in the repository.
 */
async function holdLock(restic: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const before = new Set(
    (await run(restic, ['--no-lock', 'list', 'locks'], { env })).stdout.split('\n').filter(Boolean),
  );
  const child = spawn(restic, ['backup', '--stdin', '--stdin-filename', 'held.txt', '-q'], {
    env,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  children.push(child);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ids = (await run(restic, ['--no-lock', 'list', 'locks'], { env })).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.some((id) => !before.has(id))) return child;
    if (Date.now() > deadline) throw new Error('restic never created its lock');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

afterEach(async () => {
  for (const child of children.splice(0)) await killHard(child);
});
afterAll(cleanupTempDirs);

function byItem(items: DailyCheckItem[], kind: string, pred: (i: DailyCheckItem) => boolean = () => true) {
  return items.filter((i) => i.item === kind && pred(i));
}

for (const bin of resticBinaries()) {
  describe(`daily check on this machine, restic ${bin.version}`, () => {
    it('finds fresh, stale and missing backups, a wrong password, a missing repository and a stale lock', async () => {
      const restic = bin.path;
      const work = await makeTempDir('rfc-check-work-');
      const dataDir = await makeTempDir('rfc-check-data-');
      const cache = path.join(work, 'cache');
      const src = (name: string) => path.join(work, 'src', name);
      for (const name of ['fresh', 'stale', 'never', 'other']) {
        await fs.mkdir(src(name), { recursive: true });
        await fs.writeFile(path.join(src(name), 'data.txt'), `${name}\n`);
      }
      const password = 'correct horse';
      const repos = {
        main: path.join(work, 'main'),
        rekeyed: path.join(work, 'rekeyed'),
        gone: path.join(work, 'gone'),
      };
      for (const repo of Object.values(repos))
        await run(restic, ['init', '-q'], { env: resticEnv(repo, password, cache) });

      const core = await createCore({
        dataDir,
        mode: 'serve',
        version: 'test',
        demo: false,
        resticBinary: restic,
        log: () => undefined,
      });
      const events: EventMessage[] = [];
      core.events.subscribe((m) => events.push(m));
      try {
        const hostName = 'this machine';
        const biz = await dispatch<{ id: string }>(core, 'businesses.add', {
          name: 'shop',
          freshnessTargetHours: 26,
        });
        const repoIds: Record<string, string> = {};
        for (const [name, location] of Object.entries(repos)) {
          repoIds[name] = (
            await dispatch<{ id: string }>(core, 'repos.add', {
              name,
              location,
              hostId: 'local',
              businessId: biz.id,
              password,
            })
          ).id;
        }
        const plan = async (name: string, repo: string, paths: string[]) =>
          (
            await dispatch<{ id: string }>(core, 'plans.add', {
              name,
              businessId: biz.id,
              hostId: 'local',
              repositoryId: repoIds[repo],
              paths,
            })
          ).id;
        const plans = {
          fresh: await plan('fresh', 'main', [src('fresh')]),
          stale: await plan('stale', 'main', [src('stale')]),
          never: await plan('never', 'main', [src('never')]),
          rekeyed: await plan('rekeyed', 'rekeyed', [src('other')]),
          gone: await plan('gone', 'gone', [src('other')]),
        };

        const env = resticEnv(repos.main, password, cache);
        // The host-side runner backs up with --host <inventory name>.
        await run(restic, ['backup', '-q', `--host=${hostName}`, src('fresh')], { env });
        await run(
          restic,
          [
            'backup',
            '-q',
            `--host=${hostName}`,
            `--time=${resticTime(Date.now() - 72 * 3_600_000)}`,
            src('stale'),
          ],
          { env },
        );
        // A snapshot of another host with the same path must not count for "never".
        await run(restic, ['backup', '-q', '--host=elsewhere', src('never')], { env });
        // The password changed behind the console's back; the other repository was deleted.
        const newPass = path.join(work, 'new-password');
        await fs.writeFile(newPass, 'another password\n');
        await run(restic, ['key', 'passwd', `--new-password-file=${newPass}`], {
          env: resticEnv(repos.rekeyed, password, cache),
        });
        await fs.rm(repos.gone, { recursive: true });
        // One restic killed mid-backup (its lock stays, its pid is gone) and one still running.
        const killed = await holdLock(restic, env);
        const deadPid = killed.pid!;
        await killHard(killed);
        const live = await holdLock(restic, env);

        const started = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
        // Asking again while it runs gives the same check.
        expect(await dispatch(core, 'fleet.dailyCheck', {})).toEqual(started);
        const job = await waitForJob(core, started.jobId);
        expect(job).toMatchObject({
          status: 'succeeded',
          kind: 'fleet.daily-check',
          target: 'fleet',
          priority: 'manual',
        });
        expect(job.progress).toMatchObject({ percent: 100, message: '1/1 hosts checked' });

        const result = await dispatch<{ check: DailyCheck; items: DailyCheckItem[] }>(
          core,
          'fleet.check',
          {},
        );
        expect(result.check.id).toBe(started.checkId);
        const { check, items } = result;
        expect(check.status).toBe('done');
        const reasons = items
          .map((i) => `${i.status} ${i.item} ${i.planId ?? i.repositoryId ?? i.hostId}: ${i.reason}`)
          .join('\n');

        // Host
        expect(byItem(items, 'reachable')).toMatchObject([{ hostId: 'local', status: 'ok' }]);
        expect(byItem(items, 'restic')).toMatchObject([{ status: 'ok', reason: `restic ${bin.version}` }]);

        // Plans
        const freshness = (id: string) => byItem(items, 'freshness', (i) => i.planId === id)[0];
        expect(freshness(plans.fresh), reasons).toMatchObject({
          status: 'ok',
          businessName: 'shop',
          hostName,
        });
        expect(freshness(plans.fresh)!.reason).toMatch(/^last snapshot \d+ (s|min) ago, target 26 h$/);
        expect(freshness(plans.stale)).toMatchObject({
          status: 'failing',
          reason: 'last snapshot 72 h ago (3 d), target 26 h',
        });
        expect(freshness(plans.never)).toMatchObject({ status: 'failing' });
        expect(freshness(plans.never)!.reason).toMatch(/^no snapshot yet for host this machine or [^,]+, /);
        expect(freshness(plans.rekeyed)!.status).toBe('failing');
        expect(freshness(plans.rekeyed)!.reason).toMatch(/wrong password/);
        expect(freshness(plans.gone)!.reason).toMatch(/repository not found/);

        // Repositories
        const repoItem = (kind: string, repo: string) =>
          byItem(items, kind, (i) => i.repositoryId === repoIds[repo] && i.planId === null);
        expect(repoItem('repository', 'main')).toMatchObject([
          { status: 'ok', reason: 'opened on this machine, 3 snapshots' },
        ]);
        expect(repoItem('repository', 'rekeyed')).toMatchObject([
          { status: 'failing', reason: 'wrong password' },
        ]);
        expect(repoItem('repository', 'gone')).toMatchObject([
          { status: 'failing', reason: `repository not found at ${repos.gone}` },
        ]);
        for (const repo of ['main', 'rekeyed', 'gone'])
          expect(repoItem('verified', repo)).toMatchObject([
            { status: 'warning', reason: 'never verified (no successful restic check recorded)' },
          ]);

        const locks = repoItem('locks', 'main');
        expect(locks, reasons).toHaveLength(2);
        const dead = locks.find((l) => l.data.pid === deadPid)!;
        expect(dead.status).toBe('warning');
        expect(dead.reason).toMatch(
          new RegExp(`^stale lock from host \\S+ pid ${deadPid} \\(dead\\), \\d+ s old — unlock is safe$`),
        );
        expect(dead.data).toMatchObject({
          pidState: 'dead',
          stale: true,
          exclusive: false,
          ownerHost: hostName,
        });
        const alive = locks.find((l) => l.data.pid === live.pid)!;
        expect(alive).toMatchObject({ status: 'ok' });
        expect(alive.reason).toMatch(
          new RegExp(`^in use: lock from host \\S+ pid ${live.pid} \\(running\\), \\d+ s old$`),
        );
        expect(repoItem('locks', 'rekeyed')).toEqual([]);

        // Summary, board, history, export, trend, events
        const count = (s: string) => items.filter((i) => i.status === s).length;
        expect(check.summary).toMatchObject({
          ok: count('ok'),
          warning: count('warning'),
          failing: count('failing'),
          hosts: 1,
          repositories: 3,
          plans: 5,
        });
        const board = deriveBoard(items);
        expect(board.businesses).toHaveLength(1);
        expect(board.businesses[0]!.cells).toMatchObject([{ hostName, status: 'failing' }]);
        expect(deriveHostTable(items, check.startedAt)).toMatchObject([
          { hostName, plansWithoutSnapshot: 3, lastBackupAt: null },
        ]);

        expect((await dispatch<DailyCheck[]>(core, 'fleet.checks', {})).map((c) => c.id)).toEqual([check.id]);
        const csv = await dispatch<{ filename: string; content: string }>(core, 'fleet.checkExport', {
          id: check.id,
          format: 'csv',
        });
        expect(csv.filename).toMatch(/^daily-check-.*\.csv$/);
        const lines = csv.content.trimEnd().split('\r\n');
        expect(lines[0]).toBe('business,host,plan,repository,item,status,reason,at');
        expect(lines).toHaveLength(items.length + 1);
        expect(csv.content).toContain(
          'shop,this machine,stale,main,freshness,failing,"last snapshot 72 h ago (3 d), target 26 h",',
        );
        const json = await dispatch<{ content: string }>(core, 'fleet.checkExport', {
          id: check.id,
          format: 'json',
        });
        expect(JSON.parse(json.content)).toEqual({ check, items });
        const trend = await dispatch<{ day: string; ok: number; warning: number; failing: number }[]>(
          core,
          'fleet.checkTrend',
          { days: 7 },
        );
        expect(trend).toHaveLength(1);
        expect(trend[0]).toMatchObject({
          ok: count('ok'),
          warning: count('warning'),
          failing: count('failing'),
        });
        expect(
          events.filter(
            (e) => e.event === 'invalidate' && JSON.stringify(e.payload).includes('"scope":"checks"'),
          ).length,
        ).toBeGreaterThanOrEqual(2);

        // The check left no lock of its own behind, and touched neither lock.
        const after = (await run(restic, ['--no-lock', 'list', 'locks'], { env })).stdout
          .split('\n')
          .filter(Boolean);
        expect(after).toHaveLength(2);
      } finally {
        await core.close();
      }
    });
  });
}

describe('daily check: cancel, verification, empty history', () => {
  it('cancelling the job stops the check and records it as cancelled', async () => {
    const restic = resticBinaries().at(-1)!.path;
    const dataDir = await makeTempDir('rfc-check-cancel-');
    const core = await createCore({
      dataDir,
      mode: 'serve',
      version: 'test',
      demo: false,
      resticBinary: restic,
      log: () => undefined,
    });
    try {
      const work = await makeTempDir('rfc-check-cancel-work-');
      const repo = path.join(work, 'repo');
      await run(restic, ['init', '-q'], { env: resticEnv(repo, 'pw', path.join(work, 'cache')) });
      await dispatch(core, 'repos.add', { name: 'r', location: repo, hostId: 'local', password: 'pw' });
      const started = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
      await dispatch(core, 'jobs.cancel', { id: started.jobId });
      const job = await waitForJob(core, started.jobId);
      expect(job.status).toBe('cancelled');
      const deadline = Date.now() + 10_000;
      let check: DailyCheck;
      for (;;) {
        check = (await dispatch<{ check: DailyCheck }>(core, 'fleet.check', { id: started.checkId })).check;
        if (check.status !== 'running' || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(check).toMatchObject({ status: 'failed', summary: { cancelled: true } });
      // A new check can start at once.
      const again = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
      expect(again.checkId).not.toBe(started.checkId);
      expect((await waitForJob(core, again.jobId)).status).toBe('succeeded');
      expect(
        await dispatch(core, 'fleet.check', { id: 'check-nope' }).catch((e: Error) => e.message),
      ).toMatch(/NOT_FOUND/);

      // Verification age comes from the job history: never verified, then verified by a `repos.check` job.
      const verified = async (checkId: string) =>
        (await dispatch<{ items: DailyCheckItem[] }>(core, 'fleet.check', { id: checkId })).items.find(
          (i) => i.item === 'verified',
        );
      expect(await verified(again.checkId)).toMatchObject({
        status: 'warning',
        reason: 'never verified (no successful restic check recorded)',
      });
      const repoId = (await dispatch<{ id: string }[]>(core, 'repos.list', {}))[0]!.id;
      const verify = await dispatch<{ jobId: string }>(core, 'repos.check', { id: repoId });
      expect((await waitForJob(core, verify.jobId)).status).toBe('succeeded');
      const third = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
      expect((await waitForJob(core, third.jobId)).status).toBe('succeeded');
      const v = await verified(third.checkId);
      expect(v).toMatchObject({ status: 'ok', data: { jobId: verify.jobId } });
      expect(v!.reason).toMatch(/^verified \d+ s ago$/);
    } finally {
      await core.close();
    }
  });

  it('no check yet: fleet.check is null, the trend empty', async () => {
    const dataDir = await makeTempDir('rfc-check-empty-');
    const core = await createCore({
      dataDir,
      mode: 'serve',
      version: 'test',
      demo: false,
      resticBinary: resticBinaries()[0]!.path,
      log: () => undefined,
    });
    try {
      expect(await dispatch(core, 'fleet.check', {})).toBeNull();
      expect(await dispatch(core, 'fleet.checkTrend', {})).toEqual([]);
    } finally {
      await core.close();
    }
  });
});

for (const bin of resticBinaries()) {
  describe(`daily check over SSH hosts, restic ${bin.version}`, () => {
    let fleet: SshHosts | undefined;
    afterAll(async () => {
      await fleet?.stopAll();
    });

    it('checks each host through its own sshd; a stopped host is unreachable: connection refused', async () => {
      const restic = bin.path;
      fleet = await startSshHosts(3, {
        namePrefix: `chk${bin.version.replace(/\./g, '')}`,
        firstOctet: bin.version === resticBinaries()[0]!.version ? 40 : 50,
      });
      const hosts = fleet.hosts;
      const dataDir = await makeTempDir('rfc-check-ssh-');
      const core = await createCore({
        dataDir,
        mode: 'serve',
        version: 'test',
        demo: false,
        resticBinary: restic,
        log: () => undefined,
      });
      try {
        const biz = await dispatch<{ id: string }>(core, 'businesses.add', {
          name: 'fleet',
          freshnessTargetHours: 26,
        });
        const password = 'ssh-pass';
        const ids: { host: string; repo: string; plan: string }[] = [];
        for (const h of hosts) {
          const added = await dispatch<{ host: { id: string } }>(core, 'hosts.add', {
            host: { name: h.name, address: h.address, port: h.port, user: h.user, resticPath: restic },
            key: { kind: 'paste', privateKey: h.privateKey },
          });
          await dispatch(core, 'hosts.pinKey', {
            id: added.host.id,
            fingerprint: h.hostKeyFingerprintSha256,
          });
          const source = path.join(h.dataRoot, 'srv');
          await fs.mkdir(source, { recursive: true });
          await fs.writeFile(path.join(source, 'f.txt'), h.name);
          // The repository lives on that host and is operated through it (restic init runs over SSH).
          const repo = await dispatch<{ id: string }>(core, 'repos.add', {
            name: `${h.name}-repo`,
            location: path.join(h.dataRoot, 'repo'),
            hostId: added.host.id,
            businessId: biz.id,
            password,
            init: true,
          });
          const plan = await dispatch<{ id: string }>(core, 'plans.add', {
            name: `${h.name}-srv`,
            businessId: biz.id,
            hostId: added.host.id,
            repositoryId: repo.id,
            paths: [source],
          });
          ids.push({ host: added.host.id, repo: repo.id, plan: plan.id });
          await run(restic, ['backup', '-q', `--host=${h.name}`, source], {
            env: resticEnv(path.join(h.dataRoot, 'repo'), password, path.join(h.dataRoot, '.cache')),
          });
        }
        // A stale lock on host 1's repository: its restic was killed.
        const env1 = resticEnv(
          path.join(hosts[0]!.dataRoot, 'repo'),
          password,
          path.join(hosts[0]!.dataRoot, '.cache'),
        );
        const killed = await holdLock(restic, env1);
        const deadPid = killed.pid!;
        await killHard(killed);
        await hosts[2]!.stop();

        const started = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
        const job = await waitForJob(core, started.jobId);
        expect(job.status).toBe('succeeded');
        expect(job.progress.message).toBe('3/3 hosts checked');
        const { items } = (await dispatch<{ items: DailyCheckItem[] }>(core, 'fleet.check', {
          id: started.checkId,
        }))!;
        const reasons = items.map((i) => `${i.status} ${i.item} ${i.hostName}: ${i.reason}`).join('\n');
        const of = (kind: string, hostId: string) =>
          items.filter((i) => i.item === kind && i.hostId === hostId);

        for (const k of [0, 1]) {
          const id = ids[k]!;
          expect(of('reachable', id.host), reasons).toMatchObject([{ status: 'ok' }]);
          expect(of('reachable', id.host)[0]!.reason).toMatch(
            new RegExp(
              `^reachable at ${hosts[k]!.address.replace(/\./g, '\\.')}:${hosts[k]!.port} \\(\\d+ ms\\), OS host name \\S+$`,
            ),
          );
          expect(of('restic', id.host)).toMatchObject([{ status: 'ok', reason: `restic ${bin.version}` }]);
          expect(of('repository', id.host)).toMatchObject([
            { status: 'ok', reason: `opened on ${hosts[k]!.name}, 1 snapshot` },
          ]);
          expect(of('freshness', id.host)[0]!.status).toBe('ok');
        }
        const lock = of('locks', ids[0]!.host);
        expect(lock, reasons).toHaveLength(1);
        expect(lock[0]).toMatchObject({
          status: 'warning',
          data: { pid: deadPid, pidState: 'dead', ownerHost: hosts[0]!.name },
        });
        expect(lock[0]!.reason).toMatch(
          new RegExp(`^stale lock from host \\S+ pid ${deadPid} \\(dead\\), \\d+ s old — unlock is safe$`),
        );
        expect(of('locks', ids[1]!.host)).toMatchObject([{ status: 'ok', reason: 'no locks' }]);

        const down = ids[2]!;
        expect(of('reachable', down.host)).toMatchObject([
          { status: 'failing', reason: 'unreachable: connection refused' },
        ]);
        expect(of('restic', down.host)).toEqual([]);
        expect(of('repository', down.host)).toMatchObject([
          {
            status: 'failing',
            reason: `not checked: host ${hosts[2]!.name} unreachable (connection refused)`,
          },
        ]);
        expect(of('freshness', down.host)[0]).toMatchObject({ status: 'failing' });

        const table = deriveHostTable(items, Date.now());
        expect(table[0]!.hostName).toBe(hosts[2]!.name);
      } finally {
        await core.close();
      }
    });
  });
}
