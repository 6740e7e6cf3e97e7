/** SQLite persistence of job records and their bounded logs (tables `jobs`, `job_log`). */
import { ConsoleError, type ErrorCode } from '../../../shared';
import { fromJson, iso, notFound } from '../store/common';
import type { Db } from '../store/db';
import { parseInput } from '../store/validation';
import {
  JobListFilterSchema,
  type JobListFilter,
  type JobLogLine,
  type JobLogStream,
  type JobRecord,
  type JobStatus,
} from './types';

interface Row {
  seq: number;
  id: string;
  kind: string;
  target: string;
  title: string;
  status: JobStatus;
  priority: JobRecord['priority'];
  progress: string;
  counters: string;
  command: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  exit_code: number | null;
  error_code: string | null;
  error_message: string | null;
  cancel_requested: 0 | 1;
  log_lines: number;
  log_dropped: number;
}

function toRecord(row: Row): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    target: row.target,
    title: row.title,
    status: row.status,
    priority: row.priority,
    progress: fromJson(row.progress, {}),
    counters: fromJson(row.counters, {}),
    command: row.command,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at) ?? null,
    endedAt: iso(row.ended_at) ?? null,
    exitCode: row.exit_code,
    error:
      row.error_code === null
        ? null
        : { code: row.error_code as ErrorCode, message: row.error_message ?? '' },
    cancelRequested: row.cancel_requested === 1,
    logTotal: row.log_lines,
    logDropped: row.log_dropped,
  };
}

const ms = (value: string | null): number | null => (value === null ? null : Date.parse(value));

export class JobStore {
  constructor(private readonly db: Db) {}

  insert(job: JobRecord): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, target, title, status, priority, progress, counters, command, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        job.id,
        job.kind,
        job.target,
        job.title,
        job.status,
        job.priority,
        JSON.stringify(job.progress),
        JSON.stringify(job.counters),
        job.command,
        ms(job.createdAt),
      );
  }

  /** Writes the mutable part of a record (status, times, progress, outcome). */
  save(job: JobRecord): void {
    this.db
      .prepare(
        `UPDATE jobs SET status = ?, progress = ?, counters = ?, command = ?, started_at = ?, ended_at = ?, exit_code = ?,
                         error_code = ?, error_message = ?, cancel_requested = ?, log_lines = ?, log_dropped = ?
         WHERE id = ?`,
      )
      .run(
        job.status,
        JSON.stringify(job.progress),
        JSON.stringify(job.counters),
        job.command,
        ms(job.startedAt),
        ms(job.endedAt),
        job.exitCode,
        job.error?.code ?? null,
        job.error?.message ?? null,
        job.cancelRequested ? 1 : 0,
        job.logTotal,
        job.logDropped,
        job.id,
      );
  }

  /**
   * Appends lines and trims the job's log to its newest `keep` lines.
   * Returns how many stored lines the trim removed.
   */
  appendLog(
    jobId: string,
    lines: { n: number; at: number; stream: JobLogStream; line: string }[],
    keep: number,
  ): number {
    if (lines.length === 0) return 0;
    const seq = this.seqOf(jobId);
    const insert = this.db.prepare(
      'INSERT INTO job_log (job_seq, n, at, stream, line) VALUES (?, ?, ?, ?, ?)',
    );
    return this.db.transaction(() => {
      for (const l of lines) insert.run(seq, l.n, l.at, l.stream, l.line);
      const last = lines[lines.length - 1]!.n;
      return this.db.prepare('DELETE FROM job_log WHERE job_seq = ? AND n <= ?').run(seq, last - keep)
        .changes;
    })();
  }

  private seqOf(jobId: string): number {
    const row = this.db.prepare('SELECT seq FROM jobs WHERE id = ?').get(jobId) as
      { seq: number } | undefined;
    if (!row) throw notFound('job', jobId);
    return row.seq;
  }

  get(id: string): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Newest first. */
  list(filter: JobListFilter = {}): JobRecord[] {
    const f = parseInput(JobListFilterSchema, filter, 'Invalid job filter');
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (f.status !== undefined) {
      const statuses = Array.isArray(f.status) ? f.status : [f.status];
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (f.kind !== undefined) {
      where.push('kind = ?');
      params.push(f.kind);
    }
    if (f.target !== undefined) {
      where.push('target = ?');
      params.push(f.target);
    }
    if (f.before !== undefined) {
      where.push('seq < ?');
      params.push(this.seqOf(f.before));
    }
    const sql = `SELECT * FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, f.limit) as Row[]).map(toRecord);
  }

  /** The kept log lines, oldest first; `after` returns only lines numbered above it (for tailing). */
  log(jobId: string, options: { after?: number; limit?: number } = {}): JobLogLine[] {
    const seq = this.seqOf(jobId);
    const limit = Math.min(Math.max(options.limit ?? 10_000, 1), 10_000);
    const rows = this.db
      .prepare('SELECT n, at, stream, line FROM job_log WHERE job_seq = ? AND n > ? ORDER BY n LIMIT ?')
      .all(seq, options.after ?? -1, limit) as {
      n: number;
      at: number;
      stream: JobLogStream;
      line: string;
    }[];
    return rows.map((r) => ({ n: r.n, at: iso(r.at)!, stream: r.stream, line: r.line }));
  }

  /** Jobs a stopped console left queued or running: failed, with `message`. Returns their ids. */
  failUnfinished(now: number, code: ErrorCode, message: string): string[] {
    return this.db.transaction(() => {
      const ids = (
        this.db.prepare(`SELECT id FROM jobs WHERE status IN ('queued', 'running')`).all() as { id: string }[]
      ).map((r) => r.id);
      this.db
        .prepare(
          `UPDATE jobs SET status = 'failed', ended_at = ?, error_code = ?, error_message = ?, cancel_requested = 0
           WHERE status IN ('queued', 'running')`,
        )
        .run(now, code, message);
      return ids;
    })();
  }

  /** Keeps the newest `keep` finished jobs (and their logs); returns how many were removed. */
  pruneHistory(keep: number): number {
    if (!Number.isInteger(keep) || keep < 0)
      throw new ConsoleError('BAD_REQUEST', 'keep must be a non-negative integer');
    return this.db
      .prepare(
        `DELETE FROM jobs WHERE status NOT IN ('queued', 'running') AND seq NOT IN (
           SELECT seq FROM jobs WHERE status NOT IN ('queued', 'running') ORDER BY seq DESC LIMIT ?)`,
      )
      .run(keep).changes;
  }
}
