/**
 * History of daily checks: one row per run, one item per thing checked
 * (reachability, restic version, freshness per plan, locks, last check…),
 * each ok / warning / failing with its reason in words. Items keep the
 * business and host names they were made with, so history survives the
 * removal of a host.
 */
import { z } from 'zod';
import { fromJson, iso, newId, notFound, type Clock } from './common';
import type { Db } from './db';
import { IdSchema, parseInput } from './validation';

export const CheckItemStatusSchema = z.enum(['ok', 'warning', 'failing']);
export type CheckItemStatus = z.infer<typeof CheckItemStatusSchema>;

export const DailyCheckItemInputSchema = z
  .object({
    businessId: IdSchema.nullable().default(null),
    businessName: z.string().max(256).nullable().default(null),
    hostId: IdSchema.nullable().default(null),
    hostName: z.string().max(256).nullable().default(null),
    planId: IdSchema.nullable().default(null),
    repositoryId: IdSchema.nullable().default(null),
    /** What was checked: "reachable", "restic", "freshness", "locks", "verified", … */
    item: z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/),
    status: CheckItemStatusSchema,
    reason: z.string().max(2000).default(''),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type DailyCheckItemInput = z.input<typeof DailyCheckItemInputSchema>;

export interface DailyCheckItem {
  id: number;
  businessId: string | null;
  businessName: string | null;
  hostId: string | null;
  hostName: string | null;
  planId: string | null;
  repositoryId: string | null;
  item: string;
  status: CheckItemStatus;
  reason: string;
  data: Record<string, unknown>;
  at: string;
}

export interface DailyCheck {
  id: string;
  jobId: string | null;
  startedAt: string;
  endedAt: string | undefined;
  status: 'running' | 'done' | 'failed';
  summary: { ok: number; warning: number; failing: number } & Record<string, unknown>;
}

interface CheckRow {
  id: string;
  job_id: string | null;
  started_at: number;
  ended_at: number | null;
  status: DailyCheck['status'];
  summary: string;
}

interface ItemRow {
  id: number;
  business_id: string | null;
  business_name: string | null;
  host_id: string | null;
  host_name: string | null;
  plan_id: string | null;
  repository_id: string | null;
  item: string;
  status: CheckItemStatus;
  reason: string;
  data: string;
  at: number;
}

function toCheck(row: CheckRow): DailyCheck {
  return {
    id: row.id,
    jobId: row.job_id,
    startedAt: iso(row.started_at)!,
    endedAt: iso(row.ended_at),
    status: row.status,
    summary: {
      ok: 0,
      warning: 0,
      failing: 0,
      ...fromJson<Record<string, unknown>>(row.summary, {}),
    } as DailyCheck['summary'],
  };
}

function toItem(row: ItemRow): DailyCheckItem {
  return {
    id: row.id,
    businessId: row.business_id,
    businessName: row.business_name,
    hostId: row.host_id,
    hostName: row.host_name,
    planId: row.plan_id,
    repositoryId: row.repository_id,
    item: row.item,
    status: row.status,
    reason: row.reason,
    data: fromJson<Record<string, unknown>>(row.data, {}),
    at: iso(row.at)!,
  };
}

export class DailyChecks {
  constructor(
    private readonly db: Db,
    private readonly now: Clock = Date.now,
  ) {}

  start(options: { jobId?: string } = {}): DailyCheck {
    const id = newId('check');
    this.db
      .prepare(`INSERT INTO daily_checks (id, job_id, started_at, status) VALUES (?, ?, ?, 'running')`)
      .run(id, options.jobId ?? null, this.now());
    return this.get(id);
  }

  addItems(checkId: string, items: DailyCheckItemInput[]): void {
    this.get(checkId);
    const parsed = items.map((item) =>
      parseInput(DailyCheckItemInputSchema, item, 'Invalid daily check item'),
    );
    const insert = this.db.prepare(
      `INSERT INTO daily_check_items (check_id, business_id, business_name, host_id, host_name, plan_id, repository_id,
                                      item, status, reason, data, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const at = this.now();
    this.db.transaction(() => {
      for (const i of parsed) {
        insert.run(
          checkId,
          i.businessId,
          i.businessName,
          i.hostId,
          i.hostName,
          i.planId,
          i.repositoryId,
          i.item,
          i.status,
          i.reason,
          JSON.stringify(i.data),
          at,
        );
      }
    })();
  }

  /** Ends a check; the summary counts its items by status (plus anything passed in `extra`). */
  finish(checkId: string, status: 'done' | 'failed', extra: Record<string, unknown> = {}): DailyCheck {
    this.get(checkId);
    const counts = Object.fromEntries(
      (
        this.db
          .prepare('SELECT status, COUNT(*) AS n FROM daily_check_items WHERE check_id = ? GROUP BY status')
          .all(checkId) as {
          status: CheckItemStatus;
          n: number;
        }[]
      ).map((r) => [r.status, r.n]),
    );
    const summary = {
      ...extra,
      ok: counts.ok ?? 0,
      warning: counts.warning ?? 0,
      failing: counts.failing ?? 0,
    };
    this.db
      .prepare('UPDATE daily_checks SET status = ?, ended_at = ?, summary = ? WHERE id = ?')
      .run(status, this.now(), JSON.stringify(summary), checkId);
    return this.get(checkId);
  }

  get(id: string): DailyCheck {
    const row = this.db.prepare('SELECT * FROM daily_checks WHERE id = ?').get(id) as CheckRow | undefined;
    if (!row) throw notFound('daily check', id);
    return toCheck(row);
  }

  items(checkId: string): DailyCheckItem[] {
    this.get(checkId);
    return (
      this.db
        .prepare('SELECT * FROM daily_check_items WHERE check_id = ? ORDER BY id')
        .all(checkId) as ItemRow[]
    ).map(toItem);
  }

  /** Newest first; `before` is a check id (the last one of the previous page). */
  list(options: { limit?: number; before?: string } = {}): DailyCheck[] {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
    if (options.before !== undefined) {
      const anchor = this.db
        .prepare('SELECT started_at, rowid AS r FROM daily_checks WHERE id = ?')
        .get(options.before) as { started_at: number; r: number } | undefined;
      if (!anchor) throw notFound('daily check', options.before);
      return (
        this.db
          .prepare(
            'SELECT * FROM daily_checks WHERE started_at < ? OR (started_at = ? AND rowid < ?) ORDER BY started_at DESC, rowid DESC LIMIT ?',
          )
          .all(anchor.started_at, anchor.started_at, anchor.r, limit) as CheckRow[]
      ).map(toCheck);
    }
    return (
      this.db
        .prepare('SELECT * FROM daily_checks ORDER BY started_at DESC, rowid DESC LIMIT ?')
        .all(limit) as CheckRow[]
    ).map(toCheck);
  }

  /** Checks left running by a console that stopped: marked failed. Returns how many. */
  recoverInterrupted(): number {
    return this.db
      .prepare(
        `UPDATE daily_checks SET status = 'failed', ended_at = ?, summary = json_set(summary, '$.interrupted', json('true')) WHERE status = 'running'`,
      )
      .run(this.now()).changes;
  }
}
