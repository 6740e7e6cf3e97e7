/**
 * restic repositories: location (never with credentials), the host restic
 * runs on to reach it, the business it belongs to and its role (primary or
 * the offsite copy), plus non-secret environment. The password lives in
 * the secret store; rows only learn whether one is set.
 */
import { z } from 'zod';
import { ConsoleError, type Repo, type RepoKind } from '../../../shared';
import { secretNames, type SecretStore } from '../secrets/secret-store';
import { fromJson, iso, newId, notFound, type Clock } from './common';
import { withConstraints, type Db } from './db';
import { LOCAL_HOST_ID } from './hosts';
import {
  displayName,
  IdSchema,
  nonSecretEnv,
  parseInput,
  repoKindOf,
  RepoKindSchema,
  repoLocation,
} from './validation';

export const RepoRoleSchema = z.enum(['primary', 'offsite']);
export type RepoRole = z.infer<typeof RepoRoleSchema>;

export const RepositoryInputSchema = z
  .object({
    id: IdSchema.optional(),
    name: displayName('a repository name'),
    location: repoLocation,
    /** Derived from the location when absent; must agree with it when given. */
    kind: RepoKindSchema.optional(),
    hostId: IdSchema.default(LOCAL_HOST_ID),
    businessId: IdSchema.nullable().default(null),
    role: RepoRoleSchema.default('primary'),
    env: nonSecretEnv.default({}),
    demo: z.boolean().default(false),
  })
  .strict();
export type RepositoryInput = z.input<typeof RepositoryInputSchema>;

export const RepositoryPatchSchema = z
  .object({
    name: displayName('a repository name'),
    location: repoLocation,
    kind: RepoKindSchema,
    hostId: IdSchema,
    businessId: IdSchema.nullable(),
    role: RepoRoleSchema,
    env: nonSecretEnv,
  })
  .partial()
  .strict();
export type RepositoryPatch = z.input<typeof RepositoryPatchSchema>;

export interface RepositoryRecord {
  id: string;
  name: string;
  location: string;
  kind: RepoKind;
  hostId: string;
  businessId: string | null;
  businessName: string | null;
  role: RepoRole;
  env: Record<string, string>;
  demo: boolean;
  passwordSet: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  location: string;
  kind: RepoKind;
  host_id: string;
  business_id: string | null;
  business_name: string | null;
  role: RepoRole;
  env: string;
  demo: 0 | 1;
  created_at: number;
  updated_at: number;
}

const SELECT = `SELECT r.*, b.name AS business_name FROM repositories r LEFT JOIN businesses b ON b.id = r.business_id`;

function checkKind(location: string, kind: RepoKind | undefined): RepoKind {
  const derived = repoKindOf(location);
  if (kind !== undefined && kind !== derived) {
    throw new ConsoleError(
      'BAD_REQUEST',
      `The location says this is a "${derived}" repository, not "${kind}".`,
    );
  }
  return derived;
}

