/**
 * Binds the onboarding ports to the MinIO area's clients (MinioAdmin,
 * MinioS3) and to the runner area's contract handlers (runner.configure,
 * runner.install, runner.runNow, runner.status, runner.uninstall), so the
 * wizard reuses exactly what those screens use.
 */
import { bucketNameProblem, ConsoleError, type MethodOutput } from '../../../shared';
import type { JobManager } from '../jobs/job-manager';
import type { MinioAdmin, MinioS3 } from '../minio';
import type { Handlers } from '../rpc/dispatcher';
import type { MinioPort, RunnerPort } from './ports';

export interface MinioClients {
  admin: MinioAdmin;
  s3: MinioS3;
  /** The stored connection's name (the mc alias the MinIO screen shows). */
  connection?: { name: string };
}

/** The MinIO port over a resolver from connection id to that connection's clients. */
export function minioPort(clientsFor: (minioId: string) => Promise<MinioClients>): MinioPort {
  const s3 = async (id: string) => (await clientsFor(id)).s3;
  const admin = async (id: string) => (await clientsFor(id)).admin;
  const isCode = (error: unknown, codes: string[]) =>
    error instanceof ConsoleError &&
    codes.includes(String((error.detail as { code?: string } | undefined)?.code));
  return {
    bucketNameProblems: (name) => {
      const problem = bucketNameProblem(name);
      return problem ? [problem] : [];
    },
    endpoint: async (id) => (await s3(id)).endpoint,
    alias: async (id) => (await clientsFor(id)).connection?.name ?? id,
    probe: async (id) => {
      // Lists buckets with the connection's key: MINIO_UNREACHABLE when down, MINIO_AUTH_FAILED for a wrong key.
      await (await s3(id)).listBuckets();
      // The admin API too: users and policies need it.
      await (await admin(id)).listCannedPolicies();
    },
    bucketExists: async (id, bucket) => (await s3(id)).bucketExists(bucket),
    makeBucket: async (id, bucket, settings) =>
      (await s3(id)).makeBucket(bucket, { objectLocking: settings.objectLock }),
    bucketObjectLock: async (id, bucket) => {
      const client = (await s3(id)).client;
      try {
        const config =
          (await (client.getObjectLockConfig as (b: string) => Promise<{ objectLockEnabled?: string }>)(
            bucket,
          )) ?? {};
        return config.objectLockEnabled === 'Enabled' || config.objectLockEnabled === undefined;
      } catch (error) {
        if ((error as { code?: string })?.code === 'ObjectLockConfigurationNotFoundError') return false;
        throw error;
      }
    },
    versioningEnabled: async (id, bucket) => (await (await s3(id)).getBucketVersioning(bucket)) === 'Enabled',
    enableVersioning: async (id, bucket) => (await s3(id)).setBucketVersioning(bucket, true),
    lockRetentionYears: async (id, bucket) => {
      const r = await (await s3(id)).getObjectLockConfig(bucket);
      return r && r.mode === 'COMPLIANCE' && r.unit === 'Years' ? r.validity : null;
    },
    setLockRetentionYears: async (id, bucket, years) =>
      (await s3(id)).setObjectLockConfig(bucket, { mode: 'COMPLIANCE', unit: 'Years', validity: years }),
    quotaBytes: async (id, bucket) => {
      const q = await (await admin(id)).getBucketQuota(bucket);
      return q && q.size > 0 ? q.size : null;
    },
    setQuotaBytes: async (id, bucket, bytes) => (await admin(id)).setBucketQuota(bucket, bytes),
    removeBucket: async (id, bucket) => {
      const { client } = await s3(id);
      // Every version and delete marker first: a versioned bucket is not empty until they are gone.
      const versions: { name: string; versionId?: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        const stream = client.listObjects(bucket, '', true, { IncludeVersion: true } as never);
        stream.on('data', (o: { name?: string; versionId?: string | null }) => {
          if (o.name) versions.push({ name: o.name, ...(o.versionId ? { versionId: o.versionId } : {}) });
        });
        stream.on('error', reject);
        stream.on('end', () => resolve());
      });
      for (let i = 0; i < versions.length; i += 1000) {
        const chunk = versions.slice(i, i + 1000);
        const result = (await client.removeObjects(bucket, chunk)) as unknown as {
          Error?: unknown;
          Code?: string;
          Message?: string;
        }[];
        const failed = (Array.isArray(result) ? result : []).filter((r) => r && (r.Error || r.Code));
        if (failed.length > 0) {
          const locked = failed.some((f) => /WORM|retention|locked/i.test(JSON.stringify(f)));
          throw new ConsoleError(
            locked ? 'CONFLICT' : 'MINIO_ERROR',
            locked
              ? `Bucket "${bucket}": ${failed.length} object version(s) are under object-lock retention and cannot be deleted before it ends; the bucket stays.`
              : `Bucket "${bucket}": ${failed.length} object version(s) could not be deleted.`,
            { failed: failed.length },
          );
        }
      }
      await (await s3(id)).removeBucket(bucket);
    },
    policyExists: async (id, name) => (await (await admin(id)).listCannedPolicies()).includes(name),
    putPolicy: async (id, name, doc) => (await admin(id)).addCannedPolicy(name, doc),
    removePolicy: async (id, name) => (await admin(id)).removeCannedPolicy(name),
    userExists: async (id, accessKey) => {
      try {
        await (await admin(id)).userInfo(accessKey);
        return true;
      } catch (error) {
        if (isCode(error, ['XMinioAdminNoSuchUser'])) return false;
        throw error;
      }
    },
    addUser: async (id, key) => (await admin(id)).addUser(key.accessKey, key.secretKey),
    attachPolicy: async (id, accessKey, policy) => (await admin(id)).attachPolicy(accessKey, [policy]),
    removeUser: async (id, accessKey) => (await admin(id)).removeUser(accessKey),
  };
}

