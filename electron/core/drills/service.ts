/**
 * Restore drills for the contract (drills.run, list, schedules,
 * setSchedule) and the console-kept schedule: a timer that starts the
 * drills that are due (a missed one runs when the console next runs).
 *
 * A drill is a job (kind `drill`, target `repo:<id>`) and a row in the
 * `drills` table; it is audited with its outcome. A failed drill ends its
 * job with VERIFY_FAILED and the mismatches in words.
 */
import path from 'node:path';
import { ConsoleError, type DrillResult, type DrillSchedule } from '../../../shared';
import type { CoreContext } from '../context';
import { audited } from '../handlers/audited';
import { LOCAL_HOST_ID } from '../inventory/inventory';
import type { JobContext } from '../jobs/job-manager';
import type { HostRecord } from '../store/hosts';
import type { RepositoryRecord } from '../store/repositories';
import { DrillStore, scheduleToContract, type StoredSchedule } from './drill-store';
import { DrillRestic } from './remote';
import { runDrill, type DrillHooks } from './run-drill';
import { isDue, nextRunAt } from './schedule';

export const DRILL_JOB_KIND = 'drill';
export const drillJobTarget = (repoId: string): string => `repo:${repoId}`;

export interface DrillServiceOptions extends DrillHooks {
  /** How often the schedule is looked at (default 60 s). */
  tickMs?: number;
  now?: () => number;
}

export interface DrillRequest {
  repoId: string;
  hostId: string;
  scratchPath: string;
  sampleFiles: number;
  snapshotHost?: string;
}

type Ctx = Pick<
  CoreContext,
  'store' | 'repos' | 'runners' | 'resticBinaryFor' | 'jobs' | 'audit' | 'events' | 'log'
>;

/** An absolute folder, normalized; "/" itself, "..", NUL and control characters refused. */
export function normalizeScratchPath(input: string): string {
  if (!input.startsWith('/')) throw new ConsoleError('BAD_REQUEST', 'The scratch path must be absolute.');
  if (/[\p{Cc}]/u.test(input))
    throw new ConsoleError('BAD_REQUEST', 'The scratch path must not contain control characters.');
  const parts = input.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ConsoleError('BAD_REQUEST', 'The scratch path must not contain "..".');
  if (parts.length === 0)
    throw new ConsoleError(
      'BAD_REQUEST',
      'Pick a scratch folder, not "/": each drill makes and removes a folder in it.',
    );
  return path.posix.join('/', ...parts);
}

interface Prepared {
  repo: RepositoryRecord;
  host: HostRecord;
  scratchPath: string;
}

