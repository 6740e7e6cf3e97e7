/**
 * The typed contract between the core and every client (Electron IPC, HTTP
 * + WebSocket). Each method: a stable dotted name, a zod input and output.
 * Each event: a name and a payload schema. Transports validate input
 * against these schemas before any handler runs.
 */
import { z } from 'zod';
import { ErrorBodySchema } from './errors';
import {
  DiffChangeSchema,
  DiffStatsSchema,
  IdSchema,
  LsNodeSchema,
  RepoSchema,
  SnapshotSchema,
} from './domain';
import {
  CheckReadDataSchema,
  FileVersionSchema,
  FindResultSchema,
  ForgetGroupBySchema,
  ForgetGroupSchema,
  GrowthPointSchema,
  RepoKeySchema,
  RepoLockSchema,
  RepoStatsSchema,
  RetentionPolicySchema,
} from './domain';
import {
  AuditEntrySchema,
  AuditFilterSchema,
  BusinessInputSchema,
  BusinessSchema,
  CheckTrendPointSchema,
  DailyCheckItemSchema,
  DailyCheckSchema,
  HostDetailSchema,
  HostInputSchema,
  HostKeyMaterialSchema,
  HostKeyScanSchema,
  HostTestReportSchema,
  PlanInputSchema,
  PlanSchema,
} from './fleet';
import { JobListFilterSchema, JobLogLineSchema, JobRecordSchema } from './jobs';
import { ById, CommandLine, JobStartedSchema, method, NoInput, SnapshotIdInput } from './method';
import { restoreMethods } from './restore';
import { minioMethods } from './minio';
import { runnerMethods } from './runner';
import { alertMethods, AlertFiredSchema } from './alerts';
import { onboardingMethods } from './onboarding';

export type { MethodSpec } from './method';

// ---------------------------------------------------------------------------
// Repository maintenance and snapshot extras (issue 4: repository page, check,
// retention, unlock, keys, find, file history, tags, single-snapshot forget).
// Every change runs as a job (its record carries the equivalent restic command,
// secrets masked) and lands in the audit log; destructive ones need a typed
// confirmation.

const TagInput = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^,\p{Cc}]+$/u, 'a tag has no comma or control character');

