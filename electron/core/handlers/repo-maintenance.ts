/**
 * repos.get, check, forgetPreview, forget, prune, unlock, keys, keyAdd, keyRemove and
 * snapshots.find, history, tags, forget: the repository page and its maintenance.
 *
 * - Every change is a job (ctx.jobs) whose record carries the equivalent
 *   restic command, secrets masked; quick ones (unlock, keys, tags, one
 *   snapshot) are waited for and answer with their result, long ones
 *   (check, forget, prune) answer with the job id at once.
 * - Every change lands in the audit log once, with its real outcome (the
 *   job's), and a refused confirmation lands there too.
 * - Destructive ones need a typed confirmation: the repository name
 *   (forget, prune, unlock --remove-all), a snapshot's or key's short id.
 * - After a change clients get `invalidate` {scope: 'snapshots', repoId}.
 */
import { hostname as osHostname } from 'node:os';
import {
  ConsoleError,
  type ErrorBody,
  type GrowthPoint,
  type RepoLock,
  type RepoStats,
} from '../../../shared';
import type { CoreContext } from '../context';
import { runCommand } from '../fleet/exec';
import { ownerCandidates, pidProbeArgv, STALE_LOCK_MS } from '../fleet/items/locks';
import type { JobContext } from '../jobs/job-manager';
import { readLocks, type ResticLock } from '../restic/locks';
import type { Restic } from '../restic/restic';
import type { Handlers } from '../rpc/dispatcher';
import { audited } from './audited';

type MaintenanceMethods =
  | 'repos.get'
  | 'repos.check'
  | 'repos.forgetPreview'
  | 'repos.forget'
  | 'repos.prune'
  | 'repos.unlock'
  | 'repos.keys'
  | 'repos.keyAdd'
  | 'repos.keyRemove'
  | 'snapshots.find'
  | 'snapshots.history'
  | 'snapshots.tags'
  | 'snapshots.forget';

/** How long the page waits for one pid probe on a lock's host. */
const PID_PROBE_TIMEOUT_MS = 10_000;

