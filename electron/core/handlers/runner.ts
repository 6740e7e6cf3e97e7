/** The runner area's part of the contract (issue 6): install over SSH, status, run now, offsite copy, schedule preview. */
import { ConsoleError, type runnerMethods } from '../../../shared';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';
import { runnerConfig, runnerSecretNames } from '../runner/runner-store';
import {
  installRunner,
  previewSchedule,
  runInstalledRunner,
  runnerStatus,
  runnerStore,
  uninstallRunner,
} from '../runner/runner';
import { audited } from './audited';

export const RUNNER_RUN_JOB_KIND = 'runner.run';
export const RUNNER_COPY_JOB_KIND = 'runner.copy';

export function runnerHandlers(ctx: CoreContext): Pick<Handlers, keyof typeof runnerMethods> {
  const changed = (): void => {
    // The renderer's runner queries live under the plans scope.
    ctx.events.emit('invalidate', { scope: 'plans' });
    ctx.events.emit('invalidate', { scope: 'audit' });
  };

  /** Runs the installed runner (or its copy) as a job; the job fails with the runner's reason. */
  const foreground = (planId: string, mode: 'run' | 'copy'): { jobId: string; command: string } => {
    const plan = ctx.store.plans.get(planId);
    const settings = runnerStore(ctx).get(planId);
    if (mode === 'copy' && !settings.offsiteRepositoryId)
      throw new ConsoleError('BAD_REQUEST', `Plan ${plan.name} has no offsite repository: choose one first.`);
    const command = `sh ${settings.install?.scriptPath ?? 'rfc-runner.sh'} ${mode} ${settings.install?.envPath ?? `${planId}.env`}`;
    const record = ctx.jobs.submit({
      kind: mode === 'run' ? RUNNER_RUN_JOB_KIND : RUNNER_COPY_JOB_KIND,
      target: `plan:${planId}`,
      title: mode === 'run' ? `Run ${plan.name} now` : `Offsite copy of ${plan.name}`,
      command,
      run: async (job) => {
        await audited(ctx, mode === 'run' ? 'runner.runNow' : 'copy.run', `plan:${planId}`, async () => {
          const res = await runInstalledRunner(ctx, {
            planId,
            mode,
            signal: job.signal,
            onLine: (l) => job.log(l, 'stderr'),
          });
          const status = await runnerStatus(ctx, { planId, signal: job.signal }).catch(() => undefined);
          if (res.exitCode !== 0) {
            const hook = status?.last?.hookFailures[0];
            const reason = (mode === 'run' ? status?.last?.reason : status?.copy?.reason) || res.message;
            // The runner words a full bucket as "bucket quota exceeded" (rfc-runner.sh).
            const code = hook
              ? 'HOOK_FAILED'
              : /bucket quota exceeded/i.test(reason ?? '')
                ? 'QUOTA_EXCEEDED'
                : 'RESTIC_FAILED';
            throw new ConsoleError(code, reason || `exit ${res.exitCode}`);
          }
          if (status) job.log(status.words);
        });
        changed();
        return { exitCode: 0 };
      },
    });
    return { jobId: record.id, command };
  };

  return {
    'runner.config': async ({ planId }) => runnerConfig(runnerStore(ctx), ctx.secrets, planId),
    'runner.configure': async (input) =>
      audited(ctx, 'runner.configure', `plan:${input.planId}`, async () => {
        const store = runnerStore(ctx);
        store.update(input.planId, {
          ...(input.cron !== undefined ? { cron: input.cron } : {}),
          ...(input.preHooks !== undefined ? { preHooks: input.preHooks } : {}),
          ...(input.postHooks !== undefined ? { postHooks: input.postHooks } : {}),
          ...(input.hookTimeoutSeconds !== undefined ? { hookTimeoutSeconds: input.hookTimeoutSeconds } : {}),
          ...(input.offsiteRepositoryId !== undefined
            ? { offsiteRepositoryId: input.offsiteRepositoryId }
            : {}),
          ...(input.alertKind !== undefined ? { alertKind: input.alertKind } : {}),
        });
        if (input.alertUrl === null) await ctx.secrets.delete(runnerSecretNames.alertUrl(input.planId));
        else if (input.alertUrl !== undefined)
          await ctx.secrets.set(runnerSecretNames.alertUrl(input.planId), input.alertUrl);
        if (input.hostSecretEnv === null)
          await ctx.secrets.delete(runnerSecretNames.hostSecretEnv(input.planId));
        else if (input.hostSecretEnv !== undefined)
          await ctx.secrets.set(
            runnerSecretNames.hostSecretEnv(input.planId),
            JSON.stringify(input.hostSecretEnv),
          );
        changed();
        return runnerConfig(store, ctx.secrets, input.planId);
      }),
    'runner.install': async ({ planId }) =>
      audited(ctx, 'runner.install', `plan:${planId}`, async () => {
        try {
          return await installRunner(ctx, { planId });
        } finally {
          changed();
        }
      }),
    'runner.uninstall': async ({ planId }) =>
      audited(ctx, 'runner.uninstall', `plan:${planId}`, async () => {
        try {
          return await uninstallRunner(ctx, { planId });
        } finally {
          changed();
        }
      }),
    'runner.status': async ({ planId }) => runnerStatus(ctx, { planId }),
    'runner.runNow': async ({ planId }) => foreground(planId, 'run'),
    'copy.run': async ({ planId }) => foreground(planId, 'copy'),
    'schedule.preview': async ({ cron, locale, count, timeZone }) => {
      if (timeZone !== undefined) {
        try {
          new Intl.DateTimeFormat('en', { timeZone });
        } catch {
          throw new ConsoleError('BAD_REQUEST', `"${timeZone}" is not a time zone.`);
        }
      }
      return previewSchedule(cron, {
        ...(locale ? { locale } : {}),
        ...(count ? { count } : {}),
        ...(timeZone ? { timeZone } : {}),
      });
    },
  };
}
