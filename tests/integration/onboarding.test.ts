// Onboarding a business end to end through the console's API, against a
// real MinIO, real sshd hosts and real restic (both versions): bucket with
// versioning and quota, the two scoped keys, restic init, a plan per host,
// the runner installed over SSH with the HOST key, a first backup proved in
// the repository and on the daily-check board. Then: the host key really
// cannot delete backup data while it can back up and remove lock files; an
// onboarding interrupted by MinIO going down during step 4 resumes to the
// end; bad input (invalid or taken bucket, MinIO down, wrong admin key) is
// a typed error with the record showing what exists; rollback removes what
// the onboarding made and nothing else.

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DailyCheckItem,
  Envelope,
  JobRecord,
  MinioConnection,
  OnboardingDetail,
  OnboardingSummary,
} from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { MinioS3 } from '../../electron/core/minio';
import { FileSecretStore } from '../../electron/core/secrets/file-secret-store';
import { mcAlias, startMinio, type McClient, type MinioServer } from '../support/minio';
import { resticBinaries } from '../support/peers';
import { startSshHosts, type SshHost, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const call = { origin: 'internal' as const };

let minio: MinioServer;
let mc: McClient;

beforeAll(async () => {
  minio = await startMinio();
  mc = await mcAlias(minio);
});
afterAll(async () => {
  await minio?.dispose();
  await cleanupTempDirs();
});

interface Rig {
  core: Core;
  dataDir: string;
  ok<T>(method: string, input: unknown): Promise<T>;
  err(method: string, input: unknown): Promise<{ code: string; message: string }>;
  /** Waits until no job of the onboarding runs; returns its record. */
  settle(id: string, timeoutMs?: number): Promise<OnboardingDetail>;
  secrets: FileSecretStore;
}

async function rig(resticBinary: string): Promise<Rig> {
  const dataDir = await makeTempDir('rfc-onboarding-core-');
  const core = await createCore({
    dataDir,
    mode: 'serve',
    version: 'test',
    demo: false,
    resticBinary,
    log: () => undefined,
  });
  const reply = (method: string, input: unknown): Promise<Envelope<unknown>> =>
    core.dispatch(method, input, call);
  const ok = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await reply(method, input);
    if (!r.ok) throw new Error(`${method}: expected ok, got ${r.error.code}: ${r.error.message}`);
    return r.value as T;
  };
  const err = async (method: string, input: unknown) => {
    const r = await reply(method, input);
    if (r.ok) throw new Error(`${method}: expected an error, got ${JSON.stringify(r.value).slice(0, 300)}`);
    return r.error;
  };
  const settle = async (id: string, timeoutMs = 100_000): Promise<OnboardingDetail> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await ok<OnboardingDetail>('onboarding.get', { id });
      if (!d.busy) return d;
      if (Date.now() > deadline) {
        // Say what the running step's job was doing, for the failure message.
        const running = d.steps.find((s) => s.status === 'running');
        const log = running?.jobId
          ? (await ok<{ log: { line: string }[] }>('jobs.get', { id: running.jobId })).log
              .map((l) => l.line)
              .slice(-15)
          : [];
        throw new Error(
          `onboarding ${id} still busy: ${JSON.stringify(d.steps.map((s) => [s.step, s.status]))}\n${log.join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { core, dataDir, ok, err, settle, secrets: new FileSecretStore(path.join(dataDir, 'secrets')) };
}

async function addHosts(r: Rig, hosts: SshHost[], restic: string): Promise<string[]> {
  const ids: string[] = [];
  for (const h of hosts) {
    const added = await r.ok<{ host: { id: string } }>('hosts.add', {
      host: { name: h.name, address: h.address, port: h.port, user: h.user, resticPath: restic },
      key: { kind: 'paste', privateKey: h.privateKey },
    });
    await r.ok('hosts.pinKey', { id: added.host.id, fingerprint: h.hostKeyFingerprintSha256 });
    ids.push(added.host.id);
  }
  return ids;
}

async function addConnection(r: Rig, secretKey = minio.secretKey): Promise<MinioConnection> {
  return r.ok<MinioConnection>('minio.add', {
    name: secretKey === minio.secretKey ? 'main' : 'wrong-key',
    endpoint: minio.endpoint,
    accessKey: minio.accessKey,
    secretKey,
    ...(secretKey === minio.secretKey ? {} : { skipCheck: true }),
  });
}

/** Buckets, users and policies as MinIO itself reports them (mc). */
async function minioState(): Promise<{ buckets: string[]; users: string[]; policies: string[] }> {
  const buckets = (await mc.mcJson(['ls', mc.alias])).map((e) => String(e.key).replace(/\/$/, ''));
  const users = (await mc.mcJson(['admin', 'user', 'list', mc.alias])).map((e) => String(e.accessKey));
  const policies = (await mc.mcJson(['admin', 'policy', 'list', mc.alias])).map((e) => String(e.policy));
  return { buckets: buckets.sort(), users: users.sort(), policies: policies.sort() };
}

const bins = resticBinaries();

for (const bin of bins) {
  const tag = bin.version.replace(/\./g, '');
  const newest = bin.version === bins[bins.length - 1]!.version;

  describe(`onboarding through the API, restic ${bin.version}`, () => {
    let fleet: SshHosts | undefined;
    let r: Rig;
    let hostIds: string[];
    let conn: MinioConnection;
    let id: string;
    const bucket = `acme-${tag}`;
    const prefixOf = (h: SshHost) => `/tmp/rfc-onb-test-${h.name}-${process.pid}`;

    beforeAll(async () => {
      fleet = await startSshHosts(2, {
        namePrefix: `onb${tag}`,
        firstOctet: newest ? 120 : 110,
        // Each host keeps its runner files under its own root: the rig's hosts share one machine and user.
        env: (_i, name) => ({ RFC_RUNNER_PREFIX: `/tmp/rfc-onb-test-${name}-${process.pid}` }),
      });
      r = await rig(bin.path);
      hostIds = await addHosts(r, fleet.hosts, bin.path);
      conn = await addConnection(r);
      for (const h of fleet.hosts) {
        await fs.mkdir(path.join(h.dataRoot, 'srv', 'db'), { recursive: true });
        await fs.writeFile(path.join(h.dataRoot, 'srv', 'orders.txt'), `orders of ${h.name}\n`);
        await fs.writeFile(path.join(h.dataRoot, 'srv', 'cache.tmp'), 'skip me\n');
      }
    });
    afterAll(async () => {
      // Leave no runner in this user's crontab: roll back whatever is still onboarded.
      for (const o of (await r?.ok<OnboardingSummary[]>('onboarding.list', {}).catch(() => [])) ?? []) {
        if (o.status === 'rolled_back' || o.busy) continue;
        await r.ok('onboarding.rollback', { id: o.id, confirm: o.businessName }).catch(() => undefined);
        await r.settle(o.id).catch(() => undefined);
      }
      await r?.core.close();
      await fleet?.stopAll();
      for (const h of fleet?.hosts ?? []) await fs.rm(prefixOf(h), { recursive: true, force: true });
    });

    it('onboards a business end to end: bucket, keys, repository, plans, runner with the host key, first backup on the board', async () => {
      const [hostA, hostB] = fleet!.hosts as [SshHost, SshHost];
      const started = await r.ok<OnboardingDetail>('onboarding.start', {
        name: `Acme ${tag}`,
        ownerContact: 'ops@acme.test',
        freshnessTargetHours: 26,
        retention: { keepDaily: 7, keepWeekly: 4 },
      });
      id = started.id;
      expect(
        await r.ok<{ valid: boolean; taken: boolean }>('onboarding.validateBucket', {
          minioId: conn.id,
          bucket,
        }),
      ).toMatchObject({
        valid: true,
        taken: false,
      });
      await r.ok('onboarding.saveStep', {
        id,
        data: {
          step: 'bucket',
          input: { minioId: conn.id, bucket, versioning: true, objectLockYears: null, quotaBytes: 1024 ** 3 },
        },
      });
      await r.ok('onboarding.saveStep', {
        id,
        data: {
          step: 'hosts',
          input: {
            hosts: [hostA, hostB].map((h, i) => ({
              hostId: hostIds[i],
              paths: [path.join(h.dataRoot, 'srv')],
              excludes: ['*.tmp'],
              tags: ['nightly'],
              // A database dump to CSV before the backup.
              preHook: `printf 'id,total\\n1,42\\n' > '${path.join(h.dataRoot, 'srv', 'db', 'orders.csv')}'`,
              postHook: '',
              schedule: '30 2 * * *',
            })),
          },
        },
      });
      const resumed = await r.ok<{ jobId: string; step: string }>('onboarding.resume', { id });
      expect(resumed.step).toBe('business');
      const d = await r.settle(id);
      expect(
        d.steps.map((s) => `${s.step}:${s.status}${s.error ? ` ${s.error.code} ${s.error.message}` : ''}`),
      ).toEqual([
        'business:done',
        'bucket:done',
        'keys:done',
        'repository:done',
        'hosts:done',
        'install:done',
        'firstBackup:done',
      ]);
      expect(d.status).toBe('done');
      expect(d.proof).toHaveLength(2);

      // What MinIO says exists (mc): the bucket with versioning and quota, two users, two policies.
      const state = await minioState();
      expect(state.buckets).toContain(bucket);
      expect(state.policies).toEqual(
        expect.arrayContaining([`rfc-${bucket}-host`, `rfc-${bucket}-maintenance`]),
      );
      const versioning = await mc.mcJson(['version', 'info', `${mc.alias}/${bucket}`]);
      expect(JSON.stringify(versioning)).toMatch(/Enabled/i);
      const quota = await mc.mcJson(['quota', 'info', `${mc.alias}/${bucket}`]);
      expect(JSON.stringify(quota)).toContain(String(1024 ** 3));
      const hostKey = JSON.parse((await r.secrets.get(`onboarding:${id}:host-key`))!) as {
        accessKey: string;
        secretKey: string;
      };
      const maintKey = JSON.parse((await r.secrets.get(`onboarding:${id}:maintenance-key`))!) as {
        accessKey: string;
        secretKey: string;
      };
      expect(state.users).toEqual(expect.arrayContaining([hostKey.accessKey, maintKey.accessKey]));
      const hostUser = await mc.mcJson(['admin', 'user', 'info', mc.alias, hostKey.accessKey]);
      expect(JSON.stringify(hostUser)).toContain(`rfc-${bucket}-host`);

      // The runner on each host holds the HOST key, never the maintenance key, in a root-only env file.
      for (const [i, h] of [hostA, hostB].entries()) {
        const planId = d.planIds[hostIds[i]!]!;
        const envPath = `${prefixOf(h)}/etc/rfc-runner/${planId}.env`;
        const env = await fs.readFile(envPath, 'utf8');
        expect(env).toContain(hostKey.accessKey);
        expect(env).not.toContain(maintKey.accessKey);
        expect(env).not.toContain(maintKey.secretKey);
        expect((await fs.stat(envPath)).mode & 0o777).toBe(0o600);
        const crontab = (await run('crontab', ['-l'])).stdout;
        expect(crontab).toContain(`rfc-runner:${planId}`);
      }

      // The proof is in the repository, read with the console's own (maintenance) entry.
      const { snapshots: snaps } = await r.ok<{
        snapshots: { id: string; hostname: string; tags?: string[]; paths: string[] }[];
      }>('snapshots.list', { repoId: d.repositoryIds.primary });
      expect(snaps.map((s) => s.id).sort()).toEqual(d.proof.map((p) => p.snapshotId).sort());
      expect(snaps.every((s) => s.tags?.includes('nightly'))).toBe(true);
      // The hook's dump is in the snapshot; the excluded file is not.
      const { nodes: ls } = await r.ok<{ nodes: { name: string }[] }>('snapshots.ls', {
        repoId: d.repositoryIds.primary,
        snapshotId: d.proof[0]!.snapshotId,
        path: path.join([hostA, hostB].find((h, i) => hostIds[i] === d.proof[0]!.hostId)!.dataRoot, 'srv'),
      });
      expect(ls.map((n) => n.name).sort()).toEqual(['db', 'orders.txt']);

      // The business is on the board.
      const check = await r.ok<{ items: DailyCheckItem[] }>('fleet.check', {});
      const mine = check.items.filter((i) => i.businessId === d.businessId);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.filter((i) => i.status === 'failing')).toEqual([]);

      // Every step is a job with its commands, secrets masked, and in the audit log.
      const jobs = await r.ok<JobRecord[]>('jobs.list', { kind: 'onboarding.step' });
      expect(jobs.length).toBeGreaterThanOrEqual(7);
      const all = JSON.stringify(d) + JSON.stringify(jobs);
      for (const secret of [hostKey.secretKey, maintKey.secretKey, minio.secretKey])
        expect(all).not.toContain(secret);
      expect(d.steps.find((s) => s.step === 'repository')!.commands.join('\n')).toMatch(
        /AWS_SECRET_ACCESS_KEY=\*\*\*.* init/,
      );
      const audit = await r.ok<{ action: string }[]>('audit.list', {});
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining(['onboarding.start', 'onboarding.step.install', 'repos.init']),
      );
      // No secret in SQLite.
      const db = await fs.readFile(path.join(r.dataDir, 'console.db'));
      for (const secret of [hostKey.secretKey, maintKey.secretKey, minio.secretKey])
        expect(db.includes(Buffer.from(secret))).toBe(false);
    });

    it('the host key cannot delete backup data, while it backs up and removes lock files', async () => {
      const hostKey = JSON.parse((await r.secrets.get(`onboarding:${id}:host-key`))!) as {
        accessKey: string;
        secretKey: string;
      };
      const s3 = new MinioS3({
        endpoint: minio.endpoint,
        accessKey: hostKey.accessKey,
        secretKey: hostKey.secretKey,
      });
      const keys: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const stream = s3.client.listObjectsV2(bucket, '', true);
        stream.on('data', (o: { name?: string }) => o.name && keys.push(o.name));
        stream.on('error', reject);
        stream.on('end', () => resolve());
      });
      const dataKey = keys.find((k) => k.startsWith('data/'));
      const snapKey = keys.find((k) => k.startsWith('snapshots/'));
      expect(dataKey).toBeDefined();
      expect(snapKey).toBeDefined();
      for (const key of [dataKey!, snapKey!, 'config', keys.find((k) => k.startsWith('index/'))!]) {
        const refused = await s3.client.removeObject(bucket, key).then(
          () => null,
          (e: { code?: string }) => e.code,
        );
        expect(refused, key).toBe('AccessDenied');
      }
      // Still there, as the admin sees it.
      const after = await mc.mcJson(['stat', `${mc.alias}/${bucket}/${snapKey}`]);
      expect(JSON.stringify(after)).toContain(snapKey!.split('/')[1]!);

      // restic with the host key: a backup works, forget (deleting a snapshot) is refused.
      const repoPassword = (await r.secrets.get(`onboarding:${id}:repo-password`))!;
      const env = {
        ...process.env,
        RESTIC_REPOSITORY: `s3:${minio.endpoint}/${bucket}`,
        RESTIC_PASSWORD: repoPassword,
        AWS_ACCESS_KEY_ID: hostKey.accessKey,
        AWS_SECRET_ACCESS_KEY: hostKey.secretKey,
        RESTIC_CACHE_DIR: path.join(r.dataDir, 'host-key-cache'),
      };
      const src = await makeTempDir('rfc-onb-src-');
      await fs.writeFile(path.join(src, 'extra.txt'), 'made with the host key\n');
      const backup = await run(bin.path, ['backup', '--json', '--host', 'host-key-test', src], { env });
      expect(backup.stdout).toContain('"message_type":"summary"');
      // restic removed its own lock when it finished: locks/ is empty again.
      const locks: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const stream = s3.client.listObjectsV2(bucket, 'locks/', true);
        stream.on('data', (o: { name?: string }) => o.name && locks.push(o.name));
        stream.on('error', reject);
        stream.on('end', () => resolve());
      });
      expect(locks).toEqual([]);
      // A lock file put there can be removed with the host key.
      await s3.client.putObject(bucket, 'locks/00test', Buffer.from('{}'));
      await s3.client.removeObject(bucket, 'locks/00test');
      // restic forget of a real snapshot with the host key is refused by MinIO. (Newest restic only:
      // restic 0.14 retries the refused delete for most of a minute before it gives up.)
      if (!newest) return;
      const snapId = snapKey!.split('/')[1]!;
      const removeSnap = await run(bin.path, ['forget', snapId], { env }).then(
        () => 'removed',
        (e: { stderr?: string }) => e.stderr ?? 'failed',
      );
      expect(removeSnap).not.toBe('removed');
      expect(removeSnap).toMatch(/Access Denied|AccessDenied|denied/i);
      // The snapshot is still in the repository (the console's maintenance entry sees it).
      const { snapshots: snaps } = await r.ok<{ snapshots: { id: string }[] }>('snapshots.list', {
        repoId: (await r.ok<OnboardingDetail>('onboarding.get', { id })).repositoryIds.primary,
      });
      expect(snaps.map((s) => s.id)).toContain(snapId);
    });

    it('running a done step again makes nothing twice', async () => {
      const before = await minioState();
      const d0 = await r.ok<OnboardingDetail>('onboarding.get', { id });
      for (const step of ['bucket', 'keys', 'repository'] as const) {
        await r.ok('onboarding.runStep', { id, step });
        const d = await r.settle(id);
        expect(d.steps.find((s) => s.step === step)!.status, step).toBe('done');
      }
      const d1 = await r.ok<OnboardingDetail>('onboarding.get', { id });
      expect(d1.resources.length).toBe(d0.resources.length);
      expect(await minioState()).toEqual(before);
      expect((await r.ok<unknown[]>('repos.list', {})).length).toBe(1);
    });

    if (!newest) return;

    it('rolls back what it made, newest first, behind the typed business name; MinIO left as before', async () => {
      const d0 = await r.ok<OnboardingDetail>('onboarding.get', { id });
      expect((await r.err('onboarding.rollback', { id, confirm: 'acme' })).code).toBe('BAD_REQUEST');
      await r.ok('onboarding.rollback', { id, confirm: d0.businessName });
      const d = await r.settle(id);
      expect(d.status).toBe('rolled_back');
      expect(d.resources.every((x) => x.removedAt !== null)).toBe(true);
      const state = await minioState();
      expect(state.buckets).not.toContain(bucket);
      expect(state.policies.filter((p) => p.startsWith(`rfc-${bucket}`))).toEqual([]);
      expect(await r.ok<unknown[]>('repos.list', {})).toEqual([]);
      expect(await r.ok<unknown[]>('plans.list', {})).toEqual([]);
      expect((await r.ok<{ name: string }[]>('businesses.list', {})).map((b) => b.name)).not.toContain(
        d0.businessName,
      );
      for (const h of fleet!.hosts) {
        const planIds = Object.values(d0.planIds);
        for (const planId of planIds)
          await expect(fs.access(`${prefixOf(h)}/etc/rfc-runner/${planId}.env`)).rejects.toThrow();
      }
      const crontab = (await run('crontab', ['-l']).catch(() => ({ stdout: '' }))).stdout;
      for (const planId of Object.values(d0.planIds)) expect(crontab).not.toContain(planId);
      const list = await r.ok<OnboardingSummary[]>('onboarding.list', {});
      expect(list.find((o) => o.id === id)).toMatchObject({ status: 'rolled_back' });
    });

    it('an onboarding interrupted by MinIO going down during step 4 shows what exists and resumes to the end', async () => {
      const b2 = `globex-${tag}`;
      const usersBefore = (await minioState()).users.length;
      const d0 = await r.ok<OnboardingDetail>('onboarding.start', {
        name: `Globex ${tag}`,
        retention: { keepLast: 5 },
      });
      await r.ok('onboarding.saveStep', {
        id: d0.id,
        data: {
          step: 'bucket',
          input: { minioId: conn.id, bucket: b2, versioning: true, objectLockYears: null, quotaBytes: null },
        },
      });
      await r.ok('onboarding.saveStep', {
        id: d0.id,
        data: {
          step: 'hosts',
          input: {
            hosts: [
              {
                hostId: hostIds[0],
                paths: [path.join(fleet!.hosts[0]!.dataRoot, 'srv')],
                schedule: '0 3 * * *',
              },
            ],
          },
        },
      });
      for (const step of ['business', 'bucket', 'keys'] as const) {
        await r.ok('onboarding.runStep', { id: d0.id, step });
        expect((await r.settle(d0.id)).steps.find((s) => s.step === step)!.status).toBe('done');
      }
      await minio.stop();
      try {
        await r.ok('onboarding.runStep', { id: d0.id, step: 'repository' });
        const stopped = await r.settle(d0.id, 120_000);
        expect(stopped.currentStep).toBe('repository');
        expect(stopped.lastError?.code).toBe('MINIO_UNREACHABLE');
        expect(stopped.resources.map((x) => x.kind)).toEqual([
          'business',
          'bucket',
          'policy',
          'secret',
          'user',
          'policy',
          'secret',
          'user',
        ]);
        const listed = (await r.ok<OnboardingSummary[]>('onboarding.list', {})).find((o) => o.id === d0.id);
        expect(listed).toMatchObject({
          status: 'in_progress',
          currentStep: 'repository',
          lastError: { code: 'MINIO_UNREACHABLE' },
        });
      } finally {
        await minio.start();
      }
      await r.ok('onboarding.resume', { id: d0.id });
      const d = await r.settle(d0.id);
      expect(d.steps.map((s) => `${s.step}:${s.status}${s.error ? ` ${s.error.message}` : ''}`)).toEqual([
        'business:done',
        'bucket:done',
        'keys:done',
        'repository:done',
        'hosts:done',
        'install:done',
        'firstBackup:done',
      ]);
      expect(d.status).toBe('done');
      expect(d.proof).toHaveLength(1);
      expect((await minioState()).users.length).toBe(usersBefore + 2);
      await r.ok('onboarding.rollback', { id: d0.id, confirm: `Globex ${tag}` });
      expect((await r.settle(d0.id)).status).toBe('rolled_back');
    });

    it('makes a second-site repository on another MinIO for offsite copies, and rolls both back', async () => {
      const siteB = await startMinio();
      try {
        const mcB = await mcAlias(siteB, 'siteb');
        const connB = await r.ok<MinioConnection>('minio.add', {
          name: 'site-b',
          endpoint: siteB.endpoint,
          accessKey: siteB.accessKey,
          secretKey: siteB.secretKey,
        });
        const d0 = await r.ok<OnboardingDetail>('onboarding.start', {
          name: `Hooli ${tag}`,
          retention: { keepLast: 3 },
        });
        await r.ok('onboarding.saveStep', {
          id: d0.id,
          data: {
            step: 'bucket',
            input: {
              minioId: conn.id,
              bucket: `hooli-${tag}`,
              versioning: true,
              objectLockYears: null,
              quotaBytes: null,
            },
          },
        });
        await r.ok('onboarding.saveStep', {
          id: d0.id,
          data: {
            step: 'repository',
            input: { offsite: { minioId: connB.id, bucket: `hooli-${tag}-offsite` } },
          },
        });
        await r.ok('onboarding.resume', { id: d0.id });
        const d = await r.settle(d0.id);
        expect(
          d.steps.slice(0, 4).map((s) => `${s.step}:${s.status}${s.error ? ` ${s.error.message}` : ''}`),
        ).toEqual(['business:done', 'bucket:done', 'keys:done', 'repository:done']);
        // Stopped where input is missing (the hosts), not with an error.
        expect(d.currentStep).toBe('hosts');
        expect(d.lastError).toBeNull();
        const repos = await r.ok<{ id: string; location: string }[]>('repos.list', {});
        const offsite = repos.find((x) => x.id === d.repositoryIds.offsite);
        expect(offsite?.location).toBe(`s3:${siteB.endpoint}/hooli-${tag}-offsite`);
        expect(
          (await r.ok<{ snapshots: unknown[] }>('snapshots.list', { repoId: offsite!.id })).snapshots,
        ).toEqual([]);
        const bucketsB = (await mcB.mcJson(['ls', mcB.alias])).map((e) => String(e.key));
        expect(bucketsB).toEqual([`hooli-${tag}-offsite/`]);
        const usersB = (await mcB.mcJson(['admin', 'user', 'list', mcB.alias])).map((e) =>
          String(e.accessKey),
        );
        expect(usersB).toHaveLength(1);
        expect(d.steps.find((s) => s.step === 'repository')!.commands.join('\n')).toContain(
          `mc mb site-b/hooli-${tag}-offsite`,
        );

        await r.ok('onboarding.rollback', { id: d0.id, confirm: `Hooli ${tag}` });
        expect((await r.settle(d0.id)).status).toBe('rolled_back');
        expect(await mcB.mcJson(['ls', mcB.alias])).toEqual([]);
        expect(await mcB.mcJson(['admin', 'user', 'list', mcB.alias])).toEqual([]);
        expect((await minioState()).buckets).not.toContain(`hooli-${tag}`);
      } finally {
        await siteB.dispose();
      }
    });

    it('bad input: invalid or taken bucket, MinIO down, wrong admin key — typed errors, nothing half-configured unseen', async () => {
      const d0 = await r.ok<OnboardingDetail>('onboarding.start', {
        name: `Initech ${tag}`,
        retention: { keepLast: 3 },
      });
      // Invalid name: refused before anything is saved.
      const invalid = await r.err('onboarding.saveStep', {
        id: d0.id,
        data: {
          step: 'bucket',
          input: {
            minioId: conn.id,
            bucket: 'Bad_Bucket',
            versioning: true,
            objectLockYears: null,
            quotaBytes: null,
          },
        },
      });
      expect(invalid.code).toBe('BUCKET_INVALID');
      expect(await r.ok('onboarding.validateBucket', { minioId: conn.id, bucket: 'ab' })).toMatchObject({
        valid: false,
        taken: null,
      });

      // Taken: a bucket someone else made.
      await mc.mc(['mb', `${mc.alias}/taken-${tag}`]);
      expect(
        await r.ok('onboarding.validateBucket', { minioId: conn.id, bucket: `taken-${tag}` }),
      ).toMatchObject({ valid: true, taken: true });
      await r.ok('onboarding.saveStep', {
        id: d0.id,
        data: {
          step: 'bucket',
          input: {
            minioId: conn.id,
            bucket: `taken-${tag}`,
            versioning: true,
            objectLockYears: null,
            quotaBytes: null,
          },
        },
      });
      await r.ok('onboarding.resume', { id: d0.id });
      let d = await r.settle(d0.id);
      expect(d.currentStep).toBe('bucket');
      expect(d.lastError?.code).toBe('BUCKET_TAKEN');
      expect(d.resources.map((x) => x.kind)).toEqual(['business']);

      // MinIO down.
      await r.ok('onboarding.saveStep', {
        id: d0.id,
        data: {
          step: 'bucket',
          input: {
            minioId: conn.id,
            bucket: `initech-${tag}`,
            versioning: true,
            objectLockYears: null,
            quotaBytes: null,
          },
        },
      });
      await minio.stop();
      try {
        expect(
          (
            await r.ok<{ error: { code: string } }>('onboarding.validateBucket', {
              minioId: conn.id,
              bucket: `initech-${tag}`,
            })
          ).error.code,
        ).toBe('MINIO_UNREACHABLE');
        await r.ok('onboarding.runStep', { id: d0.id, step: 'bucket' });
        d = await r.settle(d0.id, 120_000);
        expect(d.lastError?.code).toBe('MINIO_UNREACHABLE');
      } finally {
        await minio.start();
      }

      // Wrong admin key.
      const wrong = await addConnection(r, 'not-the-secret-key');
      expect(
        (
          await r.ok<{ error: { code: string } }>('onboarding.validateBucket', {
            minioId: wrong.id,
            bucket: `initech-${tag}`,
          })
        ).error.code,
      ).toBe('MINIO_AUTH_FAILED');
      await r.ok('onboarding.saveStep', {
        id: d0.id,
        data: {
          step: 'bucket',
          input: {
            minioId: wrong.id,
            bucket: `initech-${tag}`,
            versioning: true,
            objectLockYears: null,
            quotaBytes: null,
          },
        },
      });
      await r.ok('onboarding.runStep', { id: d0.id, step: 'bucket' });
      d = await r.settle(d0.id);
      expect(d.lastError?.code).toBe('MINIO_AUTH_FAILED');
      // Nothing was made on MinIO, and the record says exactly what exists: the business only.
      expect((await minioState()).buckets).not.toContain(`initech-${tag}`);
      expect(d.resources.map((x) => `${x.kind}:${x.removedAt === null}`)).toEqual(['business:true']);
      expect(d.steps.find((s) => s.step === 'bucket')).toMatchObject({
        status: 'failed',
        error: { code: 'MINIO_AUTH_FAILED' },
      });

      // Rolling it back leaves the bucket it did not make.
      await r.ok('onboarding.rollback', { id: d0.id, confirm: `Initech ${tag}` });
      expect((await r.settle(d0.id)).status).toBe('rolled_back');
      expect((await minioState()).buckets).toContain(`taken-${tag}`);
    });
  });
}