function toBody(error: unknown): ErrorBody {
  if (error instanceof ConsoleError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Typed confirmation: refused (BAD_REQUEST) unless `typed` is exactly `expected`. */
function requireConfirmation(expected: string, typed: string | undefined, what: string): void {
  if (typed !== expected) {
    throw new ConsoleError('BAD_REQUEST', `To ${what}, type "${expected}" exactly to confirm.`, {
      reason: 'confirmation',
    });
  }
}

export function repoMaintenanceHandlers(ctx: CoreContext): Pick<Handlers, MaintenanceMethods> {
  const changed = (repoId: string) => {
    ctx.snapshots.invalidate(repoId);
    ctx.events.emit('invalidate', { scope: 'snapshots', repoId });
    ctx.events.emit('invalidate', { scope: 'repos', repoId });
  };
  const auditChanged = () => ctx.events.emit('invalidate', { scope: 'audit' });

  /** A refusal before any job: audited as failed, then thrown. */
  const refuse = (
    action: string,
    target: string,
    error: unknown,
    detail?: Record<string, unknown>,
  ): never => {
    ctx.audit.record({
      action,
      target,
      result: 'failed',
      detail: { ...detail, code: error instanceof ConsoleError ? error.code : 'INTERNAL' },
    });
    auditChanged();
    throw error;
  };

  interface MaintenanceJob<T> {
    kind: string;
    repoId: string;
    title: string;
    command: string;
    /** Audit action and detail (secrets never go here). */
    action: string;
    target?: string;
    detail?: Record<string, unknown>;
    secrets?: string[];
    /** Emit invalidate when it finishes (whatever the outcome: a partial change is a change). */
    changes?: boolean;
    run(job: JobContext): Promise<T>;
  }

  /** Submits the job; the audit entry is written when it ends, with its outcome. */
  const submit = <T>(spec: MaintenanceJob<T>): { jobId: string; settled: Promise<T> } => {
    let resolveValue!: (v: T) => void;
    let rejectValue!: (e: unknown) => void;
    const settled = new Promise<T>((res, rej) => {
      resolveValue = res;
      rejectValue = rej;
    });
    settled.catch(() => undefined);
    const target = spec.target ?? `repo:${spec.repoId}`;
    const record = ctx.jobs.submit({
      kind: spec.kind,
      target: `repo:${spec.repoId}`,
      title: spec.title,
      command: spec.command,
      ...(spec.secrets ? { secrets: spec.secrets } : {}),
      run: async (job) => {
        try {
          const value = await audited(ctx, spec.action, target, () => spec.run(job), {
            ...spec.detail,
            jobId: job.id,
          });
          resolveValue(value);
        } catch (error) {
          rejectValue(error);
          throw error;
        } finally {
          auditChanged();
          if (spec.changes) changed(spec.repoId);
        }
      },
    });
    return { jobId: record.id, settled };
  };

  /** Submits and waits: for the quick ones. Errors are the job's own (typed). */
  const runJob = async <T>(spec: MaintenanceJob<T>): Promise<{ jobId: string; value: T }> => {
    const { jobId, settled } = submit(spec);
    // A job cancelled while still queued never runs: its record says how it ended.
    const endedUnrun = ctx.jobs.wait(jobId).then((record): never => {
      throw new ConsoleError(
        record.error?.code ?? 'CANCELLED',
        record.error?.message ?? `The job ended (${record.status}) before it ran.`,
      );
    });
    endedUnrun.catch(() => undefined);
    const value = await Promise.race([settled, endedUnrun]);
    return { jobId, value };
  };

  const repoName = async (id: string) => (await ctx.inventory.repo(id)).name;

  // ---- locks with their owners' pid state
  const lockView = async (lock: ResticLock, repoHostId: string, now: number): Promise<RepoLock> => {
    const created = Date.parse(lock.time);
    const ageMs = Number.isNaN(created) ? null : Math.max(0, now - created);
    const base = {
      id: lock.id,
      time: lock.time,
      exclusive: lock.exclusive,
      hostname: lock.hostname,
      username: lock.username,
      pid: lock.pid,
      ageSeconds: ageMs === null ? null : Math.round(ageMs / 1000),
    };
    const old = ageMs === null || ageMs > STALE_LOCK_MS;
    const hosts = (await ctx.store.hosts.list()).map((h) => ({
      id: h.id,
      name: h.name,
      ...(h.address !== undefined ? { address: h.address } : {}),
      ...(h.kind === 'local' ? { osHostname: osHostname() } : {}),
    }));
    const owner = ownerCandidates(lock.hostname, hosts, repoHostId)[0];
    if (!owner)
      return {
        ...base,
        pidState: 'unknown-host',
        stale: old,
        note: 'the lock was made on a host the inventory does not know',
      };
    if (!(lock.pid > 0))
      return {
        ...base,
        pidState: 'unchecked',
        ownerHostId: owner.id,
        stale: old,
        note: 'the lock names no pid',
      };
    try {
      const runner = await ctx.runners.runnerFor(owner.id);
      const out = await runCommand(runner, pidProbeArgv(lock.pid), AbortSignal.timeout(PID_PROBE_TIMEOUT_MS));
      if (out.code === 0) return { ...base, pidState: 'alive', ownerHostId: owner.id, stale: old };
      if (out.code === 1) return { ...base, pidState: 'dead', ownerHostId: owner.id, stale: true };
      return {
        ...base,
        pidState: 'unchecked',
        ownerHostId: owner.id,
        stale: old,
        note: `the pid probe on ${owner.name} failed (exit ${out.code ?? out.signal})`,
      };
    } catch (error) {
      return {
        ...base,
        pidState: 'unchecked',
        ownerHostId: owner.id,
        stale: old,
        note: `could not ask ${owner.name}: ${toBody(error).message}`,
      };
    }
  };

  const locksOf = async (restic: Restic, repoHostId: string, signal?: AbortSignal): Promise<RepoLock[]> => {
    const now = Date.now();
    const locks = await readLocks(restic, signal ? { signal } : {});
    return Promise.all(locks.map((l) => lockView(l, repoHostId, now)));
  };

  const lastCheck = (repoId: string) => {
    const job = ctx.jobs.list({ kind: 'repo.check', target: `repo:${repoId}`, limit: 1 })[0];
    if (!job) return null;
    const errors = job.counters.checkErrors;
    const result =
      job.status === 'queued' || job.status === 'running'
        ? ('running' as const)
        : job.status === 'succeeded'
          ? ('ok' as const)
          : job.status === 'cancelled'
            ? ('cancelled' as const)
            : errors !== undefined && errors > 0
              ? ('errors' as const)
              : ('failed' as const);
    return {
      at: job.endedAt ?? job.startedAt ?? job.createdAt,
      result,
      jobId: job.id,
      ...(errors !== undefined ? { numErrors: errors } : {}),
      ...(job.error ? { message: job.error.message } : {}),
    };
  };

  return {
    'repos.get': async ({ id }, call) => {
      const record = await ctx.inventory.repo(id);
      const repo = (await ctx.repos.list()).find((r) => r.id === id);
      if (!repo) throw new ConsoleError('NOT_FOUND', `No repository ${id}.`);
      const restic = await ctx.repos.restic(id);
      const signal = call.signal;
      const opt = signal ? { signal } : {};
      // The snapshot list decides whether the repository can be read at all: its errors are the call's.
      const snapshotsP = restic.snapshots({ ...opt, noLock: true });
      const problems: ErrorBody[] = [];
      const part = async <T>(what: string, p: Promise<T>): Promise<T | null> => {
        try {
          return await p;
        } catch (error) {
          if (error instanceof ConsoleError && error.code === 'CANCELLED') throw error;
          const body = toBody(error);
          problems.push({ ...body, message: `${what}: ${body.message}` });
          return null;
        }
      };
      const snapshots = await snapshotsP;
      const [restoreSize, rawData, locks] = await Promise.all([
        part<RepoStats>('stats (restore size)', restic.stats({ ...opt, noLock: true, mode: 'restore-size' })),
        part<RepoStats>('stats (raw data)', restic.stats({ ...opt, noLock: true, mode: 'raw-data' })),
        part<RepoLock[]>('locks', locksOf(restic, record.hostId, signal)),
      ]);
      const growth: GrowthPoint[] = [...snapshots]
        .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
        .map((s) => ({
          time: s.time,
          snapshotId: s.id,
          hostname: s.hostname,
          ...(s.summary?.totalBytesProcessed !== undefined
            ? { totalBytesProcessed: s.summary.totalBytesProcessed }
            : {}),
          ...(s.summary?.dataAdded !== undefined ? { dataAdded: s.summary.dataAdded } : {}),
        }));
      return {
        repo,
        snapshotCount: snapshots.length,
        stats: { restoreSize, rawData },
        ...(rawData?.compressionRatio !== undefined ? { compressionRatio: rawData.compressionRatio } : {}),
        lastCheck: lastCheck(id),
        locks: locks ?? [],
        growth,
        problems,
        commands: {
          snapshots: restic.commandLine(['snapshots', '--json', '--no-lock']),
          statsRestoreSize: restic.commandLine(['stats', '--json', '--no-lock', '--mode=restore-size']),
          statsRawData: restic.commandLine(['stats', '--json', '--no-lock', '--mode=raw-data']),
          locks: restic.commandLine(['list', 'locks', '--no-lock']),
        },
      };
    },

    'repos.check': async ({ id, readData }) => {
      const restic = await ctx.repos.restic(id);
      const command = restic.commandLine(restic.checkArgs(readData));
      const { jobId } = submit({
        kind: 'repo.check',
        repoId: id,
        title: `Check ${await repoName(id)}${readData.kind === 'none' ? '' : ' (reading data)'}`,
        command,
        action: 'repos.check',
        detail: { readData },
        run: async (job) => {
          job.progress({ message: 'checking' });
          const result = await restic.check({
            readData,
            signal: job.signal,
            onLine: (line, stream) => job.log(line, stream),
          });
          job.count('checkErrors', result.numErrors);
          if (result.brokenPacks.length) job.count('brokenPacks', result.brokenPacks.length);
          if (!result.ok) {
            throw new ConsoleError(
              'RESTIC_FAILED',
              `restic check found ${result.numErrors} error(s)${result.errors[0] ? `: ${result.errors[0]}` : ''}`,
              { command, result },
            );
          }
          job.progress({ percent: 100, message: 'no errors were found' });
          return result;
        },
      });
      return { jobId, command };
    },

    'repos.forgetPreview': async ({ id, policy, groupBy }, call) => {
      const restic = await ctx.repos.restic(id);
      const opts = {
        dryRun: true,
        ...(groupBy !== undefined ? { groupBy } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
      };
      const groups = await restic.forget(policy, opts);
      return {
        groups,
        keepCount: groups.reduce((n, g) => n + g.keep.length, 0),
        removeCount: groups.reduce((n, g) => n + g.remove.length, 0),
        command: restic.commandLine(restic.forgetArgs(policy, opts)),
      };
    },

    'repos.forget': async ({ id, policy, groupBy, prune, confirm }) => {
      const name = await repoName(id);
      try {
        requireConfirmation(name, confirm, 'remove snapshots from this repository');
      } catch (error) {
        refuse('repos.forget', `repo:${id}`, error, { policy });
      }
      const restic = await ctx.repos.restic(id);
      const opts = groupBy !== undefined ? { groupBy } : {};
      const forgetCommand = restic.commandLine(restic.forgetArgs(policy, opts));
      const command = prune ? `${forgetCommand} && ${restic.commandLine(restic.pruneArgs())}` : forgetCommand;
      const { jobId } = submit({
        kind: 'repo.forget',
        repoId: id,
        title: `Apply retention to ${name}${prune ? ' and prune' : ''}`,
        command,
        action: 'repos.forget',
        detail: { policy, ...(groupBy !== undefined ? { groupBy } : {}), prune: prune ?? false },
        changes: true,
        run: async (job) => {
          job.progress({ message: 'forgetting snapshots' });
          const groups = await restic.forget(policy, { ...opts, signal: job.signal });
          const removed = groups.flatMap((g) => g.remove);
          job.count(
            'snapshotsKept',
            groups.reduce((n, g) => n + g.keep.length, 0),
          );
          job.count('snapshotsRemoved', removed.length);
          for (const e of removed)
            job.log(
              `removed snapshot ${e.snapshot.shortId} (${e.snapshot.time}, ${e.snapshot.hostname})`,
              'info',
            );
          if (prune) {
            // No invalidate here: clients refresh once, when the whole job ends (submit's `changes`).
            job.progress({ message: 'pruning' });
            const summary = await restic.prune({
              signal: job.signal,
              onLine: (line, stream) => job.log(line, stream),
            });
            if (summary.totalPruneBlobs !== undefined) job.count('blobsPruned', summary.totalPruneBlobs);
          }
          job.progress({ percent: 100, message: 'done' });
        },
      });
      return { jobId, command };
    },

    'repos.prune': async ({ id, confirm, maxUnused, dryRun }) => {
      const name = await repoName(id);
      if (!dryRun) {
        try {
          requireConfirmation(name, confirm, 'prune this repository');
        } catch (error) {
          refuse('repos.prune', `repo:${id}`, error);
        }
      }
      const restic = await ctx.repos.restic(id);
      const pruneOpts = { ...(maxUnused !== undefined ? { maxUnused } : {}), ...(dryRun ? { dryRun } : {}) };
      const command = restic.commandLine(restic.pruneArgs(pruneOpts));
      const { jobId } = submit({
        kind: 'repo.prune',
        repoId: id,
        title: `${dryRun ? 'Prune (dry run)' : 'Prune'} ${name}`,
        command,
        action: 'repos.prune',
        detail: pruneOpts,
        changes: !dryRun,
        run: async (job) => {
          job.progress({ message: 'pruning' });
          const summary = await restic.prune({
            ...pruneOpts,
            signal: job.signal,
            onLine: (line, stream) => job.log(line, stream),
          });
          if (summary.totalPruneBlobs !== undefined) job.count('blobsPruned', summary.totalPruneBlobs);
          job.progress({
            percent: 100,
            message: summary.totalPruneSize ? `pruned ${summary.totalPruneSize}` : 'done',
          });
        },
      });
      return { jobId, command };
    },

    'repos.unlock': async ({ id, removeAll, confirm }) => {
      const name = await repoName(id);
      if (removeAll) {
        try {
          requireConfirmation(name, confirm, 'remove every lock, live ones included');
        } catch (error) {
          refuse('repos.unlock', `repo:${id}`, error, { removeAll: true });
        }
      }
      const restic = await ctx.repos.restic(id);
      const command = restic.commandLine(['unlock', ...(removeAll ? ['--remove-all'] : [])]);
      const record = await ctx.inventory.repo(id);
      const { jobId, value } = await runJob({
        kind: 'repo.unlock',
        repoId: id,
        title: `${removeAll ? 'Remove all locks of' : 'Remove stale locks of'} ${name}`,
        command,
        action: 'repos.unlock',
        detail: { removeAll: removeAll ?? false },
        run: async (job) => {
          const before = await readLocks(restic, { signal: job.signal });
          await restic.unlock({ signal: job.signal, ...(removeAll ? { removeAll: true } : {}) });
          const remaining = await locksOf(restic, record.hostId, job.signal);
          const left = new Set(remaining.map((l) => l.id));
          const removed = before.filter((l) => !left.has(l.id)).map((l) => l.id);
          job.count('locksRemoved', removed.length);
          job.count('locksRemaining', remaining.length);
          for (const l of remaining)
            job.log(
              `kept ${l.exclusive ? 'exclusive ' : ''}lock ${l.id.slice(0, 8)} of ${l.hostname} pid ${l.pid} (${l.pidState})`,
              'info',
            );
          return { removed, remaining };
        },
      });
      changed(id);
      return { jobId, command, ...value };
    },

    'repos.keys': async ({ id }, call) => {
      const restic = await ctx.repos.restic(id);
      const keys = await restic.keys(call.signal ? { signal: call.signal } : {});
      return { keys, command: restic.commandLine(['key', 'list', '--json']) };
    },

    'repos.keyAdd': async ({ id, hostName, password }) => {
      const restic = await ctx.repos.restic(id);
      const hostOpt = hostName !== undefined ? { host: hostName } : {};
      const command = `${restic.commandLine(restic.keyAddArgs(hostOpt))}  # new password on stdin`;
      const { jobId, value } = await runJob({
        kind: 'repo.key-add',
        repoId: id,
        title: `Add a key${hostName ? ` for ${hostName}` : ''} to ${await repoName(id)}`,
        command,
        action: 'repos.keyAdd',
        detail: hostName !== undefined ? { hostName } : {},
        secrets: [password],
        run: async (job) => {
          const key = await restic.keyAdd(password, { ...hostOpt, signal: job.signal });
          job.log(
            `added key ${key.id.slice(0, 8)}${key.hostName ? ` (${key.userName}@${key.hostName})` : ''}`,
            'info',
          );
          return key;
        },
      });
      ctx.events.emit('invalidate', { scope: 'repos', repoId: id });
      return { key: value, jobId, command };
    },

    'repos.keyRemove': async ({ id, keyId, confirm }) => {
      try {
        requireConfirmation(keyId.slice(0, 8), confirm, 'revoke this key');
      } catch (error) {
        refuse('repos.keyRemove', `repo:${id}`, error, { keyId });
      }
      const restic = await ctx.repos.restic(id);
      const command = restic.commandLine(['key', 'remove', '--', keyId]);
      const { jobId } = await runJob({
        kind: 'repo.key-remove',
        repoId: id,
        title: `Remove key ${keyId.slice(0, 8)} of ${await repoName(id)}`,
        command,
        action: 'repos.keyRemove',
        detail: { keyId },
        run: async (job) => {
          const keys = await restic.keys({ signal: job.signal });
          const matching = keys.filter((k) => k.id.startsWith(keyId) || keyId.startsWith(k.id));
          if (matching.length === 0)
            throw new ConsoleError('NOT_FOUND', `No key ${keyId.slice(0, 8)} in this repository.`);
          if (matching.some((k) => k.current))
            throw new ConsoleError(
              'CONFLICT',
              'That key is the one the console uses for this repository; it cannot remove it.',
            );
          await restic.keyRemove(keyId, { signal: job.signal });
        },
      });
      ctx.events.emit('invalidate', { scope: 'repos', repoId: id });
      return { jobId, command };
    },

    'snapshots.find': (input, call) => ctx.snapshots.find(input, call.signal),
    'snapshots.history': (input, call) => ctx.snapshots.history(input, call.signal),

    'snapshots.tags': async ({ repoId, snapshotIds, add, remove, set }) => {
      const restic = await ctx.repos.restic(repoId);
      const change = {
        ...(add?.length ? { add } : {}),
        ...(remove?.length ? { remove } : {}),
        ...(set !== undefined ? { set } : {}),
      };
      let command: string;
      try {
        command = restic.commandLine(restic.tagArgs(snapshotIds, change));
      } catch (error) {
        return refuse('snapshots.tags', `repo:${repoId}`, error, { snapshotIds, ...change });
      }
      const { jobId, value } = await runJob({
        kind: 'snapshot.tag',
        repoId,
        title: `Change tags of ${snapshotIds.length} snapshot(s)`,
        command,
        action: 'snapshots.tags',
        target: `repo:${repoId}`,
        detail: { snapshotIds, ...change },
        changes: true,
        run: async (job) => {
          // Unknown or ambiguous ids fail here, before anything is changed.
          const resolved = await restic.resolveSnapshots(snapshotIds, { signal: job.signal });
          const result = await restic.tag(
            resolved.map((s) => s.id),
            { ...change, signal: job.signal },
          );
          job.count('snapshotsChanged', result.changedSnapshots);
          for (const c of result.changes)
            job.log(`snapshot ${c.oldSnapshotId.slice(0, 8)} is now ${c.newSnapshotId.slice(0, 8)}`, 'info');
          return result.changes;
        },
      });
      return { jobId, command, changes: value };
    },

    'snapshots.forget': async ({ repoId, snapshotId, confirm }) => {
      const restic = await ctx.repos.restic(repoId);
      // The full id first (NOT_FOUND / AMBIGUOUS before anything changes); the short id is what to type.
      let full: string;
      try {
        const [snap] = await restic.resolveSnapshots([snapshotId]);
        full = (snap as { id: string }).id;
        requireConfirmation(full.slice(0, 8), confirm, 'forget this snapshot');
      } catch (error) {
        return refuse('snapshots.forget', `repo:${repoId}`, error, { snapshotId });
      }
      const command = restic.commandLine(['forget', '--', full]);
      const { jobId } = await runJob({
        kind: 'snapshot.forget',
        repoId,
        title: `Forget snapshot ${full.slice(0, 8)}`,
        command,
        action: 'snapshots.forget',
        detail: { snapshotId: full },
        changes: true,
        run: async (job) => {
          await restic.forgetSnapshots([full], { signal: job.signal });
          job.count('snapshotsRemoved', 1);
        },
      });
      return { jobId, command };
    },
  };
}
