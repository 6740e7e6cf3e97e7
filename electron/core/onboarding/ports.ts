/**
 * What the onboarding steps need from the MinIO and runner areas, as
 * narrow interfaces. The adapters in adapters.ts bind them to those areas'
 * modules; unit tests bind them to in-memory fakes, so the state machine's
 * ordering, idempotence and rollback are tested without a server.
 *
 * Every method throws a ConsoleError with a code from the closed set
 * (MINIO_UNREACHABLE, MINIO_AUTH_FAILED, BUCKET_TAKEN, HOST_UNREACHABLE, …).
 */
import type { PolicyDocument } from './policies';

export interface S3Credentials {
  accessKey: string;
  secretKey: string;
}

export interface BucketSettings {
  objectLock: boolean;
}

export interface MinioPort {
  /** Problems with the name in words; empty when it is a valid S3 bucket name. */
  bucketNameProblems(name: string): string[];
  /** The S3 endpoint restic uses for this connection, e.g. "http://127.0.0.1:9000" (no credentials). */
  endpoint(minioId: string): Promise<string>;
  /** The connection's name, used as the `mc` alias in the equivalent commands. */
  alias(minioId: string): Promise<string>;
  /** Fails fast with MINIO_UNREACHABLE / MINIO_AUTH_FAILED before a long operation. */
  probe(minioId: string): Promise<void>;
  bucketExists(minioId: string, bucket: string): Promise<boolean>;
  makeBucket(minioId: string, bucket: string, settings: BucketSettings): Promise<void>;
  /** Whether the bucket was made with object lock (it can only be enabled at creation). */
  bucketObjectLock(minioId: string, bucket: string): Promise<boolean>;
  versioningEnabled(minioId: string, bucket: string): Promise<boolean>;
  enableVersioning(minioId: string, bucket: string): Promise<void>;
  /** The default COMPLIANCE retention in years, or null. */
  lockRetentionYears(minioId: string, bucket: string): Promise<number | null>;
  setLockRetentionYears(minioId: string, bucket: string, years: number): Promise<void>;
  /** The hard quota in bytes, or null. */
  quotaBytes(minioId: string, bucket: string): Promise<number | null>;
  setQuotaBytes(minioId: string, bucket: string, bytes: number): Promise<void>;
  /** Removes every object version and the bucket; refused (with the reason) while object lock retention holds. */
  removeBucket(minioId: string, bucket: string): Promise<void>;

  policyExists(minioId: string, name: string): Promise<boolean>;
  putPolicy(minioId: string, name: string, doc: PolicyDocument): Promise<void>;
  removePolicy(minioId: string, name: string): Promise<void>;
  userExists(minioId: string, accessKey: string): Promise<boolean>;
  addUser(minioId: string, credentials: S3Credentials): Promise<void>;
  attachPolicy(minioId: string, accessKey: string, policyName: string): Promise<void>;
  removeUser(minioId: string, accessKey: string): Promise<void>;
}

export interface RunnerInstallRequest {
  hostId: string;
  planId: string;
  /** The host key's S3 credentials (never the maintenance key): they go into the root-only env file on the host, with the repository password. */
  hostSecretEnv: Record<string, string>;
  schedule: string;
  preHook: string;
  postHook: string;
  /** Progress lines for the step's log. */
  log?: (line: string) => void;
}

export interface RunnerInstallResult {
  /** systemd timer or cron entry. */
  scheduler: string;
  /** What was run (secrets masked), for the step's log. */
  commands: string[];
}

export interface RunnerRunResult {
  exitCode: number;
  snapshotId: string | null;
  commands: string[];
}

export interface RunnerPort {
  /** Whether the plan's runner is installed on the host. */
  installed(hostId: string, planId: string): Promise<boolean>;
  install(request: RunnerInstallRequest, signal: AbortSignal): Promise<RunnerInstallResult>;
  uninstall(hostId: string, planId: string, signal: AbortSignal): Promise<void>;
  /** Runs the plan's runner now, as its timer would, and waits for it. */
  runNow(hostId: string, planId: string, signal: AbortSignal): Promise<RunnerRunResult>;
}

export interface OnboardingPorts {
  minio: MinioPort;
  runner: RunnerPort;
}