const repoMaintenanceMethods = {
  'repos.get': method({
    summary:
      'A repository page: snapshot count, stats (restore-size and raw-data, compression), last check, locks (pid alive on its host?), growth from snapshot summaries.',
    input: ById,
    output: z.object({
      repo: RepoSchema,
      snapshotCount: z.number().int(),
      stats: z.object({ restoreSize: RepoStatsSchema.nullable(), rawData: RepoStatsSchema.nullable() }),
      /** uncompressed / stored, when restic reports it (0.15+). */
      compressionRatio: z.number().optional(),
      lastCheck: z
        .object({
          at: z.string(),
          result: z.enum(['ok', 'errors', 'failed', 'cancelled', 'running']),
          jobId: z.string(),
          numErrors: z.number().optional(),
          message: z.string().optional(),
        })
        .nullable(),
      locks: z.array(RepoLockSchema),
      growth: z.array(GrowthPointSchema),
      /** Parts that could not be read (the rest of the page still is). */
      problems: z.array(ErrorBodySchema),
      commands: z.record(z.string(), CommandLine),
    }),
  }),
  'repos.check': method({
    summary: 'Start restic check (a job), optionally reading all or a subset of the data.',
    input: z.object({ id: IdSchema, readData: CheckReadDataSchema.default({ kind: 'none' }) }).strict(),
    output: JobStartedSchema,
  }),
  'repos.forgetPreview': method({
    summary: 'What a retention policy keeps and removes, and why (restic forget --dry-run: nothing changes).',
    input: z.object({ id: IdSchema, policy: RetentionPolicySchema, groupBy: ForgetGroupBySchema.optional() }).strict(),
    output: z.object({
      groups: z.array(ForgetGroupSchema),
      keepCount: z.number().int(),
      removeCount: z.number().int(),
      command: CommandLine,
    }),
  }),
  'repos.forget': method({
    summary: 'Apply a retention policy (restic forget, then prune if asked): a job; type the repository name to confirm.',
    input: z
      .object({
        id: IdSchema,
        policy: RetentionPolicySchema,
        groupBy: ForgetGroupBySchema.optional(),
        prune: z.boolean().optional(),
        confirm: z.string().max(8192),
      })
      .strict(),
    output: JobStartedSchema,
  }),
  'repos.prune': method({
    summary: 'Remove unreferenced data (restic prune): a job; type the repository name to confirm.',
    input: z
      .object({
        id: IdSchema,
        confirm: z.string().max(8192),
        maxUnused: z
          .string()
          .regex(/^(?:unlimited|[0-9]{1,12}(?:\.[0-9]+)?%|[0-9]{1,12}[KMGT]?)$/)
          .optional(),
        dryRun: z.boolean().optional(),
      })
      .strict(),
    output: JobStartedSchema,
  }),
  'repos.unlock': method({
    summary:
      'Remove stale locks (restic unlock); removeAll removes live ones too and needs the repository name typed.',
    input: z.object({ id: IdSchema, removeAll: z.boolean().optional(), confirm: z.string().max(8192).optional() }).strict(),
    output: z.object({
      jobId: z.string(),
      command: CommandLine,
      removed: z.array(z.string()),
      remaining: z.array(RepoLockSchema),
    }),
  }),
  'repos.keys': method({
    summary: "The repository's keys (restic key list).",
    input: ById,
    output: z.object({ keys: z.array(RepoKeySchema), command: CommandLine }),
  }),
  'repos.keyAdd': method({
    summary: 'Add a key (e.g. per host): its password is write-only and never on a command line.',
    input: z
      .object({
        id: IdSchema,
        hostName: z.string().min(1).max(255).optional(),
        password: z
          .string()
          .min(8)
          .max(4096)
          .regex(/^[^\r\n\0]+$/, 'a password is one line'),
      })
      .strict(),
    output: z.object({ key: RepoKeySchema, jobId: z.string(), command: CommandLine }),
  }),
  'repos.keyRemove': method({
    summary: "Remove a key (revoke a host); type the key's short id (first 8 digits) to confirm.",
    input: z
      .object({ id: IdSchema, keyId: z.string().regex(/^[0-9a-f]{8,64}$/), confirm: z.string().max(128) })
      .strict(),
    output: JobStartedSchema,
  }),
  'snapshots.find': method({
    summary: 'Search by name in all or some snapshots (restic find --json).',
    input: z
      .object({
        repoId: IdSchema,
        pattern: z.string().min(1).max(4096),
        snapshotIds: z.array(SnapshotIdInput).min(1).max(100).optional(),
        ignoreCase: z.boolean().optional(),
        limit: z.number().int().min(1).max(100_000).default(1000),
      })
      .strict(),
    output: z.object({ results: z.array(FindResultSchema), truncated: z.boolean(), command: CommandLine }),
  }),
  'snapshots.history': method({
    summary: "A file's versions across the repository's snapshots (size, mtime; changed or not).",
    input: z.object({ repoId: IdSchema, path: z.string().startsWith('/').max(16384) }).strict(),
    output: z.object({
      path: z.string(),
      versions: z.array(FileVersionSchema),
      snapshotsSearched: z.number().int(),
      command: CommandLine,
    }),
  }),
  'snapshots.tags': method({
    summary: "Add, remove or set snapshots' tags (restic tag; each changed snapshot gets a new id).",
    input: z
      .object({
        repoId: IdSchema,
        snapshotIds: z.array(SnapshotIdInput).min(1).max(1000),
        add: z.array(TagInput).max(64).optional(),
        remove: z.array(TagInput).max(64).optional(),
        set: z.array(TagInput).max(64).optional(),
      })
      .strict(),
    output: z.object({
      jobId: z.string(),
      command: CommandLine,
      changes: z.array(z.object({ oldSnapshotId: z.string(), newSnapshotId: z.string() })),
    }),
  }),
  'snapshots.forget': method({
    summary: "Forget one snapshot (restic forget <id>; data stays until prune); type its short id to confirm.",
    input: z.object({ repoId: IdSchema, snapshotId: SnapshotIdInput, confirm: z.string().max(128) }).strict(),
    output: JobStartedSchema,
  }),
} as const;
// ---------------------------------------------------------------------------

