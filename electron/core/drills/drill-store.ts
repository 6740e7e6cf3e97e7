/**
 * Restore drills and their schedules in SQLite (tables of migration 11).
 * No secrets: ids, names, paths, hashes' verdicts and restic's command
 * lines with the password masked.
 */
import type { DrillResult, DrillSchedule } from '../../../shared';
import { fromJson, iso, newId, type Clock } from '../store/common';
import type { Db } from '../store/db';

export interface DrillMismatch {
  path: string;
  reason: string;
}

export interface NewDrill {
  jobId: string;
  businessId: string | undefined;
  businessName: string | undefined;
  repoId: string;
  repoName: string;
  hostId: string;
  hostName: string;
  trigger: 'manual' | 'schedule';
  scratchPath: string;
  sampleFiles: number;
  snapshotHost: string | undefined;
}

export interface DrillProgress {
  snapshotId?: string;
  snapshotTime?: string;
  filesInSnapshot?: number;
  commands?: string[];
}

export interface DrillOutcome {
  status: 'passed' | 'failed';
  filesChecked: number;
  bytesChecked: number;
  mismatches: DrillMismatch[];
  reason?: string;
  commands: string[];
}

/** Mismatches kept per drill: the reason says how many there were in all. */
export const MAX_STORED_MISMATCHES = 500;

interface DrillRow {
  id: string;
  job_id: string;
  business_id: string | null;
  business_name: string | null;
  repo_id: string;
  repo_name: string;
  host_id: string;
  host_name: string;
  trigger: 'manual' | 'schedule';
  scratch_path: string;
  sample_files: number;
  snapshot_host: string | null;
  snapshot_id: string | null;
  snapshot_time: string | null;
  status: 'running' | 'passed' | 'failed';
  started_at: number;
  finished_at: number | null;
  files_in_snapshot: number | null;
  files_checked: number;
  bytes_checked: number;
  mismatches: string;
  reason: string | null;
  commands: string;
}

interface ScheduleRow {
  business_id: string;
  enabled: number;
  every_days: number;
  host_id: string;
  scratch_path: string;
  sample_files: number;
  repo_id: string | null;
  snapshot_host: string | null;
  next_run_at: number | null;
  last_run_at: number | null;
  updated_at: number;
}

export interface StoredSchedule extends Omit<DrillSchedule, 'nextRunAt' | 'lastRunAt'> {
  nextRunAt: number | undefined;
  lastRunAt: number | undefined;
}

function toResult(row: DrillRow): DrillResult {
  return {
    id: row.id,
    jobId: row.job_id,
    ...(row.business_id !== null ? { businessId: row.business_id } : {}),
    ...(row.business_name !== null ? { businessName: row.business_name } : {}),
    repoId: row.repo_id,
    repoName: row.repo_name,
    hostId: row.host_id,
    hostName: row.host_name,
    trigger: row.trigger,
    scratchPath: row.scratch_path,
    sampleFiles: row.sample_files,
    ...(row.snapshot_id !== null ? { snapshotId: row.snapshot_id } : {}),
    ...(row.snapshot_time !== null ? { snapshotTime: row.snapshot_time } : {}),
    status: row.status,
    startedAt: iso(row.started_at) as string,
    ...(row.finished_at !== null ? { finishedAt: iso(row.finished_at) as string } : {}),
    ...(row.files_in_snapshot !== null ? { filesInSnapshot: row.files_in_snapshot } : {}),
    filesChecked: row.files_checked,
    bytesChecked: row.bytes_checked,
    mismatches: fromJson<DrillMismatch[]>(row.mismatches, []),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    commands: fromJson<string[]>(row.commands, []),
  };
}

