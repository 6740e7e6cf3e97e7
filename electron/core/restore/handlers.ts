/**
 * restore.capabilities, preview, start, get, list, undo: the restore
 * wizard's core (issue 5). Bad input and refusals are typed ConsoleErrors
 * before anything changes; a refused confirmation is audited.
 */
import { ConsoleError, type restoreMethods, type RestoreRequest } from '../../../shared';
import type { CoreContext } from '../context';
import { INTERRUPTED_MESSAGE } from '../jobs/job-manager';
import type { Handlers } from '../rpc/dispatcher';
import { affectedPaths, hostName, makePlan, resticBinaryOn } from './plan';
import { previewRestore } from './preview';
import { RestoreRecords } from './record-store';
import { RestoreJobs } from './run';
import { ensureWritableDir } from './target-fs';
import { restoreFeatures } from '../restic/restore';

type RestoreMethod =
  | 'restore.capabilities'
  | 'restore.preview'
  | 'restore.start'
  | 'restore.get'
  | 'restore.list'
  | 'restore.undo';

export function restoreCoreHandlers(ctx: CoreContext): Pick<Handlers, Extract<keyof typeof restoreMethods, RestoreMethod>> {
  const records = new RestoreRecords(ctx.store.db);
  records.failUnfinished(INTERRUPTED_MESSAGE);
  const jobs = new RestoreJobs(ctx, records);

  /** A refusal before any job: audited as failed, then thrown. */
  const refuse = (action: string, target: string, error: unknown, detail?: Record<string, unknown>): never => {
    ctx.audit.record({
      action,
      target,
      result: 'failed',
      detail: { ...detail, code: error instanceof ConsoleError ? error.code : 'INTERNAL' },
    });
    ctx.events.emit('invalidate', { scope: 'audit' });
    throw error;
  };

  const requireConfirm = (expected: string, typed: string | undefined, what: string): void => {
    if (typed !== expected)
      throw new ConsoleError('BAD_REQUEST', `To ${what}, type the host name "${expected}" exactly to confirm.`, {
        reason: 'confirmation',
      });
  };

  /** Two restores writing the same place at once would interleave: the second one waits for the user. */
  const refuseOverlap = (hostId: string, roots: readonly string[]): void => {
    const within = (a: string, b: string) => a === b || a.startsWith(b === '/' ? '/' : `${b}/`);
    for (const r of records.list({ active: true, limit: 1000 })) {
      if (r.target.kind === 'archive' || r.target.hostId !== hostId) continue;
      const theirs = r.targetPaths ?? [];
      if (roots.some((a) => theirs.some((b) => within(a, b) || within(b, a))))
        throw new ConsoleError('CONFLICT', `Restore ${r.id} is still writing there (${r.status}); wait for it or cancel it.`, {
          restoreId: r.id,
          jobId: r.jobId,
        });
    }
  };

  const start = async (request: RestoreRequest, confirm: string | undefined) => {
    const target = `repo:${request.repoId}`;
    try {
      if (request.target.kind === 'original')
        requireConfirm(await hostName(ctx, request.target.hostId), confirm, 'restore into the original place');
      const plan = await makePlan(ctx, request);
      if (plan.archive) return jobs.startArchive(plan);
      refuseOverlap(plan.hostId, plan.targetRoots);
      if (request.target.kind === 'path') await ensureWritableDir(plan.restic.target.runner, request.target.path);
      const safety =
        request.target.kind === 'original' ? await affectedPaths(plan) : { existing: [], affected: [] };
      return jobs.startRestore(plan, safety);
    } catch (error) {
      return refuse('restore.start', target, error, { snapshotId: request.snapshotId, target: request.target });
    }
  };

  return {
    'restore.capabilities': async ({ hostId }, call) => {
      const restic = await resticBinaryOn(ctx, hostId);
      return restoreFeatures(await restic.version(call.signal));
    },

    'restore.preview': async (input, call) => {
      const { limit, ...request } = input;
      const plan = await makePlan(ctx, request, call.signal);
      return previewRestore(plan, limit, call.signal);
    },

    'restore.start': async (input) => {
      const { confirm, ...request } = input;
      return start(request, confirm);
    },

    'restore.get': async ({ id }) => records.get(id),

    'restore.list': async ({ active, limit }) => records.list({ ...(active !== undefined ? { active } : {}), limit }),

    'restore.undo': async ({ id, confirm }) => {
      const target = `restore:${id}`;
      try {
        const rec = records.get(id);
        if (rec.target.kind !== 'original')
          throw new ConsoleError('BAD_REQUEST', 'Only an in-place restore can be undone (other targets changed nothing that was there).');
        if (rec.undoOf) throw new ConsoleError('BAD_REQUEST', 'This is an undo; it cannot itself be undone.');
        if (rec.undoneBy) throw new ConsoleError('CONFLICT', `This restore was already undone (${rec.undoneBy}).`);
        if (rec.status === 'queued' || rec.status === 'safety-snapshot' || rec.status === 'restoring' || rec.status === 'verifying')
          throw new ConsoleError('CONFLICT', 'This restore is still running; cancel it or wait for it to end.');
        if (!rec.affectedPaths)
          throw new ConsoleError('BAD_REQUEST', 'This restore stopped before it changed anything (no files were written): there is nothing to undo.');
        const hostId = rec.target.hostId;
        requireConfirm(await hostName(ctx, hostId), confirm, 'undo this restore');
        if (!rec.safetySnapshotId) {
          const runner = await ctx.runners.runnerFor(hostId);
          return jobs.startRemovalUndo(rec, hostId, runner);
        }
        const plan = await makePlan(ctx, {
          repoId: rec.repoId,
          snapshotId: rec.safetySnapshotId,
          paths: [],
          excluded: [],
          target: { kind: 'original', hostId },
          // Byte for byte: everything the safety snapshot holds is written back, whatever is there now.
          options: { overwrite: 'always', delete: false, verify: false },
        });
        if (plan.features.delete.supported) plan.request.options.delete = true;
        refuseOverlap(hostId, rec.affectedPaths);
        return jobs.startRestore(plan, { existing: [], affected: rec.affectedPaths }, rec);
      } catch (error) {
        return refuse('restore.undo', target, error, { restoreId: id });
      }
    },
  };
}
