/**
 * MinIO connections, health, admin info, bucket usage and quotas (issue 6).
 * Pure: no Node, DOM or Electron imports.
 */
import { z } from 'zod';
import { IdSchema } from './domain';
import { CommandLine, ConfirmInput, method, NoInput } from './method';

/**
 * Why a name is not a valid S3 bucket name (AWS's general-purpose bucket
 * rules, which MinIO enforces too), or null when it is valid. Pure, so the
 * UI can say it as the user types.
 */
export function bucketNameProblem(name: string): string | null {
  if (name.length < 3) return 'a bucket name has at least 3 characters';
  if (name.length > 63) return 'a bucket name has at most 63 characters';
  if (/[A-Z]/.test(name)) return 'a bucket name has no capital letters';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'a bucket name uses only a-z, 0-9, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return 'a bucket name starts and ends with a letter or digit';
  if (name.includes('..')) return 'a bucket name has no two dots in a row';
  if (/\.-|-\./.test(name)) return 'a bucket name has no dot next to a hyphen';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'a bucket name must not look like an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name))
    return 'a bucket name must not start with xn--, sthree- or amzn-s3-demo-';
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name))
    return 'a bucket name must not end with -s3alias, --ol-s3, --x-s3 or --table-s3';
  return null;
}

const CheckStatus = z.enum(['ok', 'warning', 'failing']);

/** A stored MinIO connection. The secret key is in the secret store: `secretSet` says whether one is there. */
export const MinioConnectionSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** "http://127.0.0.1:9000" or "https://minio.example:9000". */
  endpoint: z.string(),
  accessKey: z.string(),
  region: z.string(),
  tls: z.boolean(),
  /** A private CA (PEM) is trusted for this connection. */
  caSet: z.boolean(),
  secretSet: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** `mc alias set …` for this connection, the secret masked. */
  mcAlias: CommandLine,
});
export type MinioConnection = z.infer<typeof MinioConnectionSchema>;

const text = (max = 1024) => z.string().max(max);
const pem = z.string().max(65536);

export const MinioConnectionInputSchema = z
  .object({
    name: text(200),
    endpoint: text(),
    accessKey: text(),
    /** Write-only: goes to the secret store. */
    secretKey: text(),
    region: text(64).optional(),
    caPem: pem.optional(),
    /** Save even when the admin API cannot be reached or is absent (plain S3); default false: check first. */
    skipCheck: z.boolean().optional(),
  })
  .strict();

export const MinioConnectionUpdateSchema = z
  .object({
    id: IdSchema,
    name: text(200).optional(),
    endpoint: text().optional(),
    accessKey: text().optional(),
    /** Absent: keep the stored secret. */
    secretKey: text().optional(),
    region: text(64).optional(),
    /** null removes the CA. */
    caPem: pem.nullable().optional(),
    skipCheck: z.boolean().optional(),
  })
  .strict();

export const MinioProbeSchema = z.object({
  /** HTTP status, or null when nothing answered. */
  status: z.number().nullable(),
  ok: z.boolean(),
  error: z.string().optional(),
});

export const MinioDriveSchema = z.object({
  endpoint: z.string(),
  server: z.string(),
  state: z.string(),
  online: z.boolean(),
  healing: z.boolean(),
  pool: z.number().nullable(),
  set: z.number().nullable(),
  totalBytes: z.number(),
  usedBytes: z.number(),
});
export type MinioDrive = z.infer<typeof MinioDriveSchema>;

/** One erasure set: how many of its drives may still fail before writes (or reads) stop. */
export const MinioErasureSetSchema = z.object({
  pool: z.number(),
  set: z.number(),
  drives: z.number(),
  online: z.number(),
  parity: z.number(),
  writeQuorum: z.number(),
  readQuorum: z.number(),
  /** Negative: quorum already lost. */
  moreForWrite: z.number(),
  moreForRead: z.number(),
});

export const MinioBucketSchema = z.object({
  name: z.string(),
  /** From the scanner (datausageinfo); null when it has not seen the bucket yet. */
  sizeBytes: z.number().nullable(),
  objects: z.number().nullable(),
  versions: z.number().nullable(),
  /** Hard quota in bytes, null when none (or it could not be read). */
  quotaBytes: z.number().nullable(),
  /** sizeBytes / quotaBytes × 100, null without both. */
  quotaPercent: z.number().nullable(),
  status: CheckStatus,
  reason: z.string(),
});
export type MinioBucket = z.infer<typeof MinioBucketSchema>;