function toSchedule(row: ScheduleRow): StoredSchedule {
  return {
    businessId: row.business_id,
    enabled: row.enabled === 1,
    everyDays: row.every_days,
    hostId: row.host_id,
    scratchPath: row.scratch_path,
    sampleFiles: row.sample_files,
    ...(row.repo_id !== null ? { repoId: row.repo_id } : {}),
    ...(row.snapshot_host !== null ? { snapshotHost: row.snapshot_host } : {}),
    nextRunAt: row.next_run_at ?? undefined,
    lastRunAt: row.last_run_at ?? undefined,
  };
}

export class DrillStore {
  constructor(
    private readonly db: Db,
    private readonly now: Clock = Date.now,
  ) {}

  /** A new drill row, status running. */
  start(input: NewDrill): DrillResult {
    const id = newId('drill');
    this.db
      .prepare(
        `INSERT INTO drills (id, job_id, business_id, business_name, repo_id, repo_name, host_id, host_name,
           trigger, scratch_path, sample_files, snapshot_host, status, started_at)
         VALUES (@id, @jobId, @businessId, @businessName, @repoId, @repoName, @hostId, @hostName,
           @trigger, @scratchPath, @sampleFiles, @snapshotHost, 'running', @startedAt)`,
      )
      .run({
        id,
        jobId: input.jobId,
        businessId: input.businessId ?? null,
        businessName: input.businessName ?? null,
        repoId: input.repoId,
        repoName: input.repoName,
        hostId: input.hostId,
        hostName: input.hostName,
        trigger: input.trigger,
        scratchPath: input.scratchPath,
        sampleFiles: input.sampleFiles,
        snapshotHost: input.snapshotHost ?? null,
        startedAt: this.now(),
      });
    return this.get(id);
  }

  /** What is known while it runs (the snapshot, how many files it has, the commands so far). */
  update(id: string, p: DrillProgress): void {
    const row = this.row(id);
    this.db
      .prepare(
        `UPDATE drills SET snapshot_id = @snapshotId, snapshot_time = @snapshotTime,
           files_in_snapshot = @filesInSnapshot, commands = @commands WHERE id = @id`,
      )
      .run({
        id,
        snapshotId: p.snapshotId ?? row.snapshot_id,
        snapshotTime: p.snapshotTime ?? row.snapshot_time,
        filesInSnapshot: p.filesInSnapshot ?? row.files_in_snapshot,
        commands: p.commands ? JSON.stringify(p.commands) : row.commands,
      });
  }

  finish(id: string, outcome: DrillOutcome): DrillResult {
    this.db
      .prepare(
        `UPDATE drills SET status = @status, finished_at = @finishedAt, files_checked = @filesChecked,
           bytes_checked = @bytesChecked, mismatches = @mismatches, reason = @reason, commands = @commands
         WHERE id = @id`,
      )
      .run({
        id,
        status: outcome.status,
        finishedAt: this.now(),
        filesChecked: outcome.filesChecked,
        bytesChecked: outcome.bytesChecked,
        mismatches: JSON.stringify(outcome.mismatches.slice(0, MAX_STORED_MISMATCHES)),
        reason: outcome.reason ?? null,
        commands: JSON.stringify(outcome.commands),
      });
    return this.get(id);
  }

  /** Drills a previous (stopped) console left running: they did not finish. */
  failUnfinished(reason: string): number {
    return this.db
      .prepare(`UPDATE drills SET status = 'failed', finished_at = ?, reason = ? WHERE status = 'running'`)
      .run(this.now(), reason).changes;
  }

  private row(id: string): DrillRow {
    const row = this.db.prepare('SELECT * FROM drills WHERE id = ?').get(id) as DrillRow | undefined;
    if (!row) throw new Error(`drill ${id} vanished from the store`);
    return row;
  }

  get(id: string): DrillResult {
    return toResult(this.row(id));
  }

