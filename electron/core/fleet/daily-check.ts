/**
 * The daily check: one job that looks at the whole fleet in parallel and
 * writes one item per thing checked, each ok / warning / failing with its
 * reason in words.
 *
 * - Per host (items/host.ts): reachable, restic present and its version.
 * - Per repository (items/repository.ts, items/locks.ts,
 *   items/verified.ts): opened with the stored password, its lock files
 *   (owner host, pid, age, exclusive, pid alive on its host), age of the
 *   last `restic check` from the job history.
 * - Per plan (items/freshness.ts): newest snapshot of the plan's host and
 *   paths, read from the repository itself, against the freshness target.
 *
 * Every remote command goes through one FanOut (at most `concurrency` in
 * flight, at most `perHost` per host) and the job's AbortSignal: cancelling
 * the job stops the check, and what was found so far stays recorded.
 */
import { setMaxListeners } from 'node:events';
import { ConsoleError, type JobRecord } from '../../../shared';
import type { RunnerRegistry } from '../exec/runners';
import type { JobContext, JobManager } from '../jobs/job-manager';
import { readLocks, snapshotsWithoutLock, type ResticLock } from '../restic/locks';
import type { Restic } from '../restic/restic';
import type { EventBus } from '../rpc/event-bus';
import type { Store } from '../store/store';
import type { Plan } from '../store/plans';
import type { RepositoryRecord } from '../store/repositories';
import type { HostRecord } from '../store/hosts';
import { runCommand, withDeadline } from './exec';
import { repositoryDrillVerdict } from './items/drill';
import { freshnessVerdict } from './items/freshness';
import { runnerVerdicts } from './items/runner';
import { probeHost, type HostProbe } from './items/host';
import { lockVerdict, noLocksVerdict, ownerCandidates, pidProbeArgv, type PidState } from './items/locks';
import { repositoryErrorWords, repositoryVerdict } from './items/repository';
import type { CheckItem } from './items/types';
import { VERIFY_JOB_KIND, verifiedVerdict, verifyJobTarget } from './items/verified';
import { FanOut } from './limiter';
import { unreachableWords } from './words';

export const DAILY_CHECK_JOB_KIND = 'fleet.daily-check';
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_PER_HOST = 2;
/** One command (a probe, a restic listing) may take this long before it counts as "no answer". */
export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;

export interface DailyCheckDeps {
  store: Store;
  runners: RunnerRegistry;
  /** A configured Restic for a repository (its host's runner, its password). */
  repos: { restic(repoId: string): Promise<Restic> };
  /** restic on each host: the console's binary for this machine, the host's configured path otherwise. */
  resticBinaryFor: (hostId: string) => Promise<string>;
  jobs: JobManager;
  events?: Pick<EventBus, 'emit'>;
  log?: (message: string) => void;
  /** MinIO health and bucket-quota items (items/minio.ts); needs the secret store, so the caller binds it. */
  minioItems?: (signal: AbortSignal) => Promise<CheckItem[]>;
}

export interface DailyCheckOptions {
  /** Commands in flight across the fleet (default 8). */
  concurrency?: number;
  /** Commands in flight on one host (default 2). */
  perHost?: number;
  commandTimeoutMs?: number;
  now?: () => number;
}

export interface DailyCheckSummaryExtra {
  hosts: number;
  repositories: number;
  plans: number;
  durationMs: number;
  concurrency: number;
  perHost: number;
  peakInFlight: number;
  cancelled?: boolean;
}

interface Inventory {
  businesses: Map<string, string>;
  hosts: HostRecord[];
  hostsById: Map<string, HostRecord>;
  repositories: RepositoryRecord[];
  plans: Plan[];
}

async function loadInventory(store: Store): Promise<Inventory> {
  const businesses = new Map(store.businesses.list().map((b) => [b.id, b.name]));
  const allHosts = await store.hosts.list();
  const repositories = await store.repositories.list();
  const plans = store.plans.list();
  const used = new Set([...repositories.map((r) => r.hostId), ...plans.map((p) => p.hostId)]);
  // Every SSH host is checked; "this machine" only when something uses it.
  const hosts = allHosts.filter((h) => h.kind === 'ssh' || used.has(h.id));
  return { businesses, hosts, hostsById: new Map(allHosts.map((h) => [h.id, h])), repositories, plans };
}

