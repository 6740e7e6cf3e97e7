/**
 * Backup plans: business × host × repository × paths × excludes × tags ×
 * schedule × retention, with an optional freshness target overriding the
 * business's ("a snapshot at most 26 h old").
 */
import { z } from 'zod';
import { ConsoleError } from '../../../shared';
import { fromJson, iso, newId, notFound, type Clock } from './common';
import { withConstraints, type Db } from './db';
import {
  absolutePath,
  displayName,
  excludePattern,
  freshnessHours,
  IdSchema,
  parseInput,
  schedule,
  tag,
} from './validation';

const keepCount = z.number().int().min(0).max(100_000);

export const RetentionSchema = z
  .object({
    keepLast: keepCount,
    keepHourly: keepCount,
    keepDaily: keepCount,
    keepWeekly: keepCount,
    keepMonthly: keepCount,
    keepYearly: keepCount,
    /** restic's duration: "1y5m7d2h". */
    keepWithin: z.string().regex(/^(?:\d{1,5}[yYmMwdh])+$/, 'a duration such as "1y6m" or "30d"'),
    keepTags: z.array(tag).max(20),
  })
  .partial()
  .strict();
export type Retention = z.infer<typeof RetentionSchema>;

const paths = z.array(absolutePath).min(1, 'a plan backs up at least one path').max(100);
const excludes = z.array(excludePattern).max(500);
const tags = z.array(tag).max(20);

export const PlanInputSchema = z
  .object({
    id: IdSchema.optional(),
    name: displayName('a plan name'),
    businessId: IdSchema,
    hostId: IdSchema,
    repositoryId: IdSchema,
    paths,
    excludes: excludes.default([]),
    tags: tags.default([]),
    freshnessTargetHours: freshnessHours.nullable().default(null),
    schedule: schedule.default('daily'),
    retention: RetentionSchema.nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .strict();
export type PlanInput = z.input<typeof PlanInputSchema>;

export const PlanPatchSchema = z
  .object({
    name: displayName('a plan name'),
    hostId: IdSchema,
    repositoryId: IdSchema,
    paths,
    excludes,
    tags,
    freshnessTargetHours: freshnessHours.nullable(),
    schedule,
    retention: RetentionSchema.nullable(),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export type PlanPatch = z.input<typeof PlanPatchSchema>;

export interface Plan {
  id: string;
  name: string;
  businessId: string;
  hostId: string;
  repositoryId: string;
  paths: string[];
  excludes: string[];
  tags: string[];
  /** The plan's own target, or null to use the business's. */
  freshnessTargetHours: number | null;
  /** What the daily check compares against: the plan's target, else the business's. */
  effectiveFreshnessHours: number;
  schedule: string;
  retention: Retention | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  business_id: string;
  host_id: string;
  repository_id: string;
  paths: string;
  excludes: string;
  tags: string;
  freshness_target_hours: number | null;
  business_freshness: number;
  schedule: string;
  retention: string | null;
  enabled: 0 | 1;
  created_at: number;
  updated_at: number;
}

const SELECT = `SELECT p.*, b.freshness_target_hours AS business_freshness FROM plans p JOIN businesses b ON b.id = p.business_id`;

function toPlan(row: Row): Plan {
  return {
    id: row.id,
    name: row.name,
    businessId: row.business_id,
    hostId: row.host_id,
    repositoryId: row.repository_id,
    paths: fromJson<string[]>(row.paths, []),
    excludes: fromJson<string[]>(row.excludes, []),
    tags: fromJson<string[]>(row.tags, []),
    freshnessTargetHours: row.freshness_target_hours,
    effectiveFreshnessHours: row.freshness_target_hours ?? row.business_freshness,
    schedule: row.schedule,
    retention: fromJson<Retention | null>(row.retention, null),
    enabled: row.enabled === 1,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

export class Plans {
  constructor(
    private readonly db: Db,
    private readonly now: Clock = Date.now,
  ) {}

  private row(id: string): Row {
    const row = this.db.prepare(`${SELECT} WHERE p.id = ?`).get(id) as Row | undefined;
    if (!row) throw notFound('plan', id);
    return row;
  }

  list(filter: { businessId?: string; hostId?: string; repositoryId?: string } = {}): Plan[] {
    const where: string[] = [];
    const params: string[] = [];
    for (const [key, column] of [
      ['businessId', 'p.business_id'],
      ['hostId', 'p.host_id'],
      ['repositoryId', 'p.repository_id'],
    ] as const) {
      const value = filter[key];
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY p.name COLLATE NOCASE, p.id`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(toPlan);
  }

  get(id: string): Plan {
    return toPlan(this.row(id));
  }

  /** Host, repository and business exist, and the repository belongs to the plan's business. */
  private checkRefs(businessId: string, hostId: string, repositoryId: string): void {
    if (this.db.prepare('SELECT 1 FROM businesses WHERE id = ?').get(businessId) === undefined)
      throw notFound('business', businessId);
    if (this.db.prepare('SELECT 1 FROM hosts WHERE id = ?').get(hostId) === undefined)
      throw notFound('host', hostId);
    const repo = this.db.prepare('SELECT business_id FROM repositories WHERE id = ?').get(repositoryId) as
      { business_id: string | null } | undefined;
    if (!repo) throw notFound('repository', repositoryId);
    if (repo.business_id !== businessId) {
      throw new ConsoleError('CONFLICT', "The plan's repository belongs to another business (or to none).");
    }
  }

  create(input: PlanInput): Plan {
    const data = parseInput(PlanInputSchema, input, 'Invalid plan');
    this.checkRefs(data.businessId, data.hostId, data.repositoryId);
    const id = data.id ?? newId('plan');
    const now = this.now();
    withConstraints(
      () =>
        this.db
          .prepare(
            `INSERT INTO plans (id, name, business_id, host_id, repository_id, paths, excludes, tags,
                                freshness_target_hours, schedule, retention, enabled, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            data.name,
            data.businessId,
            data.hostId,
            data.repositoryId,
            JSON.stringify(data.paths),
            JSON.stringify(data.excludes),
            JSON.stringify(data.tags),
            data.freshnessTargetHours,
            data.schedule,
            data.retention === null ? null : JSON.stringify(data.retention),
            data.enabled ? 1 : 0,
            now,
            now,
          ),
      { duplicate: 'This business already has a plan with this name (or the id is taken).' },
    );
    return this.get(id);
  }

  update(id: string, patch: PlanPatch): Plan {
    const data = parseInput(PlanPatchSchema, patch, 'Invalid plan change');
    const current = this.get(id);
    const next = {
      ...current,
      ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)),
    } as Plan;
    this.checkRefs(next.businessId, next.hostId, next.repositoryId);
    withConstraints(
      () =>
        this.db
          .prepare(
            `UPDATE plans SET name = ?, host_id = ?, repository_id = ?, paths = ?, excludes = ?, tags = ?,
                              freshness_target_hours = ?, schedule = ?, retention = ?, enabled = ?, updated_at = ?
             WHERE id = ?`,
          )
          .run(
            next.name,
            next.hostId,
            next.repositoryId,
            JSON.stringify(next.paths),
            JSON.stringify(next.excludes),
            JSON.stringify(next.tags),
            next.freshnessTargetHours,
            next.schedule,
            next.retention === null ? null : JSON.stringify(next.retention),
            next.enabled ? 1 : 0,
            this.now(),
            id,
          ),
      { duplicate: 'This business already has a plan with this name.' },
    );
    return this.get(id);
  }

  remove(id: string): void {
    this.row(id);
    this.db.prepare('DELETE FROM plans WHERE id = ?').run(id);
  }
}
