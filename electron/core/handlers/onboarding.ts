/** onboarding.*: the onboarding wizard's state machine bound to the contract (issue 6). */
import path from 'node:path';
import { ConsoleError, type onboardingMethods } from '../../../shared';
import type { CoreContext } from '../context';
import { DailyCheckService } from '../fleet/daily-check';
import { minioClientsFor } from '../minio/connections';
import { minioPort, runnerPort, type MinioClients } from '../onboarding/adapters';
import type { OnboardingPorts } from '../onboarding/ports';
import { OnboardingService } from '../onboarding/service';
import type { StepCore } from '../onboarding/steps';
import { OnboardingStore } from '../onboarding/store';
import { Restic } from '../restic/restic';
import type { Handlers } from '../rpc/dispatcher';
import { inventoryHandlers } from './inventory';
import { runnerHandlers } from './runner';

export interface OnboardingHandlerOptions {
  /** The clients of a stored MinIO connection (the MinIO area's connections). */
  minioClients?: (minioId: string) => Promise<MinioClients>;
  /** Replace the ports entirely (tests). */
  ports?: OnboardingPorts;
}

export function createOnboardingService(
  ctx: CoreContext,
  options: OnboardingHandlerOptions = {},
): OnboardingService {
  const repos = inventoryHandlers(ctx)['repos.add'];
  const dailyCheck = new DailyCheckService({
    store: ctx.store,
    runners: ctx.runners,
    repos: ctx.repos,
    resticBinaryFor: ctx.resticBinaryFor,
    jobs: ctx.jobs,
    events: ctx.events,
    log: ctx.log,
  });
  const core: StepCore = {
    store: ctx.store,
    secrets: ctx.secrets,
    probeRepository: async (location, password, secretEnv, signal) => {
      const restic = new Restic({
        runner: ctx.runners.local,
        binary: ctx.resticBinary,
        repository: location,
        password,
        env: { RESTIC_CACHE_DIR: path.join(ctx.dataDir, 'restic-cache') },
        secretEnv,
      });
      try {
        await restic.catConfig({ signal });
        return { exists: true, command: restic.commandLine(['cat', 'config']) };
      } catch (error) {
        if (error instanceof ConsoleError && error.code === 'REPO_NOT_FOUND') {
          return { exists: false, command: restic.commandLine(['init']) };
        }
        throw error;
      }
    },
    openRepository: async (repoId, signal) => {
      const restic = await ctx.repos.restic(repoId);
      await restic.catConfig({ signal });
      return restic.commandLine(['cat', 'config']);
    },
    taggedSnapshots: async (repoId, tag, signal) => {
      const restic = await ctx.repos.restic(repoId);
      const snapshots = await restic.snapshots({ tags: [tag], noLock: true, signal });
      return {
        snapshots: snapshots.map((s) => ({ id: s.id, time: s.time })),
        command: restic.commandLine(['snapshots', '--json', '--no-lock', `--tag=${tag}`]),
      };
    },
    addRepository: (input) => repos(input, { origin: 'internal' }),
    runDailyCheck: async () => {
      const started = dailyCheck.start();
      await ctx.jobs.wait(started.jobId);
      return { checkId: started.checkId };
    },
  };
  const ports: OnboardingPorts = options.ports ?? {
    // The MinIO area's stored connections: endpoint, admin key (secret store), CA.
    minio: minioPort(
      options.minioClients ??
        ((minioId) => minioClientsFor({ db: ctx.store.db, secrets: ctx.secrets }, minioId)),
    ),
    runner: runnerPort(runnerHandlers(ctx), ctx.jobs),
  };
  return new OnboardingService({
    store: new OnboardingStore(ctx.store.db),
    ports,
    core,
    jobs: ctx.jobs,
    audit: ctx.audit,
    changed: () => {
      // The wizard touches the inventory (business, repositories, plans) and the audit log.
      for (const scope of ['businesses', 'repos', 'plans', 'audit'] as const)
        ctx.events.emit('invalidate', { scope });
    },
  });
}

export function onboardingHandlers(
  ctx: CoreContext,
  options: OnboardingHandlerOptions = {},
): Pick<Handlers, keyof typeof onboardingMethods> {
  const service = createOnboardingService(ctx, options);
  return {
    'onboarding.list': async () => service.list(),
    'onboarding.get': async ({ id }) => service.get(id),
    'onboarding.start': async (input) => service.start(input),
    'onboarding.saveStep': async ({ id, data }) => service.saveStep(id, data),
    'onboarding.runStep': async ({ id, step }) => service.runStep(id, step),
    'onboarding.resume': async ({ id }) => service.resume(id),
    'onboarding.rollback': async ({ id, confirm }) => service.rollback(id, confirm),
    'onboarding.validateBucket': async ({ minioId, bucket }) => service.validateBucket(minioId, bucket),
  };
}
