/** Businesses: a team, product line or customer with its own bucket, keys and freshness target. */
import { z } from 'zod';
import { ConsoleError } from '../../../shared';
import { iso, newId, notFound, type Clock } from './common';
import { withConstraints, type Db } from './db';
import { displayName, freeText, freshnessHours, IdSchema, parseInput } from './validation';

export const DEFAULT_FRESHNESS_HOURS = 26;

export const BusinessInputSchema = z
  .object({
    id: IdSchema.optional(),
    name: displayName('a business name'),
    ownerContact: freeText('an owner contact').default(''),
    freshnessTargetHours: freshnessHours.default(DEFAULT_FRESHNESS_HOURS),
  })
  .strict();
export type BusinessInput = z.input<typeof BusinessInputSchema>;

export const BusinessPatchSchema = z
  .object({
    name: displayName('a business name'),
    ownerContact: freeText('an owner contact'),
    freshnessTargetHours: freshnessHours,
  })
  .partial()
  .strict();
export type BusinessPatch = z.input<typeof BusinessPatchSchema>;

export interface Business {
  id: string;
  name: string;
  ownerContact: string;
  freshnessTargetHours: number;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  owner_contact: string;
  freshness_target_hours: number;
  created_at: number;
  updated_at: number;
}

function toBusiness(row: Row): Business {
  return {
    id: row.id,
    name: row.name,
    ownerContact: row.owner_contact,
    freshnessTargetHours: row.freshness_target_hours,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

export class Businesses {
  constructor(
    private readonly db: Db,
    private readonly now: Clock = Date.now,
  ) {}

  list(): Business[] {
    return (this.db.prepare('SELECT * FROM businesses ORDER BY name COLLATE NOCASE, id').all() as Row[]).map(
      toBusiness,
    );
  }

  get(id: string): Business {
    const row = this.db.prepare('SELECT * FROM businesses WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw notFound('business', id);
    return toBusiness(row);
  }

  /** Case-insensitive (ASCII) lookup, as the uniqueness rule compares names. */
  findByName(name: string): Business | undefined {
    const row = this.db.prepare('SELECT * FROM businesses WHERE name = ? COLLATE NOCASE').get(name) as
      Row | undefined;
    return row ? toBusiness(row) : undefined;
  }

  create(input: BusinessInput): Business {
    const data = parseInput(BusinessInputSchema, input, 'Invalid business');
    const id = data.id ?? newId('biz');
    const now = this.now();
    withConstraints(
      () =>
        this.db
          .prepare(
            `INSERT INTO businesses (id, name, owner_contact, freshness_target_hours, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(id, data.name, data.ownerContact, data.freshnessTargetHours, now, now),
      { duplicate: 'A business with this name (or id) already exists.' },
    );
    return this.get(id);
  }

  update(id: string, patch: BusinessPatch): Business {
    const data = parseInput(BusinessPatchSchema, patch, 'Invalid business change');
    const current = this.get(id);
    withConstraints(
      () =>
        this.db
          .prepare(
            'UPDATE businesses SET name = ?, owner_contact = ?, freshness_target_hours = ?, updated_at = ? WHERE id = ?',
          )
          .run(
            data.name ?? current.name,
            data.ownerContact ?? current.ownerContact,
            data.freshnessTargetHours ?? current.freshnessTargetHours,
            this.now(),
            id,
          ),
      { duplicate: 'A business with this name already exists.' },
    );
    return this.get(id);
  }

  /** Refused while repositories or plans still belong to the business. */
  remove(id: string): void {
    const business = this.get(id);
    const used = this.db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM repositories WHERE business_id = ?) AS repos,
                (SELECT COUNT(*) FROM plans WHERE business_id = ?) AS plans`,
      )
      .get(id, id) as { repos: number; plans: number };
    if (used.repos > 0 || used.plans > 0) {
      throw new ConsoleError(
        'CONFLICT',
        `Business "${business.name}" still has ${used.repos} repositories and ${used.plans} plans; remove or move them first.`,
        used,
      );
    }
    this.db.prepare('DELETE FROM businesses WHERE id = ?').run(id);
  }
}