  list(filter: { businessId?: string; repoId?: string; limit: number }): DrillResult[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.businessId !== undefined) {
      where.push('business_id = ?');
      params.push(filter.businessId);
    }
    if (filter.repoId !== undefined) {
      where.push('repo_id = ?');
      params.push(filter.repoId);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM drills ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY started_at DESC, rowid DESC LIMIT ?`,
      )
      .all(...params, filter.limit) as DrillRow[];
    return rows.map(toResult);
  }

  /** The newest finished drill of a repository, and the newest passed one. */
  lastOfRepo(repoId: string): { finished?: DrillResult; passed?: DrillResult } {
    const finished = this.db
      .prepare(
        `SELECT * FROM drills WHERE repo_id = ? AND status != 'running' ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
      )
      .get(repoId) as DrillRow | undefined;
    const passed = this.db
      .prepare(
        `SELECT * FROM drills WHERE repo_id = ? AND status = 'passed' ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
      )
      .get(repoId) as DrillRow | undefined;
    return {
      ...(finished ? { finished: toResult(finished) } : {}),
      ...(passed ? { passed: toResult(passed) } : {}),
    };
  }

  /** When the business's newest drill started (any outcome), for the schedule. */
  lastStartOfBusiness(businessId: string): number | undefined {
    const row = this.db
      .prepare(`SELECT MAX(started_at) AS at FROM drills WHERE business_id = ?`)
      .get(businessId) as { at: number | null };
    return row.at ?? undefined;
  }

  runningOfBusiness(businessId: string): number {
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n FROM drills WHERE business_id = ? AND status = 'running'`)
      .get(businessId) as { n: number };
    return row.n;
  }

  // ---------------------------------------------------------------- schedules

  schedules(): StoredSchedule[] {
    return (this.db.prepare('SELECT * FROM drill_schedules ORDER BY business_id').all() as ScheduleRow[]).map(
      toSchedule,
    );
  }

  schedule(businessId: string): StoredSchedule | undefined {
    const row = this.db.prepare('SELECT * FROM drill_schedules WHERE business_id = ?').get(businessId) as
      ScheduleRow | undefined;
    return row ? toSchedule(row) : undefined;
  }

  putSchedule(s: StoredSchedule): StoredSchedule {
    this.db
      .prepare(
        `INSERT INTO drill_schedules (business_id, enabled, every_days, host_id, scratch_path, sample_files,
           repo_id, snapshot_host, next_run_at, last_run_at, updated_at)
         VALUES (@businessId, @enabled, @everyDays, @hostId, @scratchPath, @sampleFiles, @repoId, @snapshotHost,
           @nextRunAt, @lastRunAt, @updatedAt)
         ON CONFLICT (business_id) DO UPDATE SET enabled = excluded.enabled, every_days = excluded.every_days,
           host_id = excluded.host_id, scratch_path = excluded.scratch_path, sample_files = excluded.sample_files,
           repo_id = excluded.repo_id, snapshot_host = excluded.snapshot_host, next_run_at = excluded.next_run_at,
           last_run_at = excluded.last_run_at, updated_at = excluded.updated_at`,
      )
      .run({
        businessId: s.businessId,
        enabled: s.enabled ? 1 : 0,
        everyDays: s.everyDays,
        hostId: s.hostId,
        scratchPath: s.scratchPath,
        sampleFiles: s.sampleFiles,
        repoId: s.repoId ?? null,
        snapshotHost: s.snapshotHost ?? null,
        nextRunAt: s.nextRunAt ?? null,
        lastRunAt: s.lastRunAt ?? null,
        updatedAt: this.now(),
      });
    return this.schedule(s.businessId) as StoredSchedule;
  }

  markRun(businessId: string, at: number, next: number | undefined): void {
    this.db
      .prepare('UPDATE drill_schedules SET last_run_at = ?, next_run_at = ? WHERE business_id = ?')
      .run(at, next ?? null, businessId);
  }
}

export function scheduleToContract(s: StoredSchedule): DrillSchedule {
  const { nextRunAt, lastRunAt, ...rest } = s;
  return {
    ...rest,
    ...(nextRunAt !== undefined ? { nextRunAt: iso(nextRunAt) as string } : {}),
    ...(lastRunAt !== undefined ? { lastRunAt: iso(lastRunAt) as string } : {}),
  };
}
