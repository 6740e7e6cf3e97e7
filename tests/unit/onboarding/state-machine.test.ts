// The onboarding state machine over a real SQLite store and job manager,
// with in-memory MinIO and runner ports: step order, idempotence, resume
// after a failure, and rollback of exactly what was made, newest first.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OnboardingDetail } from '../../../shared';
import { AuditLog } from '../../../electron/core/audit/audit-log';
import { JobManager } from '../../../electron/core/jobs/job-manager';
import { OnboardingService } from '../../../electron/core/onboarding/service';
import { onboardingSecrets, type StepCore } from '../../../electron/core/onboarding/steps';
import { OnboardingStore } from '../../../electron/core/onboarding/store';
import { Repositories } from '../../../electron/core/store/repositories';
import { openStore, type Store } from '../../../electron/core/store/store';
import { cleanupTempDirs } from '../../support/tmp';
import { consoleError, MemorySecretStore, tempDataDir } from '../store/fixtures';
import { FakeMinio, FakeRunner } from './fakes';

afterAll(cleanupTempDirs);

let store: Store;
let secrets: MemorySecretStore;
let jobs: JobManager;
let minio: FakeMinio;
let runner: FakeRunner;
let service: OnboardingService;
let hostId: string;
const initialised = new Set<string>();

function makeService(): OnboardingService {
  const core: StepCore = {
    store,
    secrets,
    probeRepository: async (location) => ({
      exists: initialised.has(location),
      command: `restic -r ${location} cat config`,
    }),
    openRepository: async (repoId) => `restic cat config # ${repoId}`,
    taggedSnapshots: async (_repoId, tag) => ({
      snapshots: runner.snapshots.get(tag) ?? [],
      command: `restic snapshots --tag=${tag}`,
    }),
    addRepository: async (input) => {
      if (minio.down) throw new Error('unreachable');
      if (input.init) initialised.add(input.location);
      const record = await store.repositories.create({
        name: input.name,
        location: input.location,
        hostId: input.hostId,
        ...(input.businessId ? { businessId: input.businessId } : {}),
        ...(input.role ? { role: input.role } : {}),
      });
      await store.repositories.setPassword(record.id, input.password);
      if (input.secretEnv) await store.repositories.setSecretEnv(record.id, input.secretEnv);
      return Repositories.toDomain(await store.repositories.get(record.id));
    },
    runDailyCheck: async () => {
      const check = store.dailyChecks.start();
      for (const b of store.businesses.list()) {
        store.dailyChecks.addItems(check.id, [
          { businessId: b.id, businessName: b.name, item: 'freshness', status: 'ok', reason: 'fresh' },
        ]);
      }
      store.dailyChecks.finish(check.id, 'done');
      return { checkId: check.id };
    },
  };
  return new OnboardingService({
    store: new OnboardingStore(store.db),
    ports: { minio, runner },
    core,
    jobs,
    audit: new AuditLog(store.db),
    changed: () => undefined,
  });
}

