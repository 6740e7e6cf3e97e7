// In-memory stand-ins for the onboarding ports, for the state machine's unit
// tests only (the integration tests use real MinIO, sshd and restic). Each
// keeps a call log so tests can check order and idempotence.
import { ConsoleError, bucketNameProblem } from '../../../shared';
import type { PolicyDocument } from '../../../electron/core/onboarding/policies';
import type { MinioPort, RunnerPort, S3Credentials } from '../../../electron/core/onboarding/ports';

export class FakeMinio implements MinioPort {
  readonly calls: string[] = [];
  readonly buckets = new Map<
    string,
    { lock: boolean; versioning: boolean; years: number | null; quota: number | null; objects: number }
  >();
  readonly policies = new Map<string, PolicyDocument>();
  readonly users = new Map<string, { secret: string; policies: string[] }>();
  down = false;
  /** Fail the next call of this name once (e.g. 'addUser'). */
  failOnce = new Set<string>();
  /** Do the next call of this name, then fail as a timeout would (the server acted, the reply was lost). */
  failAfter = new Set<string>();

  private touch(name: string, detail = ''): void {
    if (this.down)
      throw new ConsoleError('MINIO_UNREACHABLE', 'MinIO at http://fake is unreachable: connection refused.');
    if (this.failOnce.delete(name)) throw new ConsoleError('MINIO_ERROR', `${name} failed (injected)`);
    this.calls.push(detail ? `${name} ${detail}` : name);
  }

  bucketNameProblems(name: string): string[] {
    const p = bucketNameProblem(name);
    return p ? [p] : [];
  }
  async alias(minioId: string): Promise<string> {
    return minioId;
  }
  async endpoint(): Promise<string> {
    return 'http://127.0.0.1:9';
  }
  async probe(): Promise<void> {
    this.touch('probe');
  }
  async bucketExists(_id: string, bucket: string): Promise<boolean> {
    this.touch('bucketExists', bucket);
    return this.buckets.has(bucket);
  }
  async makeBucket(_id: string, bucket: string, s: { objectLock: boolean }): Promise<void> {
    this.touch('makeBucket', bucket);
    this.buckets.set(bucket, {
      lock: s.objectLock,
      versioning: s.objectLock,
      years: null,
      quota: null,
      objects: 0,
    });
    if (this.failAfter.delete('makeBucket'))
      throw new ConsoleError('TIMEOUT', 'MinIO did not answer in time.');
  }
  async bucketObjectLock(_id: string, bucket: string): Promise<boolean> {
    return this.buckets.get(bucket)?.lock ?? false;
  }
  async versioningEnabled(_id: string, bucket: string): Promise<boolean> {
    return this.buckets.get(bucket)?.versioning ?? false;
  }
  async enableVersioning(_id: string, bucket: string): Promise<void> {
    this.touch('enableVersioning', bucket);
    this.buckets.get(bucket)!.versioning = true;
  }
  async lockRetentionYears(_id: string, bucket: string): Promise<number | null> {
    return this.buckets.get(bucket)?.years ?? null;
  }
  async setLockRetentionYears(_id: string, bucket: string, years: number): Promise<void> {
    this.touch('setLockRetentionYears', `${bucket} ${years}`);
    this.buckets.get(bucket)!.years = years;
  }
  async quotaBytes(_id: string, bucket: string): Promise<number | null> {
    return this.buckets.get(bucket)?.quota ?? null;
  }
  async setQuotaBytes(_id: string, bucket: string, bytes: number): Promise<void> {
    this.touch('setQuotaBytes', `${bucket} ${bytes}`);
    this.buckets.get(bucket)!.quota = bytes;
  }
  async removeBucket(_id: string, bucket: string): Promise<void> {
    this.touch('removeBucket', bucket);
    const b = this.buckets.get(bucket);
    if (b?.years && b.objects > 0) throw new ConsoleError('CONFLICT', 'object versions under retention');
    this.buckets.delete(bucket);
  }
  async policyExists(_id: string, name: string): Promise<boolean> {
    this.touch('policyExists', name);
    return this.policies.has(name);
  }
  async putPolicy(_id: string, name: string, doc: PolicyDocument): Promise<void> {
    this.touch('putPolicy', name);
    this.policies.set(name, doc);
  }
  async removePolicy(_id: string, name: string): Promise<void> {
    this.touch('removePolicy', name);
    if ([...this.users.values()].some((u) => u.policies.includes(name)))
      throw new ConsoleError('MINIO_ERROR', 'policy in use');
    this.policies.delete(name);
  }
  async userExists(_id: string, accessKey: string): Promise<boolean> {
    this.touch('userExists', accessKey);
    return this.users.has(accessKey);
  }
  async addUser(_id: string, key: S3Credentials): Promise<void> {
    this.touch('addUser', key.accessKey);
    this.users.set(key.accessKey, { secret: key.secretKey, policies: [] });
    if (this.failAfter.delete('addUser')) throw new ConsoleError('TIMEOUT', 'MinIO did not answer in time.');
  }
  async attachPolicy(_id: string, accessKey: string, policy: string): Promise<void> {
    this.touch('attachPolicy', `${accessKey} ${policy}`);
    const u = this.users.get(accessKey)!;
    if (!u.policies.includes(policy)) u.policies.push(policy);
  }
  async removeUser(_id: string, accessKey: string): Promise<void> {
    this.touch('removeUser', accessKey);
    this.users.delete(accessKey);
  }
}

export class FakeRunner implements RunnerPort {
  readonly calls: string[] = [];
  readonly installedPlans = new Map<string, Record<string, string>>();
  /** Snapshots per plan tag, shared with the fake repository. */
  readonly snapshots = new Map<string, { id: string; time: string }[]>();
  private n = 0;

  async installed(_hostId: string, planId: string): Promise<boolean> {
    return this.installedPlans.has(planId);
  }
  async install(request: Parameters<RunnerPort['install']>[0]) {
    this.calls.push(`install ${request.planId}`);
    this.installedPlans.set(request.planId, request.hostSecretEnv);
    return { scheduler: 'cron', commands: [`rfc-control install ${request.planId}`] };
  }
  async uninstall(_hostId: string, planId: string): Promise<void> {
    this.calls.push(`uninstall ${planId}`);
    this.installedPlans.delete(planId);
  }
  async runNow(_hostId: string, planId: string) {
    this.calls.push(`runNow ${planId}`);
    const id = (++this.n).toString(16).padStart(64, 'a');
    const list = this.snapshots.get(`plan:${planId}`) ?? [];
    list.push({ id, time: new Date().toISOString() });
    this.snapshots.set(`plan:${planId}`, list);
    return { exitCode: 0, snapshotId: id, commands: [`rfc-control run ${planId}`] };
  }
}