export class DrillService {
  readonly store: DrillStore;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly ctx: Ctx,
    private readonly options: DrillServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.store = new DrillStore(ctx.store.db, this.now);
    // The jobs of a stopped console were marked failed by the job manager; their drills too.
    this.store.failUnfinished('the console stopped while the drill ran');
  }

  // ---------------------------------------------------------------- run

  private async prepare(req: DrillRequest): Promise<Prepared> {
    const scratchPath = normalizeScratchPath(req.scratchPath);
    const repo = await this.ctx.store.repositories.get(req.repoId);
    const host = await this.ctx.store.hosts.get(req.hostId);
    if (!repo.passwordSet)
      throw new ConsoleError(
        'REPO_WRONG_PASSWORD',
        `No password is stored for repository "${repo.name}". Set it first.`,
      );
    if (repo.kind === 'local' && repo.hostId !== host.id) {
      const repoHost = await this.ctx.store.hosts.get(repo.hostId).catch(() => undefined);
      throw new ConsoleError(
        'BAD_REQUEST',
        `Repository "${repo.name}" is a folder on ${repoHost?.name ?? repo.hostId}; host ${host.name} cannot read it. Run the drill on ${repoHost?.name ?? repo.hostId}.`,
        { reason: 'repository-not-reachable' },
      );
    }
    return { repo, host, scratchPath };
  }

  private async resticFor(p: Prepared): Promise<DrillRestic> {
    const base = (await this.ctx.repos.restic(p.repo.id)).target;
    const env = { ...base.env };
    // The console's cache folder is a path on this machine: meaningless on another host.
    if (p.host.id !== LOCAL_HOST_ID) delete env.RESTIC_CACHE_DIR;
    return new DrillRestic({
      ...base,
      env,
      runner: await this.ctx.runners.runnerFor(p.host.id),
      binary: await this.ctx.resticBinaryFor(p.host.id),
    });
  }

  /**
   * Starts a drill. By hand, bad input is refused at once (a typed error,
   * audited, nothing started); from the schedule, the problem is the
   * drill's recorded failure, so the board shows it.
   */
  async run(
    req: DrillRequest,
    trigger: 'manual' | 'schedule' = 'manual',
  ): Promise<{ drillId: string; jobId: string }> {
    let prepared: Prepared | undefined;
    const target = drillJobTarget(req.repoId);
    if (trigger === 'manual') {
      try {
        prepared = await this.prepare(req);
      } catch (error) {
        this.ctx.audit.record({
          action: 'drills.run',
          target,
          result: 'failed',
          detail: { hostId: req.hostId, code: error instanceof ConsoleError ? error.code : 'INTERNAL' },
        });
        this.ctx.events.emit('invalidate', { scope: 'audit' });
        throw error;
      }
    }
    const repoRecord =
      prepared?.repo ?? (await this.ctx.store.repositories.get(req.repoId).catch(() => undefined));
    const hostRecord = prepared?.host ?? (await this.ctx.store.hosts.get(req.hostId).catch(() => undefined));
    const slot: { drillId?: string } = {};
    const job = this.ctx.jobs.submit({
      kind: DRILL_JOB_KIND,
      target,
      title: `Restore drill of ${repoRecord?.name ?? req.repoId} on ${hostRecord?.name ?? req.hostId}`,
      priority: trigger === 'manual' ? 'manual' : 'bulk',
      run: (jobCtx) => this.execute(slot, req, trigger, prepared, jobCtx),
    });
    const drill = this.store.start({
      jobId: job.id,
      businessId: repoRecord?.businessId ?? undefined,
      businessName: repoRecord?.businessName ?? undefined,
      repoId: req.repoId,
      repoName: repoRecord?.name ?? req.repoId,
      hostId: req.hostId,
      hostName: hostRecord?.name ?? req.hostId,
      trigger,
      scratchPath: req.scratchPath,
      sampleFiles: req.sampleFiles,
      snapshotHost: req.snapshotHost,
    });
    slot.drillId = drill.id;
    // A drill cancelled while its job still waited never runs: close its row too.
    void this.ctx.jobs.wait(job.id).then(
      (record) => {
        if (!this.ctx.store.db.open) return;
        if (this.store.get(drill.id).status === 'running') {
          this.store.finish(drill.id, {
            status: 'failed',
            filesChecked: 0,
            bytesChecked: 0,
            mismatches: [],
            reason: record.error?.message ?? `the job ended (${record.status}) before the drill ran`,
            commands: [],
          });
          this.changed();
        }
      },
      () => undefined,
    );
    this.changed();
    return { drillId: drill.id, jobId: job.id };
  }

  private async execute(
    slot: { drillId?: string },
    req: DrillRequest,
    trigger: 'manual' | 'schedule',
    prepared: Prepared | undefined,
    job: JobContext,
  ): Promise<void> {
    // The job's work starts on a later tick, after the row exists.
    const drillId = slot.drillId;
    if (drillId === undefined) throw new ConsoleError('INTERNAL', 'The drill record was not created.');
    const detail = {
      drillId,
      jobId: job.id,
      hostId: req.hostId,
      scratchPath: req.scratchPath,
      sampleFiles: req.sampleFiles,
      trigger,
    };
    let finished = false;
    const finishFailed = (reason: string, commands: string[] = []): void => {
      if (finished) return;
      finished = true;
      this.store.finish(drillId, {
        status: 'failed',
        filesChecked: 0,
        bytesChecked: 0,
        mismatches: [],
        reason,
        commands,
      });
    };
    try {
      await audited(
        this.ctx,
        'drills.run',
        drillJobTarget(req.repoId),
        async () => {
          const p = prepared ?? (await this.prepare(req));
          const restic = await this.resticFor(p);
          const report = await runDrill(
            {
              drillId,
              restic,
              runner: restic.target.runner,
              hostName: p.host.name,
              scratchPath: p.scratchPath,
              sampleFiles: req.sampleFiles,
              ...(req.snapshotHost !== undefined ? { snapshotHost: req.snapshotHost } : {}),
            },
            job,
            {
              onSnapshot: (s) => {
                this.store.update(drillId, s);
                this.changed();
              },
            },
            this.options,
          );
          finished = true;
          this.store.finish(drillId, report);
          job.log(
            report.status === 'passed'
              ? `Passed: ${report.filesChecked} files, content identical to the snapshot.`
              : `Failed: ${report.reason ?? 'see the mismatches'}`,
            report.status === 'passed' ? 'info' : 'stderr',
          );
          if (report.status === 'failed')
            throw new ConsoleError('VERIFY_FAILED', report.reason ?? 'The restore drill failed.', {
              mismatches: report.mismatches.length,
            });
          return report;
        },
        detail,
      );
    } catch (error) {
      const cancelled = job.signal.aborted || (error instanceof ConsoleError && error.code === 'CANCELLED');
      finishFailed(
        cancelled
          ? 'cancelled'
          : ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'failed'),
        this.store.get(drillId).commands ?? [],
      );
      throw error;
    } finally {
      this.changed();
    }
  }

  private changed(): void {
    this.ctx.events.emit('invalidate', { scope: 'audit' });
    this.ctx.events.emit('invalidate', { scope: 'checks' });
  }

  list(filter: { businessId?: string; repoId?: string; limit: number }): DrillResult[] {
    return this.store.list(filter);
  }

  // ---------------------------------------------------------------- schedules

  schedules(): DrillSchedule[] {
    return this.store.schedules().map(scheduleToContract);
  }

  async setSchedule(input: Omit<DrillSchedule, 'nextRunAt' | 'lastRunAt'>): Promise<DrillSchedule> {
    return audited(
      this.ctx,
      'drills.setSchedule',
      `business:${input.businessId}`,
      async () => {
        const scratchPath = normalizeScratchPath(input.scratchPath);
        const business = this.ctx.store.businesses.get(input.businessId);
        const host = await this.ctx.store.hosts.get(input.hostId);
        const repos = await this.ctx.store.repositories.list({ businessId: business.id });
        if (input.repoId !== undefined && !repos.some((r) => r.id === input.repoId))
          throw new ConsoleError(
            'BAD_REQUEST',
            `That repository does not belong to business "${business.name}".`,
          );
        for (const repo of input.repoId !== undefined ? repos.filter((r) => r.id === input.repoId) : repos) {
          if (repo.kind === 'local' && repo.hostId !== host.id)
            throw new ConsoleError(
              'BAD_REQUEST',
              `Repository "${repo.name}" is a folder on another host; host ${host.name} cannot read it.`,
              { reason: 'repository-not-reachable' },
            );
        }
        const previous = this.store.schedule(business.id);
        const lastRunAt = previous?.lastRunAt;
        const lastDrill = Math.max(
          lastRunAt ?? -Infinity,
          this.store.lastStartOfBusiness(business.id) ?? -Infinity,
        );
        const now = this.now();
        const stored: StoredSchedule = {
          businessId: business.id,
          enabled: input.enabled,
          everyDays: input.everyDays,
          hostId: host.id,
          scratchPath,
          sampleFiles: input.sampleFiles,
          ...(input.repoId !== undefined ? { repoId: input.repoId } : {}),
          ...(input.snapshotHost !== undefined ? { snapshotHost: input.snapshotHost } : {}),
          nextRunAt: nextRunAt(input, Number.isFinite(lastDrill) ? lastDrill : undefined, now),
          lastRunAt,
        };
        const saved = this.store.putSchedule(stored);
        return scheduleToContract(saved);
      },
      {
        enabled: input.enabled,
        everyDays: input.everyDays,
        hostId: input.hostId,
        sampleFiles: input.sampleFiles,
      },
    ).finally(() => this.ctx.events.emit('invalidate', { scope: 'audit' }));
  }

  /** Starts the due drills once. Resolves when they are submitted (not finished). */
  async runDue(): Promise<number> {
    let started = 0;
    const now = this.now();
    for (const s of this.store.schedules()) {
      if (!s.enabled || !isDue(s.nextRunAt, now)) continue;
      // One business's drills at a time: a slow one is not stacked up on.
      if (this.store.runningOfBusiness(s.businessId) > 0) continue;
      this.store.markRun(s.businessId, now, nextRunAt(s, now, now));
      const repos = (await this.ctx.store.repositories.list({ businessId: s.businessId })).filter(
        (r) => s.repoId === undefined || r.id === s.repoId,
      );
      if (repos.length === 0)
        this.ctx.log(`drill schedule of business ${s.businessId}: no repository to drill`);
      for (const repo of repos) {
        try {
          await this.run(
            {
              repoId: repo.id,
              hostId: s.hostId,
              scratchPath: s.scratchPath,
              sampleFiles: s.sampleFiles,
              ...(s.snapshotHost !== undefined ? { snapshotHost: s.snapshotHost } : {}),
            },
            'schedule',
          );
          started += 1;
        } catch (error) {
          this.ctx.log(
            `drill schedule of business ${s.businessId}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    }
    return started;
  }

  /** Starts the timer (idempotent). The first look is right away: drills missed while the console was closed run now. */
  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      if (!this.timer || this.ticking) return;
      this.ticking = this.runDue()
        .then(
          () => undefined,
          (error: unknown) =>
            this.ctx.log(`drill schedule: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => {
          this.ticking = undefined;
        });
    };
    this.timer = setInterval(tick, this.options.tickMs ?? 60_000);
    this.timer.unref?.();
    setImmediate(tick);
  }

  /** Stops the timer; waits for a look in progress (running drills are the job manager's to stop). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }
}

const services = new WeakMap<object, DrillService>();

/** The drill service of a core (one per CoreContext), made on first use. */
export function drillServiceFor(ctx: Ctx, options?: DrillServiceOptions): DrillService {
  let s = services.get(ctx);
  if (!s) {
    s = new DrillService(ctx, options);
    services.set(ctx, s);
  }
  return s;
}