beforeEach(async () => {
  const dir = await tempDataDir();
  secrets = new MemorySecretStore();
  store = await openStore({ dataDir: dir, secrets });
  jobs = new JobManager({ db: store.db, progressIntervalMs: 20 });
  minio = new FakeMinio();
  runner = new FakeRunner();
  initialised.clear();
  hostId = (await store.hosts.create({ name: 'web-1', address: '127.0.0.2', user: 'backup' })).id;
  service = makeService();
});
afterEach(async () => {
  await jobs.close(200);
  store.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until no job of the onboarding is queued or running. */
async function settle(id: string): Promise<OnboardingDetail> {
  for (let i = 0; i < 500; i++) {
    await sleep(10);
    const d = service.get(id);
    if (!d.busy) return d;
  }
  throw new Error('onboarding did not settle');
}

async function startFull(): Promise<string> {
  const d = service.start({
    name: 'Acme',
    ownerContact: 'ops@acme.test',
    freshnessTargetHours: 26,
    retention: { keepDaily: 7 },
  });
  service.saveStep(d.id, {
    step: 'bucket',
    input: {
      minioId: 'minio-1',
      bucket: 'acme-backup',
      versioning: true,
      objectLockYears: null,
      quotaBytes: 10 * 2 ** 30,
    },
  });
  service.saveStep(d.id, {
    step: 'hosts',
    input: {
      hosts: [
        {
          hostId,
          paths: ['/srv'],
          excludes: ['*.tmp'],
          tags: ['web'],
          preHook: 'true',
          postHook: '',
          schedule: '30 2 * * *',
        },
      ],
    },
  });
  return d.id;
}

describe('onboarding state machine', () => {
  it('runs all seven steps and records what each made, in order', async () => {
    const id = await startFull();
    expect(service.resume(id).step).toBe('business');
    const d = await settle(id);
    expect(d.steps.map((s) => [s.step, s.status])).toEqual([
      ['business', 'done'],
      ['bucket', 'done'],
      ['keys', 'done'],
      ['repository', 'done'],
      ['hosts', 'done'],
      ['install', 'done'],
      ['firstBackup', 'done'],
    ]);
    expect(d.status).toBe('done');
    expect(d.currentStep).toBeNull();
    expect(d.resources.map((r) => r.kind)).toEqual([
      'business',
      'bucket',
      'policy',
      'secret',
      'user',
      'policy',
      'secret',
      'user',
      'secret',
      'repository',
      'plan',
      'runner',
    ]);
    expect(d.proof).toHaveLength(1);
    expect(d.steps.find((s) => s.step === 'bucket')?.commands.join('\n')).toContain(
      'mc mb minio-1/acme-backup',
    );
    expect(d.steps.find((s) => s.step === 'firstBackup')?.notes.join(' ')).toMatch(
      /daily check shows the business/,
    );
    // The runner got the HOST key, never the maintenance key.
    const host = JSON.parse((await secrets.get(onboardingSecrets.hostKey(id)))!);
    const maint = JSON.parse((await secrets.get(onboardingSecrets.maintenanceKey(id)))!);
    const planId = d.planIds[hostId]!;
    expect(runner.installedPlans.get(planId)).toEqual({
      AWS_ACCESS_KEY_ID: host.accessKey,
      AWS_SECRET_ACCESS_KEY: host.secretKey,
    });
    expect(minio.users.get(host.accessKey)?.policies).toEqual(['rfc-acme-backup-host']);
    expect(minio.users.get(maint.accessKey)?.policies).toEqual(['rfc-acme-backup-maintenance']);
    // The console's repository entry uses the maintenance key.
    const repoEnv = JSON.parse((await secrets.get(`repo:${d.repositoryIds.primary}:secret-env`))!);
    expect(repoEnv.AWS_ACCESS_KEY_ID).toBe(maint.accessKey);
    // No secret in the database.
    const dump =
      JSON.stringify(store.db.prepare('SELECT * FROM onboardings').all()) +
      JSON.stringify(store.db.prepare('SELECT * FROM onboarding_resources').all()) +
      JSON.stringify(store.db.prepare('SELECT * FROM onboarding_steps').all());
    expect(dump).not.toContain(host.secretKey);
    expect(dump).not.toContain(maint.secretKey);
    expect(dump).not.toContain((await secrets.get(onboardingSecrets.repoPassword(id)))!);
  });

  it('running a done step again checks what exists and makes nothing twice', async () => {
    const id = await startFull();
    service.resume(id);
    await settle(id);
    const before = service.get(id).resources.length;
    const callsBefore = minio.calls.filter((c) => /^(makeBucket|addUser)/.test(c)).length;
    for (const step of [
      'business',
      'bucket',
      'keys',
      'repository',
      'hosts',
      'install',
      'firstBackup',
    ] as const) {
      service.runStep(id, step);
      const d = await settle(id);
      expect(d.steps.find((s) => s.step === step)?.status, step).toBe('done');
    }
    const after = service.get(id);
    expect(after.resources.length).toBe(before);
    expect(minio.calls.filter((c) => /^(makeBucket|addUser)/.test(c)).length).toBe(callsBefore);
    expect(store.plans.list().length).toBe(1);
    expect(store.businesses.list().length).toBe(1);
    expect(runner.calls.filter((c) => c.startsWith('runNow'))).toHaveLength(1);
    expect(after.steps.find((s) => s.step === 'bucket')?.notes.join(' ')).toMatch(/exists already/);
  });

  it('stops where MinIO went away, shows what exists, and resumes to the end', async () => {
    const id = await startFull();
    service.runStep(id, 'business');
    await settle(id);
    service.runStep(id, 'bucket');
    await settle(id);
    service.runStep(id, 'keys');
    await settle(id);
    minio.down = true;
    service.runStep(id, 'repository');
    let d = await settle(id);
    expect(d.currentStep).toBe('repository');
    expect(d.lastError?.code).toBe('MINIO_UNREACHABLE');
    expect(d.steps.find((s) => s.step === 'repository')?.status).toBe('failed');
    expect(d.resources.map((r) => r.kind)).toEqual([
      'business',
      'bucket',
      'policy',
      'secret',
      'user',
      'policy',
      'secret',
      'user',
    ]);
    expect(service.list()[0]).toMatchObject({
      currentStep: 'repository',
      lastError: { code: 'MINIO_UNREACHABLE' },
      status: 'in_progress',
    });

    minio.down = false;
    service.resume(id);
    d = await settle(id);
    expect(d.status).toBe('done');
    expect(d.lastError).toBeNull();
    expect(minio.calls.filter((c) => c.startsWith('makeBucket'))).toHaveLength(1);
  });

  it('a step that failed half-way is finished by running it again, without leftovers', async () => {
    const id = await startFull();
    service.runStep(id, 'business');
    await settle(id);
    service.runStep(id, 'bucket');
    await settle(id);
    minio.failOnce.add('addUser');
    service.runStep(id, 'keys');
    let d = await settle(id);
    expect(d.steps.find((s) => s.step === 'keys')?.status).toBe('failed');
    service.runStep(id, 'keys');
    d = await settle(id);
    expect(d.steps.find((s) => s.step === 'keys')?.status).toBe('done');
    expect(minio.users.size).toBe(2);
    expect(d.resources.filter((r) => r.kind === 'user')).toHaveLength(2);
  });

  it('records a thing before making it: a reply lost after MinIO acted leaves nothing unseen', async () => {
    const id = await startFull();
    service.runStep(id, 'business');
    await settle(id);
    minio.failAfter.add('makeBucket');
    service.runStep(id, 'bucket');
    let d = await settle(id);
    expect(d.lastError?.code).toBe('TIMEOUT');
    expect(d.resources.map((r) => r.kind)).toEqual(['business', 'bucket']);
    // Running it again finds its own bucket, not a taken one.
    service.runStep(id, 'bucket');
    d = await settle(id);
    expect(d.steps.find((s) => s.step === 'bucket')?.status).toBe('done');
    minio.failAfter.add('addUser');
    minio.failOnce.add('attachPolicy');
    service.runStep(id, 'keys');
    d = await settle(id);
    expect(d.steps.find((s) => s.step === 'keys')?.status).toBe('failed');
    // The user MinIO made before the lost reply is recorded, so a rollback removes it.
    expect(d.resources.filter((r) => r.kind === 'user')).toHaveLength(1);
    expect(minio.users.size).toBe(1);
    service.rollback(id, 'Acme');
    d = await settle(id);
    expect(d.status).toBe('rolled_back');
    expect(minio.users.size).toBe(0);
    expect(minio.buckets.size).toBe(0);
    expect(minio.policies.size).toBe(0);
  });

  it('rolls back newest first, only what it made, behind the typed business name', async () => {
    const id = await startFull();
    service.resume(id);
    await settle(id);
    expect((await consoleError(() => service.rollback(id, 'acme'))).code).toBe('BAD_REQUEST');
    expect(service.get(id).status).toBe('done');

    const calls = minio.calls.length;
    service.rollback(id, 'Acme');
    const d = await settle(id);
    expect(d.status).toBe('rolled_back');
    expect(d.resources.every((r) => r.removedAt !== null)).toBe(true);
    const undo = minio.calls
      .slice(calls)
      .filter((c) => /^remove/.test(c))
      .map((c) => c.split(' ')[0]);
    expect(undo).toEqual(['removeUser', 'removePolicy', 'removeUser', 'removePolicy', 'removeBucket']);
    expect(runner.calls.at(-1)).toMatch(/^uninstall/);
    expect(store.businesses.list()).toEqual([]);
    expect(await store.repositories.list()).toEqual([]);
    expect(store.plans.list()).toEqual([]);
    expect(
      [...secrets.values.keys()].filter((k) => k.startsWith('onboarding:') || k.startsWith('repo:')),
    ).toEqual([]);
    expect(minio.buckets.size).toBe(0);
    expect((await consoleError(() => service.resume(id))).code).toBe('CONFLICT');
  });

  it('leaves what it did not make: a taken bucket and an existing business', async () => {
    const existing = store.businesses.create({ name: 'Globex' });
    minio.buckets.set('taken-bucket', {
      lock: false,
      versioning: false,
      years: null,
      quota: null,
      objects: 3,
    });
    const d0 = service.start({
      existingBusinessId: existing.id,
      name: 'Globex',
      ownerContact: '',
      freshnessTargetHours: 26,
      retention: { keepLast: 3 },
    });
    service.saveStep(d0.id, {
      step: 'bucket',
      input: {
        minioId: 'minio-1',
        bucket: 'taken-bucket',
        versioning: true,
        objectLockYears: null,
        quotaBytes: null,
      },
    });
    service.resume(d0.id);
    let d = await settle(d0.id);
    expect(d.steps[0]?.status).toBe('done');
    expect(d.currentStep).toBe('bucket');
    expect(d.lastError?.code).toBe('BUCKET_TAKEN');
    expect(d.resources).toEqual([]);
    service.rollback(d0.id, 'Globex');
    d = await settle(d0.id);
    expect(d.status).toBe('rolled_back');
    expect(minio.buckets.has('taken-bucket')).toBe(true);
    expect(store.businesses.list().map((b) => b.name)).toEqual(['Globex']);
  });

  it('a rollback that meets object-lock retention keeps going and reports what stays', async () => {
    const id = await startFull();
    service.saveStep(id, {
      step: 'bucket',
      input: {
        minioId: 'minio-1',
        bucket: 'acme-backup',
        versioning: true,
        objectLockYears: 1,
        quotaBytes: null,
      },
    });
    service.resume(id);
    await settle(id);
    minio.buckets.get('acme-backup')!.objects = 10;
    service.rollback(id, 'Acme');
    const d = await settle(id);
    expect(d.status).toBe('rolling_back');
    expect(d.lastError?.message).toMatch(/bucket "acme-backup"/);
    const bucket = d.resources.find((r) => r.kind === 'bucket');
    expect(bucket?.removedAt).toBeNull();
    expect(bucket?.removeError?.code).toBe('CONFLICT');
    expect(d.resources.filter((r) => r.kind !== 'bucket').every((r) => r.removedAt !== null)).toBe(true);
    expect(d.steps.find((s) => s.step === 'bucket')?.notes.join(' ')).toMatch(
      /prune frees no space until the retention ends/,
    );
  });

  it('refuses bad input and out-of-order steps with typed errors, changing nothing', async () => {
    const d = service.start({
      name: 'Initech',
      ownerContact: '',
      freshnessTargetHours: 26,
      retention: { keepLast: 3 },
    });
    const bad = await consoleError(() =>
      service.saveStep(d.id, {
        step: 'bucket',
        input: {
          minioId: 'm',
          bucket: 'Bad_Bucket',
          versioning: true,
          objectLockYears: null,
          quotaBytes: null,
        },
      }),
    );
    expect(bad.code).toBe('BUCKET_INVALID');
    expect(service.get(d.id).inputs.bucket).toBeUndefined();
    expect((await consoleError(() => service.runStep(d.id, 'keys'))).code).toBe('CONFLICT');
    expect((await consoleError(() => service.runStep(d.id, 'bucket'))).code).toBe('CONFLICT');
    const cron = await consoleError(() =>
      service.saveStep(d.id, {
        step: 'hosts',
        input: {
          hosts: [
            {
              hostId,
              paths: ['/srv'],
              excludes: [],
              tags: [],
              preHook: '',
              postHook: '',
              schedule: '99 * * * *',
            },
          ],
        },
      }),
    );
    expect(cron.code).toBe('BAD_REQUEST');
    expect(store.businesses.list()).toEqual([]);
    const check = await service.validateBucket('m', 'ab');
    expect(check).toMatchObject({ valid: false, taken: null });
    minio.buckets.set('in-use', { lock: false, versioning: false, years: null, quota: null, objects: 0 });
    expect(await service.validateBucket('m', 'in-use')).toMatchObject({ valid: true, taken: true });
    minio.down = true;
    expect((await service.validateBucket('m', 'free-one')).error?.code).toBe('MINIO_UNREACHABLE');
  });

  it('a step the console stopped in the middle of is marked failed at the next start', async () => {
    const d = service.start({
      name: 'Umbrella',
      ownerContact: '',
      freshnessTargetHours: 26,
      retention: { keepLast: 3 },
    });
    store.db
      .prepare(`UPDATE onboarding_steps SET status = 'running' WHERE onboarding_id = ? AND step = 'business'`)
      .run(d.id);
    service = makeService();
    const after = service.get(d.id);
    expect(after.steps[0]).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    expect(after.lastError?.message).toMatch(/console stopped/);
  });
});