export class Repositories {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
    private readonly now: Clock = Date.now,
  ) {}

  private row(id: string): Row {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as Row | undefined;
    if (!row) throw notFound('repository', id);
    return row;
  }

  private async toRecord(row: Row): Promise<RepositoryRecord> {
    return {
      id: row.id,
      name: row.name,
      location: row.location,
      kind: row.kind,
      hostId: row.host_id,
      businessId: row.business_id,
      businessName: row.business_name,
      role: row.role,
      env: fromJson<Record<string, string>>(row.env, {}),
      demo: row.demo === 1,
      passwordSet: await this.secrets.has(secretNames.repoPassword(row.id)),
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
  }

  /** The contract's `Repo` shape (business as its name). */
  static toDomain(record: RepositoryRecord): Repo {
    const repo: Repo = {
      id: record.id,
      name: record.name,
      location: record.location,
      kind: record.kind,
      hostId: record.hostId,
      demo: record.demo,
      passwordSet: record.passwordSet,
    };
    if (record.businessName !== null) repo.business = record.businessName;
    if (record.businessId !== null) repo.businessId = record.businessId;
    repo.role = record.role;
    return repo;
  }

  async list(filter: { businessId?: string; hostId?: string } = {}): Promise<RepositoryRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.businessId !== undefined) {
      where.push('r.business_id = ?');
      params.push(filter.businessId);
    }
    if (filter.hostId !== undefined) {
      where.push('r.host_id = ?');
      params.push(filter.hostId);
    }
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.name COLLATE NOCASE, r.id`;
    const rows = this.db.prepare(sql).all(...params) as Row[];
    return Promise.all(rows.map((row) => this.toRecord(row)));
  }

  async get(id: string): Promise<RepositoryRecord> {
    return this.toRecord(this.row(id));
  }

  exists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM repositories WHERE id = ?').get(id) !== undefined;
  }

  private requireRefs(hostId: string, businessId: string | null): void {
    if (this.db.prepare('SELECT 1 FROM hosts WHERE id = ?').get(hostId) === undefined)
      throw notFound('host', hostId);
    if (
      businessId !== null &&
      this.db.prepare('SELECT 1 FROM businesses WHERE id = ?').get(businessId) === undefined
    ) {
      throw notFound('business', businessId);
    }
  }

  async create(input: RepositoryInput): Promise<RepositoryRecord> {
    return this.get(this.insert(input));
  }

  /** The synchronous half of `create` (usable inside a transaction); returns the new id. */
  insert(input: RepositoryInput): string {
    const data = parseInput(RepositoryInputSchema, input, 'Invalid repository');
    const kind = checkKind(data.location, data.kind);
    this.requireRefs(data.hostId, data.businessId);
    const id = data.id ?? newId('repo');
    const now = this.now();
    withConstraints(
      () =>
        this.db
          .prepare(
            `INSERT INTO repositories (id, name, location, kind, host_id, business_id, role, env, demo, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            data.name,
            data.location,
            kind,
            data.hostId,
            data.businessId,
            data.role,
            JSON.stringify(data.env),
            data.demo ? 1 : 0,
            now,
            now,
          ),
      { duplicate: 'A repository with this name (or id) already exists.' },
    );
    return id;
  }

  async update(id: string, patch: RepositoryPatch): Promise<RepositoryRecord> {
    const data = parseInput(RepositoryPatchSchema, patch, 'Invalid repository change');
    const row = this.row(id);
    const location = data.location ?? row.location;
    const kind = checkKind(location, data.kind ?? (data.location === undefined ? row.kind : undefined));
    const hostId = data.hostId ?? row.host_id;
    const businessId = data.businessId === undefined ? row.business_id : data.businessId;
    this.requireRefs(hostId, businessId);
    if (businessId !== row.business_id) {
      const plans = this.db.prepare('SELECT COUNT(*) AS n FROM plans WHERE repository_id = ?').get(id) as {
        n: number;
      };
      if (plans.n > 0)
        throw new ConsoleError(
          'CONFLICT',
          `${plans.n} plans of the current business use this repository; move them first.`,
        );
    }
    withConstraints(
      () =>
        this.db
          .prepare(
            `UPDATE repositories SET name = ?, location = ?, kind = ?, host_id = ?, business_id = ?, role = ?, env = ?, updated_at = ?
             WHERE id = ?`,
          )
          .run(
            data.name ?? row.name,
            location,
            kind,
            hostId,
            businessId,
            data.role ?? row.role,
            data.env === undefined ? row.env : JSON.stringify(data.env),
            this.now(),
            id,
          ),
      { duplicate: 'A repository with this name already exists.' },
    );
    return this.get(id);
  }

  /** Refused while plans use it. Forgets the password too (the repository's data is untouched). */
  async remove(id: string): Promise<void> {
    const row = this.row(id);
    const plans = this.db.prepare('SELECT COUNT(*) AS n FROM plans WHERE repository_id = ?').get(id) as {
      n: number;
    };
    if (plans.n > 0)
      throw new ConsoleError(
        'CONFLICT',
        `Repository "${row.name}" is used by ${plans.n} plans; remove them first.`,
        plans,
      );
    this.db.prepare('DELETE FROM repositories WHERE id = ?').run(id);
    await this.secrets.delete(secretNames.repoPassword(id));
    await this.secrets.delete(secretNames.repoSecretEnv(id));
  }

  /** Secret environment restic needs for this repository (S3 keys); kept in the secret store only. */
  async setSecretEnv(id: string, env: Record<string, string>): Promise<void> {
    this.row(id);
    await this.secrets.set(secretNames.repoSecretEnv(id), JSON.stringify(env));
  }

  async setPassword(id: string, password: string): Promise<RepositoryRecord> {
    this.row(id);
    if (password.length === 0 || password.length > 4096)
      throw new ConsoleError('BAD_REQUEST', 'A repository password is 1 to 4096 characters.');
    await this.secrets.set(secretNames.repoPassword(id), password);
    return this.get(id);
  }

  async clearPassword(id: string): Promise<RepositoryRecord> {
    this.row(id);
    await this.secrets.delete(secretNames.repoPassword(id));
    return this.get(id);
  }
}