function isCancel(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof ConsoleError && error.code === 'CANCELLED');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The newest finished jobs of a kind for a target (job history is newest first). */
function lastVerifyJobs(jobs: JobManager, repoId: string): { succeeded?: JobRecord; finished?: JobRecord } {
  const target = verifyJobTarget(repoId);
  const succeeded = jobs.list({ kind: VERIFY_JOB_KIND, target, status: 'succeeded', limit: 1 })[0];
  const finished = jobs.list({
    kind: VERIFY_JOB_KIND,
    target,
    status: ['succeeded', 'partial', 'failed'],
    limit: 1,
  })[0];
  return { ...(succeeded ? { succeeded } : {}), ...(finished ? { finished } : {}) };
}

/** Runs one daily check into the `daily_checks` row `checkId`. Resolves with the summary extras. */
export async function runDailyCheck(
  deps: DailyCheckDeps,
  checkId: string,
  job: Pick<JobContext, 'signal' | 'log' | 'progress' | 'count'>,
  options: DailyCheckOptions = {},
): Promise<DailyCheckSummaryExtra> {
  const now = options.now ?? Date.now;
  const started = now();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const perHost = options.perHost ?? DEFAULT_PER_HOST;
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const fan = new FanOut({ total: concurrency, perKey: perHost });
  const { signal } = job;
  // Every command in flight or waiting for a slot listens on the job's signal (and removes its listener after).
  setMaxListeners(0, signal);
  const inv = await loadInventory(deps.store);
  const checks = deps.store.dailyChecks;

  const record = (items: CheckItem[]): void => {
    if (items.length === 0) return;
    checks.addItems(checkId, items);
    for (const i of items) {
      job.count(i.status);
      if (i.status !== 'ok')
        job.log(
          `${i.status}: ${i.hostName ?? '-'} ${i.item}: ${i.reason}`,
          i.status === 'failing' ? 'stderr' : 'info',
        );
    }
  };

  // ---- progress: a host is done when its probe and the repositories it operates are.
  const repoCountByHost = new Map<string, number>();
  for (const r of inv.repositories) repoCountByHost.set(r.hostId, (repoCountByHost.get(r.hostId) ?? 0) + 1);
  const remaining = new Map(inv.hosts.map((h) => [h.id, 1 + (repoCountByHost.get(h.id) ?? 0)]));
  const units = [...remaining.values()].reduce((a, b) => a + b, 0);
  let unitsDone = 0;
  let hostsDone = 0;
  const report = (): void => {
    job.progress({
      percent: units === 0 ? 100 : Math.min(100, (unitsDone / units) * 100),
      message: `${hostsDone}/${inv.hosts.length} hosts checked`,
    });
  };
  const unitDone = (hostId: string): void => {
    unitsDone += 1;
    const left = (remaining.get(hostId) ?? 1) - 1;
    remaining.set(hostId, left);
    if (left === 0) {
      hostsDone += 1;
      job.count('hostsDone');
    }
    report();
  };
  job.count('hostsTotal', inv.hosts.length);
  report();
  job.log(
    `Checking ${inv.hosts.length} hosts, ${inv.repositories.length} repositories, ${inv.plans.length} plans (at most ${concurrency} commands at once, ${perHost} per host).`,
  );

  // ---- hosts
  const probes = new Map<string, Promise<HostProbe>>();
  for (const host of inv.hosts) {
    const p = probeHost(
      { id: host.id, name: host.name, kind: host.kind, address: host.address, port: host.port },
      { runners: deps.runners, resticBinaryFor: deps.resticBinaryFor, fan, signal, timeoutMs },
    ).then((probe) => {
      record(probe.items);
      unitDone(host.id);
      return probe;
    });
    probes.set(host.id, p);
  }
  const allProbes = (): Promise<HostProbe[]> => Promise.all(probes.values());

  // ---- is a pid alive on its host (asked once per host and pid)
  const pidAnswers = new Map<string, Promise<PidState>>();
  const pidState = async (lock: ResticLock, repoHostId: string): Promise<PidState> => {
    const reachable = (await allProbes()).map((p) => ({
      id: p.host.id,
      name: p.host.name,
      address: p.host.address,
      osHostname: p.osHostname,
      probe: p,
    }));
    const candidates = ownerCandidates(lock.hostname, reachable, repoHostId);
    const owner = candidates[0];
    if (!owner) return { kind: 'unknown-host' };
    if (!owner.probe.reachable || !owner.probe.runner)
      return { kind: 'unchecked', hostName: owner.name, why: `host ${owner.name} unreachable` };
    if (!(lock.pid > 0)) return { kind: 'unchecked', hostName: owner.name, why: 'the lock names no pid' };
    const key = `${owner.id}\u0000${lock.pid}`;
    let answer = pidAnswers.get(key);
    if (!answer) {
      const runner = owner.probe.runner;
      answer = (async (): Promise<PidState> => {
        try {
          const out = await withDeadline(signal, timeoutMs, (s) =>
            fan.run(owner.id, () => runCommand(runner, pidProbeArgv(lock.pid), s), s),
          );
          if (out.code === 0) return { kind: 'alive', hostName: owner.name };
          if (out.code === 1) return { kind: 'dead', hostName: owner.name };
          return {
            kind: 'unchecked',
            hostName: owner.name,
            why: `the pid probe on ${owner.name} failed (exit ${out.code ?? out.signal})`,
          };
        } catch (error) {
          if (isCancel(error, signal)) throw error;
          return {
            kind: 'unchecked',
            hostName: owner.name,
            why: `the pid probe on ${owner.name} failed (${unreachableWords(error)})`,
          };
        }
      })();
      pidAnswers.set(key, answer);
    }
    return answer;
  };

  // ---- repositories (and the freshness of their plans)
  const plansByRepo = new Map<string, Plan[]>();
  for (const p of inv.plans) plansByRepo.set(p.repositoryId, [...(plansByRepo.get(p.repositoryId) ?? []), p]);

  const checkRepository = async (repo: RepositoryRecord): Promise<void> => {
    const host = inv.hostsById.get(repo.hostId);
    const hostName = host?.name ?? repo.hostId;
    const repoSubject = {
      businessId: repo.businessId,
      businessName: repo.businessName,
      hostId: repo.hostId,
      hostName,
      planId: null,
      repositoryId: repo.id,
    };
    const repoData = { repositoryName: repo.name, location: repo.location };
    const plans = plansByRepo.get(repo.id) ?? [];
    const planItem = (
      plan: Plan,
      status: CheckItem['status'],
      reason: string,
      data: Record<string, unknown>,
    ): CheckItem => {
      const planHost = inv.hostsById.get(plan.hostId);
      return {
        businessId: plan.businessId,
        businessName: inv.businesses.get(plan.businessId) ?? null,
        hostId: plan.hostId,
        hostName: planHost?.name ?? plan.hostId,
        planId: plan.id,
        repositoryId: repo.id,
        item: 'freshness',
        status,
        reason,
        data: { planName: plan.name, ...repoData, ...data },
      };
    };

    // Verification age needs no host: it comes from the job history.
    const verify = lastVerifyJobs(deps.jobs, repo.id);
    const verified = verifiedVerdict(verify.succeeded, verify.finished, now());
    const items: CheckItem[] = [
      { ...repoSubject, item: 'verified', ...verified, data: { ...repoData, ...verified.data } },
    ];
    // A business's repository: when a restore drill last proved it restores (drill history, no host needed).
    if (repo.businessId !== null) {
      const drill = repositoryDrillVerdict(deps.store.db, repo.id, repo.businessId, now());
      items.push({ ...repoSubject, item: 'drill', ...drill, data: { ...repoData, ...drill.data } });
    }

    const probe = await probes.get(repo.hostId);
    if (!probe?.reachable) {
      const why = `host ${hostName} unreachable${probe?.unreachable ? ` (${probe.unreachable})` : ''}`;
      items.push({
        ...repoSubject,
        item: 'repository',
        status: 'failing',
        reason: `not checked: ${why}`,
        data: repoData,
      });
      for (const plan of plans)
        items.push(
          planItem(plan, 'failing', `not checked: repository ${repo.name} is reached through ${why}`, {}),
        );
      record(items);
      return;
    }

    let restic: Restic;
    try {
      restic = await deps.repos.restic(repo.id);
    } catch (error) {
      if (isCancel(error, signal)) throw error;
      const v = repositoryVerdict({ ok: false, error }, repo.location, hostName);
      items.push({ ...repoSubject, item: 'repository', ...v, data: { ...repoData, ...v.data } });
      for (const plan of plans)
        items.push(planItem(plan, 'failing', `not checked: repository ${repo.name}: ${v.reason}`, {}));
      record(items);
      return;
    }

    const guarded = <T>(
      work: (s: AbortSignal) => Promise<T>,
    ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> =>
      withDeadline(signal, timeoutMs, (s) => fan.run(repo.hostId, () => work(s), s)).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => {
          if (isCancel(error, signal)) throw error;
          return { ok: false as const, error };
        },
      );
    // Both are read-only (--no-lock): they may run side by side.
    const [locks, snapshots] = await Promise.all([
      guarded((s) => readLocks(restic, { signal: s })),
      plans.length > 0
        ? guarded((s) => snapshotsWithoutLock(restic, { signal: s }))
        : Promise.resolve(undefined),
    ]);

    const opened = locks.ok ? locks : snapshots && !snapshots.ok ? snapshots : locks;
    if (!opened.ok) {
      const v = repositoryVerdict({ ok: false, error: opened.error }, repo.location, hostName);
      items.push({ ...repoSubject, item: 'repository', ...v, data: { ...repoData, ...v.data } });
    } else {
      const v = repositoryVerdict(
        {
          ok: true,
          locks: locks.ok ? locks.value.length : 0,
          ...(snapshots?.ok ? { snapshots: snapshots.value.length } : {}),
        },
        repo.location,
        hostName,
      );
      items.push({ ...repoSubject, item: 'repository', ...v, data: { ...repoData, ...v.data } });
    }

    if (locks.ok) {
      if (locks.value.length === 0) {
        const v = noLocksVerdict();
        items.push({ ...repoSubject, item: 'locks', ...v, data: { ...repoData, ...v.data } });
      } else {
        for (const lock of locks.value) {
          const state = await pidState(lock, repo.hostId);
          const v = lockVerdict(lock, state, now());
          items.push({ ...repoSubject, item: 'locks', ...v, data: { ...repoData, ...v.data } });
        }
      }
    } else if (opened.ok) {
      // The repository opened for `snapshots` but its locks could not be listed.
      items.push({
        ...repoSubject,
        item: 'locks',
        status: 'warning',
        reason: `locks could not be listed: ${repositoryErrorWords(locks.error, repo.location, hostName)}`,
        data: repoData,
      });
    }

    for (const plan of plans) {
      if (!snapshots) continue;
      if (!snapshots.ok) {
        items.push(
          planItem(
            plan,
            'failing',
            `could not read snapshots: ${repositoryErrorWords(snapshots.error, repo.location, hostName)}`,
            {},
          ),
        );
        continue;
      }
      const planHost = inv.hostsById.get(plan.hostId);
      // Snapshots carry the inventory name (the runner's --host) or the OS host name (restic's default).
      const osHostname = (await probes.get(plan.hostId))?.osHostname;
      const names = [planHost?.name ?? plan.hostId, ...(osHostname ? [osHostname] : [])];
      const v = freshnessVerdict(plan, names, snapshots.value, now());
      items.push(planItem(plan, v.status, v.reason, v.data));
      // The host-side runner's status files, cross-checked against these snapshots (items/runner.ts).
      const runner = await runnerVerdicts(
        {
          store: deps.store,
          runners: deps.runners,
          onHost: (hostId, work) => withDeadline(signal, timeoutMs, (s) => fan.run(hostId, () => work(s), s)),
          now: now(),
        },
        plan,
        planHost?.name ?? plan.hostId,
        snapshots.value,
      );
      if (runner) {
        items.push({
          ...planItem(plan, runner.runner.status, runner.runner.reason, runner.runner.data),
          item: 'runner',
        });
        if (runner.offsite)
          items.push({
            ...planItem(plan, runner.offsite.status, runner.offsite.reason, runner.offsite.data),
            item: 'offsite',
          });
      }
    }
    record(items);
  };

  const repoTasks = inv.repositories.map((repo) =>
    checkRepository(repo).then(
      () => unitDone(repo.hostId),
      (error: unknown) => {
        if (isCancel(error, signal)) throw error;
        // A bug in one repository's check must not lose the others: record it.
        deps.log?.(
          `daily check: ${repo.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        record([
          {
            businessId: repo.businessId,
            businessName: repo.businessName,
            hostId: repo.hostId,
            hostName: inv.hostsById.get(repo.hostId)?.name ?? repo.hostId,
            planId: null,
            repositoryId: repo.id,
            item: 'repository',
            status: 'failing',
            reason: `the check itself failed: ${messageOf(error).split('\n')[0]}`,
            data: { repositoryName: repo.name, location: repo.location },
          },
        ]);
        unitDone(repo.hostId);
      },
    ),
  );

  // MinIO connections: no host involved, so they run beside the hosts.
  const minioTask = deps.minioItems
    ? deps.minioItems(signal).then(record, (error: unknown) => {
        if (isCancel(error, signal)) throw error;
        deps.log?.(`daily check: minio: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      })
    : Promise.resolve();

  // Plans whose repository is missing from the list cannot happen (foreign keys), so every plan is covered above.
  const results = await Promise.allSettled([...probes.values(), ...repoTasks, minioTask]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed)
    throw isCancel(failed.reason, signal) ? new ConsoleError('CANCELLED', 'Cancelled.') : failed.reason;

  return {
    hosts: inv.hosts.length,
    repositories: inv.repositories.length,
    plans: inv.plans.length,
    durationMs: now() - started,
    concurrency,
    perHost,
    peakInFlight: fan.peakInFlight,
  };
}

/**
 * Starts daily checks as jobs, one at a time: asking while one runs
 * returns the running one.
 */
export class DailyCheckService {
  private current: { checkId: string; jobId: string } | undefined;

  constructor(
    private readonly deps: DailyCheckDeps,
    private readonly options: DailyCheckOptions = {},
  ) {}

  start(): { checkId: string; jobId: string } {
    if (this.current) {
      let active = false;
      try {
        const { status } = this.deps.jobs.get(this.current.jobId);
        active = status === 'queued' || status === 'running';
      } catch {
        // Pruned from the history: certainly not running.
      }
      if (active) return this.current;
    }
    const { store, jobs, events } = this.deps;
    // The job's work runs on a later tick (JobManager.start), after the row below exists.
    const slot: { checkId?: string } = {};
    const record = jobs.submit({
      kind: DAILY_CHECK_JOB_KIND,
      target: 'fleet',
      title: 'Daily check of the fleet',
      priority: 'manual',
      run: async (ctx) => {
        const id = slot.checkId;
        if (id === undefined) throw new ConsoleError('INTERNAL', 'The daily check record was not created.');
        try {
          const extra = await runDailyCheck(this.deps, id, ctx, this.options);
          store.dailyChecks.finish(id, 'done', { ...extra });
          const s = store.dailyChecks.get(id).summary;
          ctx.log(`Done: ${s.ok} ok, ${s.warning} warning, ${s.failing} failing.`);
        } catch (error) {
          const cancelled =
            ctx.signal.aborted || (error instanceof ConsoleError && error.code === 'CANCELLED');
          store.dailyChecks.finish(
            id,
            'failed',
            cancelled ? { cancelled: true } : { error: messageOf(error).slice(0, 500) },
          );
          throw error;
        } finally {
          events?.emit('invalidate', { scope: 'checks' });
        }
      },
    });
    const id = store.dailyChecks.start({ jobId: record.id }).id;
    slot.checkId = id;
    // A job cancelled while still queued never runs: close its check too.
    void jobs.wait(record.id).then(
      () => {
        if (store.db.open && store.dailyChecks.get(id).status === 'running') {
          store.dailyChecks.finish(id, 'failed', { cancelled: true });
          events?.emit('invalidate', { scope: 'checks' });
        }
      },
      () => undefined,
    );
    this.current = { checkId: id, jobId: record.id };
    events?.emit('invalidate', { scope: 'checks' });
    return this.current;
  }
}
