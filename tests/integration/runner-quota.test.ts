// A bucket quota exceeded mid-backup, both restic versions: the host-side
// runner backs up more than its bucket's hard quota allows (real MinIO, real
// sshd, run as its crontab line would). restic retries a refused upload for
// up to 15 minutes (0.16+), so the runner stops it at the first refusal; the
// status file, the daily check and `runner.runNow` then say "bucket quota
// exceeded" (runNow typed QUOTA_EXCEEDED), no snapshot is made, and the
// repository still opens with no lock left behind.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyCheckItem, Envelope, JobRecord, RunnerInstall, RunnerStatus } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { MinioAdmin } from '../../electron/core/minio';
import { startMinio, type MinioServer } from '../support/minio';
import { resticBinaries } from '../support/peers';
import { sshExec, startSshHosts, type SshHost, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const call = { origin: 'internal' as const };
const MiB = 1024 * 1024;

async function reply(core: Core, method: string, input: unknown): Promise<Envelope<unknown>> {
  return core.dispatch(method, input, call);
}

async function dispatch<T>(core: Core, method: string, input: unknown): Promise<T> {
  const r = await reply(core, method, input);
  if (!r.ok) throw new Error(`${method}: expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function waitForJob(core: Core, id: string, timeoutMs = 180_000): Promise<JobRecord> {
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

let minio: MinioServer;

beforeAll(async () => {
  // The scanner at full speed: the hard quota also counts what the bucket already holds.
  minio = await startMinio({ env: { MINIO_SCANNER_SPEED: 'fastest' } });
});

afterAll(async () => {
  await minio?.dispose();
  await cleanupTempDirs();
});

for (const bin of resticBinaries()) {
  describe(`runner against a full bucket, restic ${bin.version}`, () => {
    let fleet: SshHosts | undefined;
    afterAll(async () => {
      await fleet?.stopAll();
    });

    it('fails the backup with "bucket quota exceeded" everywhere, leaves no snapshot and no lock', async () => {
      const restic = bin.path;
      const tag = bin.version.replace(/\./g, '');
      const bucket = `quota-${tag}`;
      fleet = await startSshHosts(1, {
        namePrefix: `quota${tag}`,
        firstOctet: bin.version === resticBinaries()[0]!.version ? 196 : 197,
        env: (_i, name): Record<string, string> => ({
          RFC_RUNNER_PREFIX: `/tmp/rfc-runner-quota-${name}-${process.pid}`,
        }),
      });
      const host = fleet.hosts[0] as SshHost;
      const prefix = `/tmp/rfc-runner-quota-${host.name}-${process.pid}`;
      const dataDir = await makeTempDir('rfc-runner-quota-core-');
      const core = await createCore({
        dataDir,
        mode: 'serve',
        version: 'test',
        demo: false,
        resticBinary: restic,
        log: () => undefined,
      });
      const password = `quota-pw-${tag}`;
      const s3 = { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey };
      let planId = '';
      try {
        const biz = await dispatch<{ id: string }>(core, 'businesses.add', {
          name: 'full',
          freshnessTargetHours: 26,
        });
        const added = await dispatch<{ host: { id: string } }>(core, 'hosts.add', {
          host: {
            name: host.name,
            address: host.address,
            port: host.port,
            user: host.user,
            resticPath: restic,
          },
          key: { kind: 'paste', privateKey: host.privateKey },
        });
        await dispatch(core, 'hosts.pinKey', {
          id: added.host.id,
          fingerprint: host.hostKeyFingerprintSha256,
        });
        const repo = await dispatch<{ id: string }>(core, 'repos.add', {
          name: `full-${tag}`,
          location: `s3:${minio.endpoint}/${bucket}`,
          hostId: added.host.id,
          businessId: biz.id,
          password,
          secretEnv: s3,
          init: true,
        });
        // The repository exists (config and keys, a few KiB); now the bucket gets a 1 MiB hard quota.
        await new MinioAdmin({
          endpoint: minio.endpoint,
          accessKey: minio.accessKey,
          secretKey: minio.secretKey,
        }).setBucketQuota(bucket, MiB);

        // 6 MiB that neither deduplicates nor compresses: every pack restic writes is over the quota.
        const source = path.join(host.dataRoot, 'db');
        await fs.mkdir(source, { recursive: true });
        await fs.writeFile(path.join(source, 'dump.bin'), randomBytes(6 * MiB));
        const plan = await dispatch<{ id: string }>(core, 'plans.add', {
          name: 'too-big',
          businessId: biz.id,
          hostId: added.host.id,
          repositoryId: repo.id,
          paths: [source],
        });
        planId = plan.id;
        await dispatch(core, 'runner.configure', { planId, cron: '40 2 * * *' });
        const install = await dispatch<RunnerInstall>(core, 'runner.install', { planId });
        expect(install).toMatchObject({ scheduler: 'cron' });
        const crontab = (await run('crontab', ['-l'])).stdout
          .split('\n')
          .filter((l) => l.includes(`rfc-runner:${planId}`));
        expect(crontab).toHaveLength(1);

        // ---- run as cron would: it fails, and quickly (not after restic's 15 minutes of retries)
        const command = crontab[0]!.replace(/^(\S+\s+){5}/, '').replace(/ # rfc-runner:.*$/, '');
        const t0 = Date.now();
        const ran = await sshExec(host, command, { timeoutMs: 180_000 });
        const tookMs = Date.now() - t0;
        expect(ran.code, ran.stderr).not.toBe(0);
        expect(tookMs).toBeLessThan(120_000);
        // cron discards the output (>/dev/null 2>&1): the reason is in the status file.

        // ---- the status file says failed, with the quota in words
        const statusText = await fs.readFile(`${prefix}/var/lib/rfc-runner/status/${planId}.json`, 'utf8');
        expect(statusText).not.toContain(password);
        expect(statusText).not.toContain(minio.secretKey);
        const onDisk = JSON.parse(statusText) as { state: string; reason: string; summary: unknown };
        expect(onDisk).toMatchObject({ state: 'failed', summary: null });
        expect(onDisk.reason).toMatch(/^bucket quota exceeded: /);
        const status = await dispatch<RunnerStatus>(core, 'runner.status', { planId });
        expect(status).toMatchObject({ health: 'failing', last: { state: 'failed' } });
        expect(status.last!.exitCode).not.toBe(0);
        expect(status.onHost.runningPid).toBeNull();

        // ---- the daily check: the runner item failing with that reason
        const items = await dailyCheck(core);
        const runnerItems = items.filter((i) => i.item === 'runner' && i.planId === planId);
        expect(runnerItems, items.map((i) => `${i.status} ${i.item}: ${i.reason}`).join('\n')).toMatchObject([
          { status: 'failing', reason: expect.stringMatching(/failed: bucket quota exceeded: /) },
        ]);

        // ---- runNow through the core: a failed job typed QUOTA_EXCEEDED
        const runJob = await dispatch<{ jobId: string }>(core, 'runner.runNow', { planId });
        const record = await waitForJob(core, runJob.jobId);
        expect(record).toMatchObject({ status: 'failed', error: { code: 'QUOTA_EXCEEDED' } });
        expect(record.error!.message).toMatch(/^bucket quota exceeded: /);

        // ---- nothing half-done: the repository opens, holds no snapshot, and no lock is left
        const env = {
          ...process.env,
          ...s3,
          RESTIC_REPOSITORY: `s3:${minio.endpoint}/${bucket}`,
          RESTIC_PASSWORD: password,
          RESTIC_CACHE_DIR: path.join(dataDir, 'cache'),
        };
        const snaps = JSON.parse(
          (await run(restic, ['snapshots', '--json', '--no-lock'], { env })).stdout,
        ) as unknown[];
        expect(snaps).toEqual([]);
        const locks = (await run(restic, ['list', 'locks', '--no-lock'], { env })).stdout.trim();
        expect(locks).toBe('');
        // The runner's own one-run-at-a-time lock is gone too.
        const statusDir = await fs.readdir(`${prefix}/var/lib/rfc-runner/status`);
        expect(statusDir.filter((n) => n.startsWith('.lock-') || n.startsWith('.run-'))).toEqual([]);
      } finally {
        // A failed assertion must not leave a crontab entry behind (the rig's crontab is this user's).
        if (planId) await reply(core, 'runner.uninstall', { planId }).catch(() => undefined);
        await core.close();
        await fs.rm(prefix, { recursive: true, force: true });
      }
    });
  });
}