export const methods = {
  'app.info': method({
    summary: 'Version, run mode and whether the demo fleet is in use.',
    input: NoInput,
    output: z.object({
      version: z.string(),
      mode: z.enum(['desktop', 'serve']),
      demo: z.boolean(),
      dataDir: z.string(),
      /** Problems met while starting (e.g. the demo fleet could not be made because restic is missing). */
      startupIssues: z.array(ErrorBodySchema),
    }),
  }),
  'hosts.list': method({
    summary: 'Managed hosts, "this machine" included, with their pinned host keys.',
    input: NoInput,
    output: z.array(HostDetailSchema),
  }),
  'repos.list': method({
    summary: 'Repositories in the inventory.',
    input: NoInput,
    output: z.array(RepoSchema),
  }),
  'snapshots.list': method({
    summary: "A repository's snapshots (restic snapshots --json).",
    input: z.object({ repoId: IdSchema }).strict(),
    output: z.object({ snapshots: z.array(SnapshotSchema), command: CommandLine }),
  }),
  'snapshots.ls': method({
    summary: 'The direct children of one directory in a snapshot (restic ls --json).',
    input: z
      .object({
        repoId: IdSchema,
        snapshotId: z.string().regex(/^[0-9a-f]{4,64}$/, 'a snapshot id is 4 to 64 hex digits'),
        path: z.string().startsWith('/').max(16384).default('/'),
      })
      .strict(),
    output: z.object({ path: z.string(), nodes: z.array(LsNodeSchema), command: CommandLine }),
  }),
  'snapshots.diff': method({
    summary: 'Changes between two snapshots (restic diff --json).',
    input: z
      .object({
        repoId: IdSchema,
        from: z.string().regex(/^[0-9a-f]{4,64}$/),
        to: z.string().regex(/^[0-9a-f]{4,64}$/),
        limit: z.number().int().min(1).max(1_000_000).default(50_000),
      })
      .strict(),
    output: z.object({
      changes: z.array(DiffChangeSchema),
      truncated: z.boolean(),
      stats: DiffStatsSchema.optional(),
      command: CommandLine,
    }),
  }),

  'snapshots.diffStream': method({
    summary:
      'The same diff, streamed: changes arrive as snapshots.diffChunk events (by streamId) while restic runs; the reply ends it with the count and statistics. Abort the call to stop restic.',
    input: z
      .object({
        repoId: IdSchema,
        from: z.string().regex(/^[0-9a-f]{4,64}$/),
        to: z.string().regex(/^[0-9a-f]{4,64}$/),
        limit: z.number().int().min(1).max(1_000_000).default(50_000),
        /** Chosen by the caller, so it can tell its chunks from other diffs' before the reply. */
        streamId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      })
      .strict(),
    output: z.object({
      /** Changes sent in chunks (at most limit): the caller has them all once it counted this many. */
      count: z.number().int().min(0),
      truncated: z.boolean(),
      stats: DiffStatsSchema.optional(),
      command: CommandLine,
    }),
  }),

  // ---- businesses
  'businesses.list': method({ summary: 'Businesses.', input: NoInput, output: z.array(BusinessSchema) }),
  'businesses.add': method({ summary: 'Add a business.', input: BusinessInputSchema, output: BusinessSchema }),
  'businesses.update': method({
    summary: 'Change a business.',
    input: z.object({ id: IdSchema, patch: BusinessInputSchema.partial() }).strict(),
    output: BusinessSchema,
  }),
  'businesses.remove': method({
    summary: 'Remove a business with no repositories or plans left (type its name to confirm).',
    input: z.object({ id: IdSchema, confirm: z.string().max(8192) }).strict(),
    output: z.object({}),
  }),

  // ---- hosts
  'hosts.get': method({ summary: 'One host.', input: ById, output: HostDetailSchema }),
  'hosts.add': method({
    summary: 'Add a managed host; with a generated key, its public key is returned for authorized_keys.',
    input: z.object({ host: HostInputSchema, key: HostKeyMaterialSchema.optional() }).strict(),
    output: z.object({ host: HostDetailSchema, publicKey: z.string().optional() }),
  }),
  'hosts.update': method({
    summary: 'Change a host (address, port, user, auth).',
    input: z.object({ id: IdSchema, patch: HostInputSchema.partial() }).strict(),
    output: HostDetailSchema,
  }),
  'hosts.setKey': method({
    summary: "Replace a host's private key (pasted or generated); the public key is returned when generated.",
    input: z.object({ id: IdSchema, key: HostKeyMaterialSchema }).strict(),
    output: z.object({ host: HostDetailSchema, publicKey: z.string().optional() }),
  }),
  'hosts.remove': method({
    summary: 'Remove a host with no repositories or plans (type its name to confirm).',
    input: z.object({ id: IdSchema, confirm: z.string().max(8192) }).strict(),
    output: z.object({}),
  }),
  'hosts.scanKey': method({
    summary: "Fetch the host key a server offers, with its SHA256 fingerprint and how it compares with the pinned one.",
    input: ById,
    output: HostKeyScanSchema,
  }),
  'hosts.pinKey': method({
    summary: 'Pin the host key the user accepted (re-pinning a changed key needs replace and is audited).',
    input: z.object({ id: IdSchema, fingerprint: z.string().max(128), replace: z.boolean().optional() }).strict(),
    output: HostDetailSchema,
  }),
  'hosts.test': method({
    summary: 'Test connection: handshake, host key, authentication, OS, restic version, free disk, clock skew.',
    input: ById,
    output: HostTestReportSchema,
  }),

  // ---- repositories
  'repos.add': method({
    summary: 'Add an existing repository (checked with restic cat config) or init a new one.',
    input: z
      .object({
        name: z.string().max(8192),
        location: z.string().max(8192),
        hostId: IdSchema,
        businessId: IdSchema.optional(),
        role: z.enum(['primary', 'offsite']).optional(),
        password: z.string().min(1).max(4096),
        env: z.record(z.string(), z.string()).optional(),
        secretEnv: z.record(z.string(), z.string()).optional(),
        init: z.boolean().optional(),
      })
      .strict(),
    output: RepoSchema,
  }),
  'repos.setPassword': method({
    summary: "Store a repository's password (it can be set, never read back).",
    input: z.object({ id: IdSchema, password: z.string().min(1).max(4096) }).strict(),
    output: RepoSchema,
  }),
  'repos.remove': method({
    summary: 'Forget a repository in the inventory (its data is left alone; type its name to confirm).',
    input: z.object({ id: IdSchema, confirm: z.string().max(8192) }).strict(),
    output: z.object({}),
  }),

  // ---- plans
  'plans.list': method({
    summary: 'Backup plans, optionally for one business or host.',
    input: z.object({ businessId: IdSchema.optional(), hostId: IdSchema.optional() }).strict(),
    output: z.array(PlanSchema),
  }),
  'plans.add': method({ summary: 'Add a backup plan.', input: PlanInputSchema, output: PlanSchema }),
  'plans.update': method({
    summary: 'Change a backup plan.',
    input: z.object({ id: IdSchema, patch: PlanInputSchema.omit({ businessId: true }).partial() }).strict(),
    output: PlanSchema,
  }),
  'plans.remove': method({ summary: 'Remove a backup plan.', input: ById, output: z.object({}) }),

  // ---- jobs
  'jobs.list': method({ summary: 'Job history, newest first, with filters.', input: JobListFilterSchema, output: z.array(JobRecordSchema) }),
  'jobs.get': method({
    summary: 'One job with the tail of its log.',
    input: ById,
    output: z.object({ job: JobRecordSchema, log: z.array(JobLogLineSchema) }),
  }),
  'jobs.cancel': method({ summary: 'Cancel a queued or running job.', input: ById, output: JobRecordSchema }),

  // ---- audit
  'audit.list': method({ summary: 'Audit log entries, newest first, with filters.', input: AuditFilterSchema, output: z.array(AuditEntrySchema) }),
  'audit.export': method({
    summary: 'The audit log (filtered) as CSV.',
    input: AuditFilterSchema,
    output: z.object({ filename: z.string(), csv: z.string() }),
  }),

  // ---- daily check
  'fleet.dailyCheck': method({
    summary: 'Start the daily check of the whole fleet (a job; progress arrives as job events).',
    input: NoInput,
    output: z.object({ checkId: z.string(), jobId: z.string() }),
  }),
  'fleet.checks': method({
    summary: 'Past daily checks, newest first.',
    input: z.object({ limit: z.number().int().min(1).max(1000).default(50), before: z.string().max(128).optional() }).strict(),
    output: z.array(DailyCheckSchema),
  }),
  'fleet.check': method({
    summary: 'One daily check with its items (the latest when no id is given).',
    input: z.object({ id: z.string().max(128).optional() }).strict(),
    output: z.object({ check: DailyCheckSchema, items: z.array(DailyCheckItemSchema) }).nullable(),
  }),
  'fleet.checkExport': method({
    summary: 'A daily check as CSV or JSON.',
    input: z.object({ id: z.string().max(128), format: z.enum(['csv', 'json']) }).strict(),
    output: z.object({ filename: z.string(), content: z.string() }),
  }),
  'fleet.checkTrend': method({
    summary: 'Items per status per day over the last days.',
    input: z.object({ days: z.number().int().min(1).max(366).default(30) }).strict(),
    output: z.array(CheckTrendPointSchema),
  }),

  // ---- repository maintenance and snapshot extras (block above)
  ...repoMaintenanceMethods,
  // ---- issue 5 and 6 areas, each in its own file
  ...restoreMethods,
  ...minioMethods,
  ...runnerMethods,
  ...alertMethods,
  ...onboardingMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/**
 * Events pushed by the core. `invalidate` tells clients which server state
 * is stale (the renderer maps scopes to its query keys).
 */
export const events = {
  invalidate: z.object({
    scope: z.enum(['hosts', 'repos', 'snapshots', 'businesses', 'plans', 'audit', 'checks']),
    repoId: IdSchema.optional(),
  }),
  /** A job was created or changed (status, progress, counters). */
  'jobs.changed': z.object({ type: z.enum(['created', 'updated']), job: JobRecordSchema }),
  /** New log lines of a job. */
  'jobs.log': z.object({ jobId: z.string(), lines: z.array(JobLogLineSchema) }),
  /** The next changes of a snapshots.diffStream, in restic's order (`seq` counts chunks from 0). */
  'snapshots.diffChunk': z.object({
    streamId: z.string(),
    seq: z.number().int().min(0),
    changes: z.array(DiffChangeSchema),
  }),
  /** Alerts went out for a business (one per business per daily check): the desktop build shows a notification. */
  'alerts.fired': AlertFiredSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** An event as it travels: name plus payload. */
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

/**
 * The one client object the renderer gets: the preload bridge and the
 * HTTP client both implement it, so the renderer never knows which.
 * `call` rejects with a ConsoleError carrying the envelope's error.
 */
export interface ConsoleClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
