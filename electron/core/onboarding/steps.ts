/**
 * The seven onboarding steps. Each one first looks at what exists (in the
 * inventory, on the MinIO server, on the host), then does only what is
 * missing, and records everything it created so a rollback can undo
 * exactly that. Running a step twice is therefore safe, and a step that
 * failed half-way is finished by running it again.
 */
import { randomBytes } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import {
  ConsoleError,
  type OnboardingInputs,
  type OnboardingResource,
  type OnboardingStep,
  type Repo,
} from '../../../shared';
import type { JobContext } from '../jobs/job-manager';
import { LOCAL_HOST_ID } from '../inventory/inventory';
import type { SecretStore } from '../secrets/secret-store';
import type { Store } from '../store/store';
import { hostKeyPolicy, maintenanceKeyPolicy, policyNames, type PolicyDocument } from './policies';
import type { OnboardingPorts, RunnerPort, S3Credentials } from './ports';
import type { OnboardingState, OnboardingStore } from './store';

/** Secret names of what an onboarding generates (values only ever in the secret store). */
export const onboardingSecrets = {
  hostKey: (id: string) => `onboarding:${id}:host-key`,
  maintenanceKey: (id: string) => `onboarding:${id}:maintenance-key`,
  offsiteKey: (id: string) => `onboarding:${id}:offsite-key`,
  repoPassword: (id: string) => `onboarding:${id}:repo-password`,
} as const;

export interface RepositoryAddInput {
  name: string;
  location: string;
  hostId: string;
  businessId?: string;
  role?: 'primary' | 'offsite';
  password: string;
  secretEnv?: Record<string, string>;
  init?: boolean;
}

/** What the core offers the steps (the composition root binds these to the real services). */
export interface StepCore {
  store: Store;
  secrets: SecretStore;
  /** Whether a restic repository exists at `location` (restic cat config with these credentials); REPO_NOT_FOUND means no. */
  probeRepository(
    location: string,
    password: string,
    secretEnv: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ exists: boolean; command: string }>;
  /** Opens an inventory repository with its stored password and keys (restic cat config); returns the command. */
  openRepository(repoId: string, signal: AbortSignal): Promise<string>;
  /** The repository's snapshots with a tag (restic snapshots --no-lock --tag), as the console reads them. */
  taggedSnapshots(
    repoId: string,
    tag: string,
    signal: AbortSignal,
  ): Promise<{ snapshots: { id: string; time: string }[]; command: string }>;
  /** repos.add of the repository service (init or add, audited). */
  addRepository(input: RepositoryAddInput): Promise<Repo>;
  /** Starts the daily check; resolves when it ended. */
  runDailyCheck(): Promise<{ checkId: string }>;
}

export interface StepRun {
  readonly id: string;
  readonly inputs: OnboardingInputs;
  readonly store: OnboardingStore;
  readonly ports: OnboardingPorts;
  readonly core: StepCore;
  readonly job: Pick<JobContext, 'log' | 'signal' | 'addSecret' | 'setCommand'>;
  /** An equivalent command (secrets masked) for the step's record and log. */
  command(line: string): void;
  /** What the step found or did, in words. */
  note(text: string): void;
  record(kind: OnboardingResource['kind'], ref: string, label: string, data?: Record<string, string>): void;
  /** Takes back a record made before an action that then made nothing. */
  unrecord(kind: OnboardingResource['kind'], ref: string): void;
}

/**
 * Records a thing before the action that makes it, so an action that fails
 * half-way (a timeout after the server acted) never leaves something
 * unrecorded. When it fails, the record stays only if the thing exists
 * (or nobody can tell): a rollback's undo checks existence first.
 */
async function recordedAction(
  run: StepRun,
  kind: OnboardingResource['kind'],
  ref: string,
  label: string,
  data: Record<string, string>,
  act: () => Promise<void>,
  exists: () => Promise<boolean>,
): Promise<void> {
  run.record(kind, ref, label, data);
  try {
    await act();
  } catch (error) {
    const taken = error instanceof ConsoleError && error.code === 'BUCKET_TAKEN';
    const there = taken ? false : await exists().catch(() => true);
    if (!there) run.unrecord(kind, ref);
    throw error;
  }
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ConsoleError('CONFLICT', `${what} is not saved yet.`);
  return value;
}

