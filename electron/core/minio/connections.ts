/**
 * Stored MinIO connections (table minio_connections, migration 20) and the
 * clients for one. The secret key is only in the secret store
 * (`minio:<id>:secret-key`), never in a row, a reply or a log.
 */
import { z } from 'zod';
import { ConsoleError, mcAliasName, type MinioConnection, type MinioStatus } from '../../../shared';
import type { SecretStore } from '../secrets/secret-store';
import { fromJson, iso, newId, notFound, type Clock } from '../store/common';
import { withConstraints, type Db } from '../store/db';
import { displayName, parseInput } from '../store/validation';
import { MinioAdmin, normaliseEndpoint, type MinioConnectionConfig } from './admin-client';
import { MinioS3 } from './s3';

export const minioSecretName = (connectionId: string): string => `minio:${connectionId}:secret-key`;

const PEM_RE = /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;

const FieldsSchema = z.object({
  name: displayName('a MinIO connection name'),
  endpoint: z.string().min(1, 'an endpoint is needed').max(1024),
  accessKey: z
    .string()
    .min(3, 'an access key has at least 3 characters')
    .max(128)
    .regex(/^[^\s/\\]+$/, 'an access key has no spaces or slashes'),
  region: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'a region is lower-case letters, digits and dashes')
    .default('us-east-1'),
  caPem: z
    .string()
    .max(65536)
    .refine((v) => PEM_RE.test(v.trim()), 'the CA is a PEM certificate (-----BEGIN CERTIFICATE-----)')
    .nullable()
    .default(null),
});

export interface StoredConnection {
  id: string;
  name: string;
  endpoint: string;
  accessKey: string;
  region: string;
  caPem: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  endpoint: string;
  access_key: string;
  region: string;
  ca_pem: string | null;
  created_at: number;
  updated_at: number;
}

function toConnection(r: Row): StoredConnection {
  return {
    id: r.id,
    name: r.name,
    endpoint: r.endpoint,
    accessKey: r.access_key,
    region: r.region,
    caPem: r.ca_pem,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export interface ConnectionFields {
  name: string;
  endpoint: string;
  accessKey: string;
  region?: string | undefined;
  caPem?: string | null | undefined;
}

/** Parses and normalises fields (endpoint reduced to scheme://host:port); INVALID_NAME / BAD_REQUEST otherwise. */
export function parseFields(input: ConnectionFields): Required<Omit<ConnectionFields, 'region' | 'caPem'>> & {
  region: string;
  caPem: string | null;
} {
  const data = parseInput(FieldsSchema, input, 'Invalid MinIO connection');
  const endpoint = normaliseEndpoint(data.endpoint).origin;
  return { ...data, endpoint, caPem: data.caPem === null ? null : data.caPem.trim() };
}

export class MinioConnectionStore {
  constructor(
    private readonly db: Db,
    private readonly now: Clock = Date.now,
  ) {}

  list(): StoredConnection[] {
    return (
      this.db.prepare('SELECT * FROM minio_connections ORDER BY name COLLATE NOCASE, id').all() as Row[]
    ).map(toConnection);
  }

  get(id: string): StoredConnection {
    const row = this.db.prepare('SELECT * FROM minio_connections WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw notFound('MinIO connection', id);
    return toConnection(row);
  }

  insert(fields: ReturnType<typeof parseFields>, id = newId('minio')): StoredConnection {
    const now = this.now();
    withConstraints(
      () =>
        this.db
          .prepare(
            `INSERT INTO minio_connections (id, name, endpoint, access_key, region, ca_pem, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, fields.name, fields.endpoint, fields.accessKey, fields.region, fields.caPem, now, now),
      { duplicate: 'A MinIO connection with this name already exists.' },
    );
    return this.get(id);
  }

  /** Checks a name is free before anything slow (the admin check) runs. */
  assertNameFree(name: string, exceptId?: string): void {
    const row = this.db
      .prepare('SELECT id FROM minio_connections WHERE name = ? COLLATE NOCASE')
      .get(name) as { id: string } | undefined;
    if (row && row.id !== exceptId)
      throw new ConsoleError('CONFLICT', 'A MinIO connection with this name already exists.');
  }

  update(id: string, fields: ReturnType<typeof parseFields>): StoredConnection {
    withConstraints(
      () =>
        this.db
          .prepare(
            `UPDATE minio_connections SET name = ?, endpoint = ?, access_key = ?, region = ?, ca_pem = ?, updated_at = ?
             WHERE id = ?`,
          )
          .run(fields.name, fields.endpoint, fields.accessKey, fields.region, fields.caPem, this.now(), id),
      { duplicate: 'A MinIO connection with this name already exists.' },
    );
    return this.get(id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM minio_connections WHERE id = ?').run(id);
  }

  saveStatus(status: MinioStatus): void {
    this.db
      .prepare(
        `INSERT INTO minio_status (connection_id, checked_at, status, summary) VALUES (?, ?, ?, ?)
         ON CONFLICT(connection_id) DO UPDATE SET checked_at = excluded.checked_at, status = excluded.status, summary = excluded.summary`,
      )
      .run(status.connectionId, Date.parse(status.checkedAt), status.status, JSON.stringify(status));
  }

  lastStatus(id: string): MinioStatus | null {
    const row = this.db.prepare('SELECT summary FROM minio_status WHERE connection_id = ?').get(id) as
      { summary: string } | undefined;
    return row ? fromJson<MinioStatus | null>(row.summary, null) : null;
  }
}

/** `mc alias set` for a connection, the secret masked (mc reads a custom CA from its certs dir, noted). */
export function mcAliasCommand(
  c: Pick<StoredConnection, 'name' | 'endpoint' | 'accessKey' | 'caPem'>,
): string {
  const alias = mcAliasName(c.name);
  const ca = c.caPem ? ` # CA: copy it to ~/.mc/certs/CAs/` : '';
  return `mc alias set ${alias} ${c.endpoint} ${c.accessKey} '********' --api s3v4${ca}`;
}

export async function toContract(c: StoredConnection, secrets: SecretStore): Promise<MinioConnection> {
  return {
    id: c.id,
    name: c.name,
    endpoint: c.endpoint,
    accessKey: c.accessKey,
    region: c.region,
    tls: c.endpoint.startsWith('https:'),
    caSet: c.caPem !== null,
    secretSet: await secrets.has(minioSecretName(c.id)),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    mcAlias: mcAliasCommand(c),
  };
}

/** Client settings for a stored connection, its secret read from the secret store. */
export async function connectionConfig(
  c: StoredConnection,
  secrets: SecretStore,
  timeoutMs?: number,
): Promise<MinioConnectionConfig> {
  const secretKey = await secrets.get(minioSecretName(c.id));
  if (secretKey === undefined)
    throw new ConsoleError(
      'MINIO_AUTH_FAILED',
      `MinIO connection "${c.name}" has no secret key stored; set it again.`,
    );
  return {
    endpoint: c.endpoint,
    accessKey: c.accessKey,
    secretKey,
    region: c.region,
    ...(c.caPem ? { caPem: c.caPem } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}

/**
 * The admin and S3 clients for a stored connection: what other areas
 * (onboarding) use to create buckets, policies and keys with it.
 */
export async function minioClientsFor(
  deps: { db: Db; secrets: SecretStore },
  connectionId: string,
): Promise<{ connection: StoredConnection; admin: MinioAdmin; s3: MinioS3 }> {
  const connection = new MinioConnectionStore(deps.db).get(connectionId);
  const cfg = await connectionConfig(connection, deps.secrets);
  return { connection, admin: new MinioAdmin(cfg), s3: new MinioS3(cfg) };
}
