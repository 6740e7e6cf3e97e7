// The host-side runner end to end, both restic versions: installed over
// real sshd into a real MinIO repository (cron as the scheduler: the rig has
// no systemd as PID 1), run by hand exactly as its crontab line would run
// it, its status file read by the daily check and cross-checked against the
// repository; a failing pre-hook (failing item with the reason, no
// snapshot, an alert at a local webhook receiver); a status "ok" with no
// snapshot behind it; the offsite repository holding the same snapshots
// after the copy; a host with neither systemd nor cron; secrets never in
// any argv seen by `ps`, the status file or the sshd log; a hostile path.

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyCheckItem, Envelope, JobRecord, RunnerInstall, RunnerStatus } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { startMinio, type MinioServer } from '../support/minio';
import { resticBinaries } from '../support/peers';
import { sshExec, startSshHosts, type SshHost, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const call = { origin: 'internal' as const };

async function reply(core: Core, method: string, input: unknown): Promise<Envelope<unknown>> {
  return core.dispatch(method, input, call);
}

async function dispatch<T>(core: Core, method: string, input: unknown): Promise<T> {
  const r = await reply(core, method, input);
  if (!r.ok) throw new Error(`${method}: expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function waitForJob(core: Core, id: string, timeoutMs = 120_000): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { job } = await dispatch<{ job: JobRecord }>(core, 'jobs.get', { id });
    if (['succeeded', 'partial', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function dailyCheck(core: Core): Promise<DailyCheckItem[]> {
  const started = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
  const job = await waitForJob(core, started.jobId);
  expect(job.status).toBe('succeeded');
  return (await dispatch<{ items: DailyCheckItem[] }>(core, 'fleet.check', { id: started.checkId })).items;
}

interface Snap {
  id: string;
  time: string;
  tree: string;
  hostname: string;
  tags?: string[];
  paths: string[];
}

let minio: MinioServer;
const posts: { url: string; body: unknown }[] = [];
let receiver: Server;
let receiverUrl = '';
/** A symlink farm of /usr/bin and /usr/sbin without crontab and systemctl: a host with no scheduler. */
let noSchedulerPath = '';

beforeAll(async () => {
  minio = await startMinio();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      try {
        posts.push({ url: req.url ?? '', body: JSON.parse(body) });
      } catch {
        posts.push({ url: req.url ?? '', body });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const addr = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const farm = await makeTempDir('rfc-nosched-bin-');
  for (const dir of ['/usr/bin', '/usr/sbin']) {
    for (const name of await fs.readdir(dir)) {
      if (name === 'crontab' || name === 'systemctl') continue;
      await fs.symlink(path.join(dir, name), path.join(farm, name)).catch(() => undefined);
    }
  }
  noSchedulerPath = farm;
});

afterAll(async () => {
  await minio?.dispose();
  await new Promise((r) => receiver?.close(r));
  await cleanupTempDirs();
});

/** Every command line on this machine (the sshd hosts are local), polled while `work` runs. */
async function watchArgv<T>(work: () => Promise<T>): Promise<{ value: T; argv: string[] }> {
  const seen = new Set<string>();
  let done = false;
  const poll = (async () => {
    while (!done) {
      const { stdout } = await run('ps', ['-eo', 'args=', '-ww'], { maxBuffer: 16 * 1024 * 1024 });
      for (const l of stdout.split('\n')) if (l) seen.add(l);
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  try {
    const value = await work();
    return { value, argv: [...seen] };
  } finally {
    done = true;
    await poll;
  }
}

for (const bin of resticBinaries()) {
  describe(`host-side runner, restic ${bin.version}`, () => {
    let fleet: SshHosts | undefined;
    afterAll(async () => {
      await fleet?.stopAll();
    });

    it('installs with cron, runs as its crontab line would, is checked against the repository, copies offsite', async () => {
      const restic = bin.path;
      const tag = bin.version.replace(/\./g, '');
      fleet = await startSshHosts(2, {
        namePrefix: `run${tag}`,
        firstOctet: bin.version === resticBinaries()[0]!.version ? 60 : 70,
        // Everything under the host's own root: the hosts of the rig share one machine and one user.
        // The second host's PATH has no crontab and no systemctl.
        env: (i, name): Record<string, string> => ({
          RFC_RUNNER_PREFIX: `/tmp/rfc-runner-test-${name}-${process.pid}`,
          ...(i === 0 ? {} : { PATH: noSchedulerPath }),
        }),
      });
      const [hostA, hostB] = fleet.hosts as [SshHost, SshHost];
      const prefixA = `/tmp/rfc-runner-test-${hostA.name}-${process.pid}`;
      const prefixB = `/tmp/rfc-runner-test-${hostB.name}-${process.pid}`;
      const dataDir = await makeTempDir('rfc-runner-core-');
      const core = await createCore({
        dataDir,
        mode: 'serve',
        version: 'test',
        demo: false,
        resticBinary: restic,
        log: () => undefined,
      });
      const password = `pw-${tag}-'"$(x)`;
      const offPassword = `off-${tag}-secret`;
      const installedPlans: string[] = [];
      const s3 = { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey };
      try {
        const biz = await dispatch<{ id: string }>(core, 'businesses.add', {
          name: 'shop',
          freshnessTargetHours: 26,
        });
        const hostIds: string[] = [];
        for (const h of [hostA, hostB]) {
          const added = await dispatch<{ host: { id: string } }>(core, 'hosts.add', {
            host: { name: h.name, address: h.address, port: h.port, user: h.user, resticPath: restic },
            key: { kind: 'paste', privateKey: h.privateKey },
          });
          await dispatch(core, 'hosts.pinKey', {
            id: added.host.id,
            fingerprint: h.hostKeyFingerprintSha256,
          });
          hostIds.push(added.host.id);
        }
        const primary = await dispatch<{ id: string }>(core, 'repos.add', {
          name: `shop-${tag}`,
          location: `s3:${minio.endpoint}/runner-${tag}`,
          hostId: hostIds[0],
          businessId: biz.id,
          password,
          secretEnv: s3,
          init: true,
        });
        const offsite = await dispatch<{ id: string }>(core, 'repos.add', {
          name: `shop-${tag}-offsite`,
          location: `s3:${minio.endpoint}/runner-${tag}-offsite`,
          hostId: hostIds[0],
          businessId: biz.id,
          role: 'offsite',
          password: offPassword,
          secretEnv: s3,
          init: true,
        });
        // A path no shell may interpret: quotes, $( ), a leading dash in a component, spaces.
        const source = path.join(hostA.dataRoot, `it's $(touch PWNED) "db"`, '-dash dir');
        await fs.mkdir(source, { recursive: true });
        await fs.writeFile(path.join(source, 'orders.txt'), 'order 1\n');
        await fs.writeFile(path.join(source, 'skip.tmp'), 'skip\n');
        const plan = await dispatch<{ id: string }>(core, 'plans.add', {
          name: 'orders',
          businessId: biz.id,
          hostId: hostIds[0],
          repositoryId: primary.id,
          paths: [source],
          excludes: ['*.tmp'],
          tags: ['nightly'],
        });
        installedPlans.push(plan.id);
        const dump = path.join(source, 'dump.csv');
        await dispatch(core, 'runner.configure', {
          planId: plan.id,
          cron: '15 3 * * *',
          preHooks: [`printf 'id,total\\n1,42\\n' > '${dump.replace(/'/g, `'\\''`)}'`],
          offsiteRepositoryId: offsite.id,
          alertKind: 'webhook',
          alertUrl: `${receiverUrl}/hook/${tag}?token=alert-secret-${tag}`,
        });

        // ---- bad input: typed errors, nothing changed
        const configBefore = await dispatch<unknown>(core, 'runner.config', { planId: plan.id });
        for (const [input, code] of [
          [{ cron: '61 * * * *' }, 'BAD_REQUEST'],
          [{ cron: '* * * * * /bin/rm' }, 'BAD_REQUEST'],
          [{ offsiteRepositoryId: primary.id }, 'CONFLICT'],
          [{ preHooks: ['echo a\nrm -rf /'] }, 'BAD_REQUEST'],
          [{ alertUrl: 'not a url' }, 'BAD_REQUEST'],
        ] as const) {
          const r = await reply(core, 'runner.configure', { planId: plan.id, ...input });
          expect(r.ok ? 'ok' : r.error.code, JSON.stringify(input)).toBe(code);
        }
        expect(await dispatch<unknown>(core, 'runner.config', { planId: plan.id })).toEqual(configBefore);
        const notInstalled = await dispatch<{ jobId: string }>(core, 'runner.runNow', { planId: plan.id });
        expect(await waitForJob(core, notInstalled.jobId)).toMatchObject({
          status: 'failed',
          error: { code: 'NOT_FOUND' },
        });

        // ---- install (twice: a re-install replaces cleanly)
        await dispatch<RunnerInstall>(core, 'runner.install', { planId: plan.id });
        const install = await dispatch<RunnerInstall>(core, 'runner.install', { planId: plan.id });
        expect(install).toMatchObject({ scheduler: 'cron', scope: 'system', cron: '15 3 * * *' });
        expect(install.envPath).toBe(`${prefixA}/etc/rfc-runner/${plan.id}.env`);
        const crontab = (await run('crontab', ['-l'])).stdout
          .split('\n')
          .filter((l) => l.includes(`rfc-runner:${plan.id}`));
        expect(crontab).toHaveLength(1);
        expect(crontab[0]).toMatch(/^15 3 \* \* \* \/bin\/sh /);
        const st = await fs.stat(install.envPath);
        expect(st.mode & 0o777).toBe(0o600);
        expect((await fs.stat(`${prefixA}/etc/rfc-runner`)).mode & 0o777).toBe(0o700);

        // ---- run exactly as cron would (the command part of the crontab line), watching every argv
        const command = crontab[0]!.replace(/^(\S+\s+){5}/, '').replace(/ # rfc-runner:.*$/, '');
        const ran = await watchArgv(() => sshExec(hostA, command, { timeoutMs: 120_000 }));
        expect(ran.value.code, ran.value.stderr).toBe(0);
        for (const secret of [password, offPassword, minio.secretKey, `alert-secret-${tag}`]) {
          expect(ran.argv.filter((a) => a.includes(secret))).toEqual([]);
        }
        expect(ran.argv.some((a) => a.includes('rfc-runner.sh run'))).toBe(true);
        await expect(fs.access(path.join(hostA.dataRoot, 'PWNED'))).rejects.toThrow();
        await expect(fs.access(path.join(process.cwd(), 'PWNED'))).rejects.toThrow();

        const statusText = await fs.readFile(`${prefixA}/var/lib/rfc-runner/status/${plan.id}.json`, 'utf8');
        for (const secret of [password, offPassword, minio.secretKey, `alert-secret-${tag}`])
          expect(statusText).not.toContain(secret);
        expect(hostA.readLog()).not.toContain(password);
        expect(hostA.readLog()).not.toContain(minio.secretKey);

        const status = await dispatch<RunnerStatus>(core, 'runner.status', { planId: plan.id });
        expect(status.last).toMatchObject({
          state: 'ok',
          exitCode: 0,
          resticVersion: bin.version,
          errorCount: 0,
        });
        expect(status.onHost).toMatchObject({
          script: true,
          envFile: true,
          envMode: '-rw-------',
          scheduled: 'cron',
        });
        expect(status.copy).toMatchObject({ state: 'ok', exitCode: 0 });

        const env = (repo: string, pw: string) => ({
          ...process.env,
          ...s3,
          RESTIC_REPOSITORY: repo,
          RESTIC_PASSWORD: pw,
          RESTIC_CACHE_DIR: path.join(dataDir, 'cache'),
        });
        const snapshots = async (repo: string, pw: string): Promise<Snap[]> =>
          JSON.parse(
            (await run(restic, ['snapshots', '--json', '--no-lock'], { env: env(repo, pw) })).stdout,
          ) as Snap[];
        const primarySnaps = await snapshots(`s3:${minio.endpoint}/runner-${tag}`, password);
        expect(primarySnaps).toHaveLength(1);
        expect(primarySnaps[0]).toMatchObject({ hostname: hostA.name, paths: [source] });
        expect(primarySnaps[0]!.tags).toEqual(expect.arrayContaining([`plan:${plan.id}`, 'nightly']));
        expect(status.last!.summary!.snapshot_id).toBeTruthy();
        expect(primarySnaps[0]!.id.startsWith(status.last!.summary!.snapshot_id!)).toBe(true);
        // The pre-hook's dump is in the snapshot, the excluded file is not.
        const ls = (
          await run(restic, ['ls', '--no-lock', 'latest'], {
            env: env(`s3:${minio.endpoint}/runner-${tag}`, password),
          })
        ).stdout;
        expect(ls).toContain(`${source}/dump.csv`);
        expect(ls).not.toContain('skip.tmp');

        // ---- the offsite repository holds the same snapshot (same tree, same time)
        const offSnaps = await snapshots(`s3:${minio.endpoint}/runner-${tag}-offsite`, offPassword);
        expect(offSnaps.map((s) => [s.tree, s.time, s.hostname])).toEqual(
          primarySnaps.map((s) => [s.tree, s.time, s.hostname]),
        );

        // ---- the daily check shows the runner ok, cross-checked, and the offsite copy fresh
        let items = await dailyCheck(core);
        const of = (kind: string) => items.filter((i) => i.item === kind && i.planId === plan.id);
        const reasons = () => items.map((i) => `${i.status} ${i.item} ${i.hostName}: ${i.reason}`).join('\n');
        expect(of('runner'), reasons()).toMatchObject([{ status: 'ok' }]);
        expect(of('runner')[0]!.reason).toMatch(
          /^last run (just now|\d+ min ago) ok, snapshot in the repository$/,
        );
        expect(of('offsite'), reasons()).toMatchObject([{ status: 'ok' }]);
        expect(of('freshness')[0]!.status).toBe('ok');

        // ---- on-demand offsite copy (a job): nothing new to copy, still the same snapshots
        const copyJob = await dispatch<{ jobId: string }>(core, 'copy.run', { planId: plan.id });
        expect((await waitForJob(core, copyJob.jobId)).status).toBe('succeeded');
        expect(await snapshots(`s3:${minio.endpoint}/runner-${tag}-offsite`, offPassword)).toHaveLength(1);

        // ---- a failing pre-hook: failing item with the reason, no snapshot, an alert at the receiver
        await dispatch(core, 'runner.configure', {
          planId: plan.id,
          preHooks: ['echo "pg_dump: connection to server refused" >&2; exit 3'],
        });
        await dispatch(core, 'runner.install', { planId: plan.id });
        const before = posts.length;
        const failed = await sshExec(hostA, command, { timeoutMs: 120_000 });
        expect(failed.code).toBe(1);
        // cron discards the output: the reason is in the status file.
        const failedStatus = await dispatch<RunnerStatus>(core, 'runner.status', { planId: plan.id });
        expect(failedStatus).toMatchObject({
          health: 'failing',
          last: { state: 'failed', exitCode: 1, summary: null },
        });
        expect(failedStatus.last!.hookFailures).toMatchObject([
          { phase: 'pre', index: 1, exitCode: 3, output: 'pg_dump: connection to server refused' },
        ]);
        expect(failedStatus.last!.alert).toEqual({ sent: true });
        expect(await snapshots(`s3:${minio.endpoint}/runner-${tag}`, password)).toHaveLength(1);
        expect(posts.length).toBe(before + 1);
        expect(posts[before]!.url).toBe(`/hook/${tag}?token=alert-secret-${tag}`);
        expect(posts[before]!.body).toMatchObject({
          event: 'backup-failed',
          business: 'shop',
          host: hostA.name,
          plan: plan.id,
          status: 'failing',
          console: `runner@${hostA.name}`,
          planName: 'orders',
          exitCode: 1,
          reason: 'pre hook 1 exited 3: pg_dump: connection to server refused',
        });
        items = await dailyCheck(core);
        expect(of('runner'), reasons()).toMatchObject([
          {
            status: 'failing',
            reason: expect.stringMatching(
              /failed: pre hook 1 exited 3: pg_dump: connection to server refused$/,
            ),
          },
        ]);
        // runNow as a job fails with the hook's reason, typed HOOK_FAILED.
        const runJob = await dispatch<{ jobId: string }>(core, 'runner.runNow', { planId: plan.id });
        const runRecord = await waitForJob(core, runJob.jobId);
        expect(runRecord).toMatchObject({ status: 'failed', error: { code: 'HOOK_FAILED' } });

        // ---- a status "ok" with no snapshot behind it is failing
        const statusPath = `${prefixA}/var/lib/rfc-runner/status/${plan.id}.json`;
        const forged = {
          ...JSON.parse(statusText),
          end: new Date().toISOString(),
          summary: { message_type: 'summary', snapshot_id: 'deadbeefdeadbeef' },
        };
        await fs.writeFile(statusPath, JSON.stringify(forged));
        items = await dailyCheck(core);
        expect(of('runner'), reasons()).toMatchObject([
          {
            status: 'failing',
            reason: expect.stringContaining(
              `but the repository has no such snapshot (tag plan:${plan.id}, host ${hostA.name})`,
            ),
          },
        ]);

        // ---- without a plan URL, the business's alert channel (alerts area) is used: a DingTalk robot, text message
        await dispatch(core, 'runner.configure', { planId: plan.id, alertKind: null, alertUrl: null });
        await dispatch(core, 'alerts.channelAdd', {
          businessId: biz.id,
          name: 'ops robot',
          settings: { kind: 'dingtalk', msgtype: 'text' },
          secrets: { url: `${receiverUrl}/ding/${tag}?access_token=ding-secret-${tag}` },
        });
        const viaBusiness = await dispatch<RunnerInstall>(core, 'runner.install', { planId: plan.id });
        expect(viaBusiness.alert).toEqual({ source: 'business', kind: 'dingtalk' });
        const beforeDing = posts.length;
        expect((await sshExec(hostA, command, { timeoutMs: 120_000 })).code).toBe(1);
        expect(posts.slice(beforeDing)).toEqual([
          {
            url: `/ding/${tag}?access_token=ding-secret-${tag}`,
            body: {
              msgtype: 'text',
              text: {
                content: `backup of orders (${plan.id}) on ${hostA.name} failed: pre hook 1 exited 3: pg_dump: connection to server refused`,
              },
            },
          },
        ]);

        // ---- a host with neither systemd nor cron: typed error, nothing installed there
        const planB = await dispatch<{ id: string }>(core, 'plans.add', {
          name: 'orders-b',
          businessId: biz.id,
          hostId: hostIds[1],
          repositoryId: primary.id,
          paths: [hostB.dataRoot],
        });
        const noSched = await reply(core, 'runner.install', { planId: planB.id });
        expect(noSched.ok).toBe(false);
        if (!noSched.ok) {
          expect(noSched.error.code).toBe('HOST_NO_SCHEDULER');
          expect(noSched.error.message).toContain('neither systemd nor cron');
        }
        await expect(fs.access(prefixB)).rejects.toThrow();
        expect(
          (await dispatch<{ install: unknown }>(core, 'runner.status', { planId: planB.id })).install,
        ).toBeNull();

        // ---- uninstall leaves no schedule and no secrets behind
        await dispatch(core, 'runner.uninstall', { planId: plan.id });
        expect((await run('crontab', ['-l'])).stdout).not.toContain(`rfc-runner:${plan.id}`);
        await expect(fs.access(install.envPath)).rejects.toThrow();
        await expect(fs.access(install.scriptPath)).rejects.toThrow();
      } finally {
        // A failed assertion must not leave a crontab entry behind (the rig's crontab is this user's).
        for (const id of installedPlans)
          await reply(core, 'runner.uninstall', { planId: id }).catch(() => undefined);
        await core.close();
        await fs.rm(prefixA, { recursive: true, force: true });
        await fs.rm(prefixB, { recursive: true, force: true });
      }
    });
  });
}