/** A random S3 access key id (MinIO accepts 3 to 20 characters) and secret. */
export function generateCredentials(kind: 'h' | 'm' | 'o'): S3Credentials {
  return {
    accessKey: `rfc${kind}${randomBytes(8).toString('hex')}`,
    secretKey: randomBytes(30).toString('base64url'),
  };
}

export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}

export function s3Location(endpoint: string, bucket: string): string {
  return `s3:${endpoint.replace(/\/+$/, '')}/${bucket}`;
}

export function awsEnv(key: S3Credentials): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: key.accessKey, AWS_SECRET_ACCESS_KEY: key.secretKey };
}

export async function readKey(secrets: SecretStore, name: string): Promise<S3Credentials | undefined> {
  const text = await secrets.get(name);
  return text === undefined ? undefined : (JSON.parse(text) as S3Credentials);
}

/** Validates a cron expression and gives its next runs (the wizard's own check; the runner shows the preview). */
export function checkCron(expression: string, count = 5): Date[] {
  try {
    const it = CronExpressionParser.parse(expression, { currentDate: new Date() });
    return it.take(count).map((d) => d.toDate());
  } catch (error) {
    throw new ConsoleError(
      'BAD_REQUEST',
      `"${expression}" is not a cron schedule: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

// ---------------------------------------------------------------- step 1

async function businessStep(run: StepRun): Promise<void> {
  const input = need(run.inputs.business, 'Step 1 (business)');
  const { businesses } = run.core.store;
  if (input.existingBusinessId) {
    const existing = businesses.get(input.existingBusinessId);
    run.store.setBusinessId(run.id, existing.id);
    run.note(`Uses the existing business "${existing.name}" (a rollback leaves it).`);
    return;
  }
  const ownedId = run.store.businessId(run.id);
  if (ownedId && run.store.owns(run.id, 'business', ownedId)) {
    const found = businesses.list().find((b) => b.id === ownedId);
    if (found) {
      businesses.update(ownedId, {
        name: input.name,
        ownerContact: input.ownerContact,
        freshnessTargetHours: input.freshnessTargetHours,
      });
      run.note(
        `Business "${input.name}" exists already (made by this onboarding); its details are up to date.`,
      );
      return;
    }
  }
  const clash = businesses.findByName(input.name);
  if (clash) {
    throw new ConsoleError(
      'CONFLICT',
      `A business named "${clash.name}" is already in the inventory. Pick it as an existing business, or choose another name.`,
    );
  }
  const created = businesses.create({
    name: input.name,
    ownerContact: input.ownerContact,
    freshnessTargetHours: input.freshnessTargetHours,
  });
  run.store.setBusinessId(run.id, created.id);
  run.record('business', created.id, `business "${created.name}"`);
  run.note(`Business "${created.name}" added.`);
}

// ---------------------------------------------------------------- step 2

export function requireValidBucket(run: Pick<StepRun, 'ports'>, bucket: string): void {
  const problems = run.ports.minio.bucketNameProblems(bucket);
  if (problems.length > 0) {
    throw new ConsoleError(
      'BUCKET_INVALID',
      `"${bucket}" is not a valid bucket name: ${problems.join('; ')}.`,
      { problems },
    );
  }
}

/** Makes the bucket (or finds the one this onboarding made) with versioning, object lock and quota as asked. */
async function ensureBucket(
  run: StepRun,
  step: OnboardingStep,
  minioId: string,
  bucket: string,
  want: { versioning: boolean; objectLockYears: number | null; quotaBytes: number | null },
): Promise<void> {
  const { minio } = run.ports;
  requireValidBucket(run, bucket);
  await minio.probe(minioId);
  const ref = `${minioId}/${bucket}`;
  const alias = await minio.alias(minioId);
  if (await minio.bucketExists(minioId, bucket)) {
    if (!run.store.owns(run.id, 'bucket', ref)) {
      throw new ConsoleError(
        'BUCKET_TAKEN',
        `A bucket named "${bucket}" already exists on this MinIO and was not made by this onboarding; choose another name.`,
      );
    }
    run.note(`Bucket "${bucket}" exists already (made by this onboarding).`);
    if (want.objectLockYears !== null && !(await minio.bucketObjectLock(minioId, bucket))) {
      throw new ConsoleError(
        'CONFLICT',
        `Bucket "${bucket}" was made without object lock, which can only be turned on when a bucket is made. Roll back and start again to have it.`,
      );
    }
  } else {
    await recordedAction(
      run,
      'bucket',
      ref,
      `bucket "${bucket}"`,
      { minioId, bucket },
      () => minio.makeBucket(minioId, bucket, { objectLock: want.objectLockYears !== null }),
      () => minio.bucketExists(minioId, bucket),
    );
    run.command(`mc mb ${want.objectLockYears !== null ? '--with-lock ' : ''}${alias}/${bucket}`);
    run.note(`Bucket "${bucket}" made${want.objectLockYears !== null ? ' with object lock' : ''}.`);
  }
  // Object lock needs versioning; MinIO turns it on with the lock, asking again is harmless.
  if (
    (want.versioning || want.objectLockYears !== null) &&
    !(await minio.versioningEnabled(minioId, bucket))
  ) {
    await minio.enableVersioning(minioId, bucket);
    run.command(`mc version enable ${alias}/${bucket}`);
    run.note('Versioning turned on: an overwritten or deleted object keeps its earlier version.');
  }
  if (
    want.objectLockYears !== null &&
    (await minio.lockRetentionYears(minioId, bucket)) !== want.objectLockYears
  ) {
    await minio.setLockRetentionYears(minioId, bucket, want.objectLockYears);
    run.command(`mc retention set --default COMPLIANCE ${want.objectLockYears}y ${alias}/${bucket}`);
    run.note(
      `Object lock: COMPLIANCE retention of ${want.objectLockYears} year(s). Nobody can delete a backup object before then, so prune frees no space until the retention ends.`,
    );
  }
  if (want.quotaBytes !== null && (await minio.quotaBytes(minioId, bucket)) !== want.quotaBytes) {
    await minio.setQuotaBytes(minioId, bucket, want.quotaBytes);
    run.command(`mc quota set ${alias}/${bucket} --size ${want.quotaBytes}`);
    run.note(`Hard quota of ${want.quotaBytes} bytes: writes beyond it are refused.`);
  }
}

async function bucketStep(run: StepRun): Promise<void> {
  const input = need(run.inputs.bucket, 'Step 2 (bucket)');
  await ensureBucket(run, 'bucket', input.minioId, input.bucket, input);
}

// ---------------------------------------------------------------- step 3

/**
 * A MinIO user with one bucket-scoped policy, its credentials in the secret
 * store. Reuses the user this onboarding made when it and its secret still
 * exist; otherwise makes a new one.
 */
async function ensureKey(
  run: StepRun,
  minioId: string,
  policyName: string,
  policy: PolicyDocument,
  secretName: string,
  stateKey: 'hostAccessKey' | 'maintenanceAccessKey' | 'offsiteAccessKey',
  kind: 'h' | 'm' | 'o',
  what: string,
): Promise<S3Credentials> {
  const { minio } = run.ports;
  const alias = await minio.alias(minioId);
  const policyExisted = await minio.policyExists(minioId, policyName);
  if (policyExisted && !run.store.owns(run.id, 'policy', `${minioId}/${policyName}`)) {
    throw new ConsoleError(
      'CONFLICT',
      `A policy named "${policyName}" already exists on this MinIO and was not made by this onboarding.`,
    );
  }
  // Writing the document again is how a changed policy text reaches the server: cheap and idempotent.
  if (policyExisted) await minio.putPolicy(minioId, policyName, policy);
  else
    await recordedAction(
      run,
      'policy',
      `${minioId}/${policyName}`,
      `policy "${policyName}"`,
      { minioId, name: policyName },
      () => minio.putPolicy(minioId, policyName, policy),
      () => minio.policyExists(minioId, policyName),
    );
  run.command(`mc admin policy create ${alias} ${policyName} ${policyName}.json`);

  const known = run.store.state(run.id)[stateKey];
  let key = await readKey(run.core.secrets, secretName);
  if (key && known === key.accessKey && (await minio.userExists(minioId, key.accessKey))) {
    run.note(`The ${what} (${key.accessKey}) exists already.`);
  } else {
    key = generateCredentials(kind);
    run.job.addSecret(key.secretKey);
    // Secret first: a user on the server whose secret was lost would be useless.
    await run.core.secrets.set(secretName, JSON.stringify(key));
    run.record('secret', secretName, `${what} credentials in the secret store`);
    const made = key;
    await recordedAction(
      run,
      'user',
      `${minioId}/${made.accessKey}`,
      `MinIO user ${made.accessKey} (${what})`,
      { minioId, accessKey: made.accessKey },
      () => minio.addUser(minioId, made),
      () => minio.userExists(minioId, made.accessKey),
    );
    run.command(`mc admin user add ${alias} ${key.accessKey} ***`);
    run.store.patchState(run.id, { [stateKey]: key.accessKey } as Partial<OnboardingState>);
    run.note(`The ${what} ${key.accessKey} was made.`);
  }
  await minio.attachPolicy(minioId, key.accessKey, policyName);
  run.command(`mc admin policy attach ${alias} ${policyName} --user ${key.accessKey}`);
  return key;
}

async function keysStep(run: StepRun): Promise<void> {
  const bucket = need(run.inputs.bucket, 'Step 2 (bucket)');
  await run.ports.minio.probe(bucket.minioId);
  const names = policyNames(bucket.bucket);
  await ensureKey(
    run,
    bucket.minioId,
    names.host,
    hostKeyPolicy(bucket.bucket),
    onboardingSecrets.hostKey(run.id),
    'hostAccessKey',
    'h',
    'host key',
  );
  await ensureKey(
    run,
    bucket.minioId,
    names.maintenance,
    maintenanceKeyPolicy(bucket.bucket),
    onboardingSecrets.maintenanceKey(run.id),
    'maintenanceAccessKey',
    'm',
    'maintenance key',
  );
  run.note(
    'The host key can read and write backups but delete only lock files; the maintenance key stays with the console.',
  );
}

// ---------------------------------------------------------------- step 4

async function repositoryPassword(run: StepRun): Promise<string> {
  const name = onboardingSecrets.repoPassword(run.id);
  const existing = await run.core.secrets.get(name);
  if (existing !== undefined) return existing;
  const password = generatePassword();
  run.job.addSecret(password);
  await run.core.secrets.set(name, password);
  run.record('secret', name, 'repository password in the secret store');
  return password;
}

/** The console's entry for a repository in `bucket`, initialised when it is not there yet. */
async function ensureRepository(
  run: StepRun,
  role: 'primary' | 'offsite',
  minioId: string,
  bucket: string,
  key: S3Credentials,
  password: string,
  name: string,
): Promise<string> {
  const location = s3Location(await run.ports.minio.endpoint(minioId), bucket);
  const ids = run.store.state(run.id).repositoryIds ?? { primary: null, offsite: null };
  const knownId = ids[role];
  if (knownId && (await run.core.store.repositories.list()).some((r) => r.id === knownId)) {
    run.command(await run.core.openRepository(knownId, run.job.signal));
    run.note(`The ${role} repository exists already and opens with its password.`);
    return knownId;
  }
  const { exists, command } = await run.core.probeRepository(location, password, awsEnv(key), run.job.signal);
  run.command(command);
  const businessId = run.store.businessId(run.id);
  const repo = await run.core.addRepository({
    name,
    location,
    hostId: LOCAL_HOST_ID,
    ...(businessId ? { businessId } : {}),
    role,
    password,
    secretEnv: awsEnv(key),
    init: !exists,
  });
  run.record('repository', repo.id, `${role} repository "${repo.name}" (inventory entry)`);
  run.store.patchState(run.id, { repositoryIds: { ...ids, [role]: repo.id } });
  run.note(
    exists
      ? `The ${role} repository was there already (an earlier run made it); it is in the inventory now.`
      : `The ${role} repository was made (restic init).`,
  );
  return repo.id;
}

async function repositoryStep(run: StepRun): Promise<void> {
  const bucket = need(run.inputs.bucket, 'Step 2 (bucket)');
  const business = need(run.inputs.business, 'Step 1 (business)');
  const input = run.inputs.repository ?? { offsite: null };
  await run.ports.minio.probe(bucket.minioId);
  const maintenance = await readKey(run.core.secrets, onboardingSecrets.maintenanceKey(run.id));
  if (!maintenance)
    throw new ConsoleError('CONFLICT', 'The maintenance key is missing: run step 3 (keys) again.');
  const password = await repositoryPassword(run);
  await ensureRepository(
    run,
    'primary',
    bucket.minioId,
    bucket.bucket,
    maintenance,
    password,
    input.name ?? `${business.name} primary`,
  );

  if (input.offsite) {
    const { minioId, bucket: offsiteBucket } = input.offsite;
    await ensureBucket(run, 'repository', minioId, offsiteBucket, {
      versioning: true,
      objectLockYears: null,
      quotaBytes: null,
    });
    const key = await ensureKey(
      run,
      minioId,
      policyNames(offsiteBucket).maintenance,
      maintenanceKeyPolicy(offsiteBucket),
      onboardingSecrets.offsiteKey(run.id),
      'offsiteAccessKey',
      'o',
      'offsite key',
    );
    await ensureRepository(run, 'offsite', minioId, offsiteBucket, key, password, `${business.name} offsite`);
  }
}

// ---------------------------------------------------------------- step 5

async function hostsStep(run: StepRun): Promise<void> {
  const input = need(run.inputs.hosts, 'Step 5 (hosts and plans)');
  const business = need(run.inputs.business, 'Step 1 (business)');
  const businessId = run.store.businessId(run.id);
  const repoId = run.store.state(run.id).repositoryIds?.primary;
  if (!businessId || !repoId)
    throw new ConsoleError('CONFLICT', 'Steps 1 and 4 must be done before plans can be made.');
  const { hosts, plans } = run.core.store;
  const planIds = { ...(run.store.state(run.id).planIds ?? {}) };
  for (const h of input.hosts) {
    const host = await hosts.get(h.hostId);
    checkCron(h.schedule);
    const fields = {
      paths: h.paths,
      excludes: h.excludes,
      tags: h.tags,
      schedule: h.schedule,
      retention: business.retention,
    };
    const known = planIds[h.hostId];
    if (known && plans.list({ businessId }).some((p) => p.id === known)) {
      plans.update(known, fields);
      run.note(`Plan for ${host.name} exists already; updated to the saved paths and schedule.`);
      continue;
    }
    const plan = plans.create({
      name: host.name,
      businessId,
      hostId: host.id,
      repositoryId: repoId,
      ...fields,
    });
    planIds[h.hostId] = plan.id;
    run.store.patchState(run.id, { planIds });
    run.record('plan', plan.id, `plan "${plan.name}" on ${host.name}`, { hostId: host.id });
    run.note(`Plan for ${host.name} made (${h.paths.join(', ')}, ${h.schedule}).`);
  }
  // Hosts taken out of the list since an earlier run: their plans (made here) go too.
  for (const [hostId, planId] of Object.entries(planIds)) {
    if (input.hosts.some((h) => h.hostId === hostId)) continue;
    if (run.store.owns(run.id, 'plan', planId)) {
      if (run.store.owns(run.id, 'runner', `${hostId}/${planId}`)) {
        throw new ConsoleError(
          'CONFLICT',
          'A host taken out of the list still has the runner installed; roll back instead.',
        );
      }
      plans.remove(planId);
      const res = run.store.resources(run.id).find((r) => r.kind === 'plan' && r.ref === planId);
      if (res) run.store.resourceRemoved(res.id);
    }
    delete planIds[hostId];
    run.store.patchState(run.id, { planIds });
    run.note(`Plan ${planId} removed: its host is no longer picked.`);
  }
}

// ---------------------------------------------------------------- step 6

async function installStep(run: StepRun): Promise<void> {
  const input = need(run.inputs.hosts, 'Step 5 (hosts and plans)');
  const bucket = need(run.inputs.bucket, 'Step 2 (bucket)');
  const planIds = run.store.state(run.id).planIds ?? {};
  // The HOST key, never the maintenance key: a host must not be able to delete its backups.
  const hostKey = await readKey(run.core.secrets, onboardingSecrets.hostKey(run.id));
  if (!hostKey) throw new ConsoleError('CONFLICT', 'The host key is missing: run step 3 (keys) again.');
  await run.ports.minio.probe(bucket.minioId);
  run.job.log('MinIO answers; the hosts will reach it with the host key.', 'info');
  for (const h of input.hosts) {
    const planId = planIds[h.hostId];
    if (!planId)
      throw new ConsoleError('CONFLICT', 'Step 5 has not made a plan for every picked host; run it again.');
    const host = await run.core.store.hosts.get(h.hostId);
    run.job.log(`Installing the runner on ${host.name} over SSH…`, 'info');
    let result: Awaited<ReturnType<RunnerPort['install']>> | undefined;
    await recordedAction(
      run,
      'runner',
      `${h.hostId}/${planId}`,
      `runner for plan on ${host.name}`,
      { hostId: h.hostId, planId },
      async () => {
        result = await run.ports.runner.install(
          {
            hostId: h.hostId,
            planId,
            hostSecretEnv: awsEnv(hostKey),
            schedule: h.schedule,
            preHook: h.preHook,
            postHook: h.postHook,
            log: (line) => run.job.log(line, 'info'),
          },
          run.job.signal,
        );
      },
      () => run.ports.runner.installed(h.hostId, planId),
    );
    if (!result) throw new ConsoleError('INTERNAL', 'The runner install returned nothing.');
    for (const c of result.commands) run.command(c);
    run.note(`Runner installed on ${host.name}, scheduled by ${result.scheduler}.`);
  }
  if (run.store.state(run.id).repositoryIds?.offsite) {
    // restic copy runs in one process with one set of S3 keys; the two sites' keys differ.
    run.note(
      'The offsite repository is not copied to by the runners: restic copy needs one S3 key that reaches both sites. Copy from the console, or give the runner a key for both.',
    );
  }
}

// ---------------------------------------------------------------- step 7

async function firstBackupStep(run: StepRun): Promise<void> {
  const input = need(run.inputs.hosts, 'Step 5 (hosts and plans)');
  const state = run.store.state(run.id);
  const planIds = state.planIds ?? {};
  const repoId = state.repositoryIds?.primary;
  if (!repoId) throw new ConsoleError('CONFLICT', 'Step 4 (repository) is not done.');
  const proof = [...(state.proof ?? [])];
  for (const h of input.hosts) {
    const planId = planIds[h.hostId];
    if (!planId)
      throw new ConsoleError('CONFLICT', 'Step 5 has not made a plan for every picked host; run it again.');
    const host = await run.core.store.hosts.get(h.hostId);
    const tag = `plan:${planId}`;
    const already = proof.find((p) => p.planId === planId);
    if (already) {
      const still = await run.core.taggedSnapshots(repoId, tag, run.job.signal);
      if (still.snapshots.some((s) => s.id === already.snapshotId)) {
        run.note(
          `${host.name}: the first backup (${already.snapshotId.slice(0, 8)}) is in the repository already.`,
        );
        continue;
      }
    }
    const result = await run.ports.runner.runNow(h.hostId, planId, run.job.signal);
    for (const c of result.commands) run.command(c);
    if (result.exitCode !== 0 && result.exitCode !== 3) {
      throw new ConsoleError(
        'RESTIC_FAILED',
        `The first backup on ${host.name} failed (exit ${result.exitCode}); see the log.`,
      );
    }
    // Proof: ask the repository itself (with the console's key), not the runner.
    const { snapshots: snaps, command } = await run.core.taggedSnapshots(repoId, tag, run.job.signal);
    run.command(command);
    const found = result.snapshotId
      ? snaps.find((s) => s.id === result.snapshotId || s.id.startsWith(result.snapshotId ?? '-'))
      : snaps.at(-1);
    if (!found) {
      throw new ConsoleError(
        'SNAPSHOT_NOT_FOUND',
        `The runner on ${host.name} reported success, but the repository has no snapshot for its plan.`,
      );
    }
    const entry = { planId, hostId: h.hostId, snapshotId: found.id, time: found.time };
    const at = proof.findIndex((p) => p.planId === planId);
    if (at >= 0) proof[at] = entry;
    else proof.push(entry);
    run.store.patchState(run.id, { proof });
    run.note(`${host.name}: snapshot ${found.id.slice(0, 8)} is in the repository.`);
  }
  const check = await run.core.runDailyCheck();
  const businessId = run.store.businessId(run.id);
  const items = run.core.store.dailyChecks.items(check.checkId).filter((i) => i.businessId === businessId);
  if (items.length === 0) {
    throw new ConsoleError('INTERNAL', 'The daily check ran but shows nothing for this business.');
  }
  const failing = items.filter((i) => i.status !== 'ok');
  run.note(
    failing.length === 0
      ? `The daily check shows the business with ${items.length} item(s), all ok.`
      : `The daily check shows the business; ${failing.length} of ${items.length} item(s) need a look: ${failing.map((i) => i.reason).join('; ')}`,
  );
}

export const STEP_RUNNERS: Record<OnboardingStep, (run: StepRun) => Promise<void>> = {
  business: businessStep,
  bucket: bucketStep,
  keys: keysStep,
  repository: repositoryStep,
  hosts: hostsStep,
  install: installStep,
  firstBackup: firstBackupStep,
};

export const STEP_TITLES: Record<OnboardingStep, string> = {
  business: 'business',
  bucket: 'bucket',
  keys: 'keys',
  repository: 'repository',
  hosts: 'hosts and plans',
  install: 'install on the hosts',
  firstBackup: 'first backup and proof',
};