/** A connection's health and usage, as the panel and the daily check show it. */
export const MinioStatusSchema = z.object({
  connectionId: IdSchema,
  name: z.string(),
  endpoint: z.string(),
  checkedAt: z.string(),
  ms: z.number(),
  status: CheckStatus,
  /** Why, in words, worst first; one "healthy …" line when all is well. */
  reasons: z.array(z.string()),
  /** The server alone (reachability, quorum, drives, admin API), without the buckets' quotas. */
  health: z.object({ status: CheckStatus, reasons: z.array(z.string()) }),
  /** Admin API failure (wrong key, plain S3, …): health probes may still have answered. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  live: MinioProbeSchema,
  writeQuorum: MinioProbeSchema.extend({ quorum: z.number().optional() }),
  readQuorum: MinioProbeSchema.extend({ quorum: z.number().optional() }),
  healingDrives: z.number(),
  mode: z.string().optional(),
  version: z.string().optional(),
  drivesOnline: z.number().optional(),
  drivesOffline: z.number().optional(),
  parity: z.number().optional(),
  sets: z.array(MinioErasureSetSchema),
  /** Across sets: the fewest drives that may still fail (null without admin info). */
  moreForWrite: z.number().nullable(),
  moreForRead: z.number().nullable(),
  /** The tolerance in words. */
  toleranceWords: z.string().optional(),
  drives: z.array(MinioDriveSchema),
  /** Raw drive space (all drives, parity included). */
  capacity: z.object({ usedBytes: z.number(), totalBytes: z.number() }).optional(),
  /** Objects and sizes per bucket, from MinIO's background scanner: lags behind by minutes. */
  usage: z
    .object({
      lastUpdate: z.string().nullable(),
      objects: z.number(),
      sizeBytes: z.number(),
    })
    .optional(),
  buckets: z.array(MinioBucketSchema),
  /** The `mc` commands showing the same, alias as in the connection's mcAlias. */
  commands: z.array(CommandLine),
});
export type MinioStatus = z.infer<typeof MinioStatusSchema>;

/** Bucket usage against quota: warning from 80 %, failing from 95 %. */
export const QUOTA_WARNING_PERCENT = 80;
export const QUOTA_FAILING_PERCENT = 95;

export function quotaStatus(percent: number | null): z.infer<typeof CheckStatus> {
  if (percent === null) return 'ok';
  if (percent >= QUOTA_FAILING_PERCENT) return 'failing';
  if (percent >= QUOTA_WARNING_PERCENT) return 'warning';
  return 'ok';
}

/** A name for `mc` aliases: the connection name reduced to what mc accepts. */
export function mcAliasName(name: string): string {
  const a = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(a) ? a.slice(0, 40) : `minio-${a}`.slice(0, 40);
}

export const minioMethods = {
  'minio.list': method({
    input: NoInput,
    output: z.array(MinioConnectionSchema),
    summary: 'MinIO connections (endpoint, admin access key, TLS/CA); secrets are never returned.',
  }),
  'minio.add': method({
    input: MinioConnectionInputSchema,
    output: MinioConnectionSchema,
    summary:
      'Add a MinIO connection; the admin key is checked first (unless skipCheck) and its secret goes to the secret store.',
  }),
  'minio.update': method({
    input: MinioConnectionUpdateSchema,
    output: MinioConnectionSchema,
    summary:
      'Change a MinIO connection (a new secret replaces the stored one; the changed key is checked first).',
  }),
  'minio.remove': method({
    input: z.object({ id: IdSchema, confirm: ConfirmInput }).strict(),
    output: z.object({}),
    summary:
      'Remove a MinIO connection and its stored secret (type its name to confirm); MinIO itself is left alone.',
  }),
  'minio.status': method({
    input: z.object({ id: IdSchema, refresh: z.boolean().optional() }).strict(),
    output: MinioStatusSchema.nullable(),
    summary:
      'Health of a MinIO connection: live, write and read quorum, drives online/offline, parity and how many more may fail, capacity, per-bucket usage (lags) and quotas. The last one known, or fresh with refresh.',
  }),
} as const;
