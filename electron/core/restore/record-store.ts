/**
 * Restore records in SQLite (table `restores`, migration 10). A record is
 * written when a restore is accepted and rewritten at every status change,
 * so it outlives the window (and the console: one left unfinished by a
 * stopped console is marked failed when the next one opens).
 */
import { ConsoleError, RestoreRecordSchema, type RestoreRecord, type RestoreStatus } from '../../../shared';
import type { Db } from '../store/db';

export const ACTIVE_STATUSES: ReadonlySet<RestoreStatus> = new Set(['queued', 'safety-snapshot', 'restoring', 'verifying']);

interface Row {
  record: string;
}

export class RestoreRecords {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  insert(record: RestoreRecord, hostId: string | undefined): void {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO restores (id, job_id, status, repo_id, host_id, undo_of, created_at, updated_at, record)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.jobId,
        record.status,
        record.repoId,
        hostId ?? null,
        record.undoOf ?? null,
        at,
        at,
        JSON.stringify(record),
      );
  }

  get(id: string): RestoreRecord {
    const row = this.db.prepare('SELECT record FROM restores WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new ConsoleError('NOT_FOUND', `No restore ${id}.`);
    return parse(row.record);
  }

  /** Applies `change` to the stored record and writes it back; returns the new record. */
  update(id: string, change: (r: RestoreRecord) => RestoreRecord): RestoreRecord {
    const next = change(this.get(id));
    this.db
      .prepare('UPDATE restores SET status = ?, job_id = ?, updated_at = ?, record = ? WHERE id = ?')
      .run(next.status, next.jobId, this.now(), JSON.stringify(next), id);
    return next;
  }

  list(opts: { active?: boolean; limit: number }): RestoreRecord[] {
    const rows = opts.active
      ? (this.db
          .prepare(
            `SELECT record FROM restores WHERE status IN (${[...ACTIVE_STATUSES].map(() => '?').join(',')})
             ORDER BY created_at DESC, rowid DESC LIMIT ?`,
          )
          .all(...ACTIVE_STATUSES, opts.limit) as Row[])
      : (this.db.prepare('SELECT record FROM restores ORDER BY created_at DESC, rowid DESC LIMIT ?').all(opts.limit) as Row[]);
    return rows.map((r) => parse(r.record));
  }

  /** Restores a stopped console left running: failed, with the reason. */
  failUnfinished(message: string): string[] {
    const left = this.list({ active: true, limit: 10_000 });
    for (const r of left) {
      this.update(r.id, (rec) => ({
        ...rec,
        status: 'failed',
        finishedAt: new Date(this.now()).toISOString(),
        error: { code: 'CANCELLED', message },
      }));
    }
    return left.map((r) => r.id);
  }
}

function parse(text: string): RestoreRecord {
  return RestoreRecordSchema.parse(JSON.parse(text));
}