/** Stops waiting when the step's job is cancelled (the SSH work behind it is the runner area's to stop). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted)
    return Promise.reject(new ConsoleError('CANCELLED', 'The onboarding step was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ConsoleError('CANCELLED', 'The onboarding step was cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

type RunnerHandlers = Pick<
  Handlers,
  'runner.configure' | 'runner.install' | 'runner.uninstall' | 'runner.runNow' | 'runner.status'
>;

/** The runner port over the runner area's handlers (configure the plan's runner, install it, run it, read its status). */
export function runnerPort(handlers: RunnerHandlers, jobs: JobManager): RunnerPort {
  const call = { origin: 'internal' as const };
  const status = (planId: string): Promise<MethodOutput<'runner.status'>> =>
    handlers['runner.status']({ planId }, call);
  return {
    installed: async (_hostId, planId) => {
      const s = await status(planId);
      return s.install !== null && s.onHost.script && s.onHost.envFile;
    },
    install: async (request, signal) => {
      await handlers['runner.configure'](
        {
          planId: request.planId,
          cron: request.schedule,
          preHooks: request.preHook ? [request.preHook] : [],
          postHooks: request.postHook ? [request.postHook] : [],
          // The host's own S3 keys for this plan: the HOST key, so the runner never gets the maintenance key.
          hostSecretEnv: request.hostSecretEnv,
        },
        call,
      );
      request.log?.('Runner settings saved (schedule, hooks, host key); installing…');
      const installed = await untilAborted(
        handlers['runner.install']({ planId: request.planId }, { ...call, signal }),
        signal,
      );
      return {
        scheduler: `${installed.scheduler}${installed.verified ? ', verified by systemd-analyze' : ''}`,
        commands: [
          `rfc-control install ${request.planId}  # ${installed.scriptPath}, ${installed.envPath} (0600)`,
          installed.scheduler === 'cron'
            ? `crontab: ${installed.scheduledAs}`
            : `systemctl enable --now ${installed.scheduledAs}`,
        ],
      };
    },
    uninstall: async (_hostId, planId, signal) => {
      await untilAborted(handlers['runner.uninstall']({ planId }, { ...call, signal }), signal);
    },
    runNow: async (_hostId, planId, signal) => {
      const started = await handlers['runner.runNow']({ planId }, call);
      const onAbort = () => jobs.cancel(started.jobId, 'The onboarding step was cancelled.');
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await jobs.wait(started.jobId);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      const s = await status(planId);
      return {
        exitCode: s.last?.exitCode ?? -1,
        snapshotId: s.last?.summary?.snapshot_id ?? null,
        commands: [started.command],
      };
    },
  };
}
