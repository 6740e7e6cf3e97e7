/**
 * Fleet inventory, audit and daily-check shapes as the contract carries
 * them. The core's store validates names strictly (INVALID_NAME); these
 * schemas check structure at the boundary.
 */
import { z } from 'zod';
import { HostSchema, IdSchema } from './domain';

/** Generous bounds: the store's own rules give the precise INVALID_NAME message. */
const text = (max = 8192) => z.string().max(max);

export const BusinessSchema = z.object({
  id: IdSchema,
  name: z.string(),
  ownerContact: z.string(),
  freshnessTargetHours: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Business = z.infer<typeof BusinessSchema>;

export const BusinessInputSchema = z
  .object({
    name: text(),
    ownerContact: text().optional(),
    freshnessTargetHours: z.number().optional(),
  })
  .strict();

export const PinnedHostKeySchema = z.object({
  /** `SHA256:…`, exactly as `ssh-keygen -lf` prints it. */
  fingerprint: z.string(),
  publicKey: z.string().optional(),
  pinnedAt: z.string(),
});

export const HostDetailSchema = HostSchema.extend({
  authKind: z.enum(['key', 'agent']).optional(),
  hostKey: PinnedHostKeySchema.optional(),
  /** Where restic is on the host; absent means "restic" from its PATH. */
  resticPath: z.string().optional(),
  /** A private key is in the secret store; the key itself never leaves it. */
  privateKeySet: z.boolean(),
});
export type HostDetail = z.infer<typeof HostDetailSchema>;

export const HostInputSchema = z
  .object({
    name: text(),
    address: text(),
    port: z.number().int().optional(),
    user: text(),
    authKind: z.enum(['key', 'agent']).optional(),
    resticPath: text(1024).optional(),
  })
  .strict();

/** How the private key is provided: pasted or read from a file by the UI, or generated (ed25519). */
export const HostKeyMaterialSchema = z.union([
  z.object({ kind: z.literal('paste'), privateKey: text(65536), passphrase: text(1024).optional() }).strict(),
  z.object({ kind: z.literal('generate') }).strict(),
]);

/** A host key offered by a server, for the user to accept or refuse. */
export const HostKeyScanSchema = z.object({
  fingerprint: z.string(),
  algorithm: z.string(),
  publicKey: z.string(),
  pinned: z.string().nullable(),
  status: z.enum(['unknown', 'match', 'changed']),
});
export type HostKeyScan = z.infer<typeof HostKeyScanSchema>;

export const HostTestStepSchema = z.object({
  step: z.enum(['handshake', 'hostKey', 'auth', 'os', 'restic', 'disk', 'clock']),
  ok: z.boolean(),
  /** What was found, or what went wrong, in words. */
  detail: z.string(),
  ms: z.number().optional(),
});

export const HostTestReportSchema = z.object({
  hostId: IdSchema,
  ok: z.boolean(),
  steps: z.array(HostTestStepSchema),
  os: z.string().optional(),
  resticVersion: z.string().optional(),
  freeDiskBytes: z.number().optional(),
  clockSkewSeconds: z.number().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type HostTestReport = z.infer<typeof HostTestReportSchema>;

export const RetentionSchema = z
  .object({
    keepLast: z.number().int(),
    keepHourly: z.number().int(),
    keepDaily: z.number().int(),
    keepWeekly: z.number().int(),
    keepMonthly: z.number().int(),
    keepYearly: z.number().int(),
    keepWithin: z.string(),
    keepTags: z.array(z.string()),
  })
  .partial();

export const PlanSchema = z.object({
  id: IdSchema,
  name: z.string(),
  businessId: IdSchema,
  hostId: IdSchema,
  repositoryId: IdSchema,
  paths: z.array(z.string()),
  excludes: z.array(z.string()),
  tags: z.array(z.string()),
  freshnessTargetHours: z.number().nullable(),
  effectiveFreshnessHours: z.number(),
  schedule: z.string(),
  retention: RetentionSchema.nullable(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Plan = z.infer<typeof PlanSchema>;

export const PlanInputSchema = z
  .object({
    name: text(),
    businessId: IdSchema,
    hostId: IdSchema,
    repositoryId: IdSchema,
    paths: z.array(text()).max(1000),
    excludes: z.array(text()).max(1000).optional(),
    tags: z.array(text(1024)).max(100).optional(),
    freshnessTargetHours: z.number().nullable().optional(),
    schedule: text(256).optional(),
    retention: RetentionSchema.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  result: z.enum(['succeeded', 'failed', 'denied']),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditFilterSchema = z
  .object({
    action: text(128).optional(),
    target: text(512).optional(),
    actor: text(256).optional(),
    result: z.enum(['succeeded', 'failed', 'denied']).optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    limit: z.number().int().min(1).max(100_000).optional(),
    before: z.number().int().positive().optional(),
  })
  .strict();

export const CheckStatusSchema = z.enum(['ok', 'warning', 'failing']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const DailyCheckItemSchema = z.object({
  id: z.number(),
  businessId: z.string().nullable(),
  businessName: z.string().nullable(),
  hostId: z.string().nullable(),
  hostName: z.string().nullable(),
  planId: z.string().nullable(),
  repositoryId: z.string().nullable(),
  /** What was checked: reachable, restic, freshness, locks, verified, runner, … */
  item: z.string(),
  status: CheckStatusSchema,
  /** Why, in words: "last snapshot 31 h ago, target 26 h". */
  reason: z.string(),
  data: z.record(z.string(), z.unknown()),
  at: z.string(),
});
export type DailyCheckItem = z.infer<typeof DailyCheckItemSchema>;

export const DailyCheckSchema = z.object({
  id: z.string(),
  jobId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  status: z.enum(['running', 'done', 'failed']),
  summary: z.object({ ok: z.number(), warning: z.number(), failing: z.number() }).catchall(z.unknown()),
});
export type DailyCheck = z.infer<typeof DailyCheckSchema>;

export const CheckTrendPointSchema = z.object({
  /** Local calendar day of the check, YYYY-MM-DD. */
  day: z.string(),
  ok: z.number(),
  warning: z.number(),
  failing: z.number(),
});
