/**
 * The restore wizard's contract (issue 5): preview, start, follow, undo,
 * and restore drills. Pure: no Node, DOM or Electron imports.
 *
 * A restore is a job (kind `restore`) plus a restore record that outlives
 * the window: reopening the wizard finds the running one with
 * `restore.list({ active: true })` and re-attaches to its job events.
 */
import { z } from 'zod';
import { IdSchema, NodeTypeSchema } from './domain';
import { ErrorBodySchema } from './errors';
import { CommandLine, ConfirmInput, method, SnapshotIdInput } from './method';

const AbsolutePath = z
  .string()
  .startsWith('/', 'an absolute path')
  .max(16384)
  .regex(/^[^\0]*$/, 'a path has no NUL byte');

/** Where the files go. */
export const RestoreTargetSchema = z.discriminatedUnion('kind', [
  /** Back where they were, on the host that made the snapshot (or the one chosen). Needs a safety snapshot and the host name typed. */
  z.object({ kind: z.literal('original'), hostId: IdSchema }).strict(),
  /** Under another folder on a host: this host, another one (cross-host restore), or "this machine". */
  z.object({ kind: z.literal('path'), hostId: IdSchema, path: AbsolutePath }).strict(),
  /** An archive on this machine made with `restic dump --archive tar|zip`. */
  z.object({ kind: z.literal('archive'), format: z.enum(['tar', 'zip']), directory: AbsolutePath }).strict(),
]);
export type RestoreTarget = z.infer<typeof RestoreTargetSchema>;

export const OverwritePolicySchema = z.enum(['always', 'if-changed', 'if-newer', 'never']);
export type OverwritePolicy = z.infer<typeof OverwritePolicySchema>;

export const RestoreOptionsSchema = z
  .object({
    /** restic ≥ 0.17; older restic always overwrites. */
    overwrite: OverwritePolicySchema.default('always'),
    /** Delete files in the target that the snapshot does not have (restic ≥ 0.18). */
    delete: z.boolean().default(false),
    /** restic restore --verify: read back what was written. */
    verify: z.boolean().default(false),
    /** KiB/s for reading from the repository (restic --limit-download). */
    limitDownloadKiB: z.number().int().min(1).max(10_000_000).optional(),
  })
  .strict();
export type RestoreOptions = z.infer<typeof RestoreOptionsSchema>;

export const RestoreRequestSchema = z
  .object({
    repoId: IdSchema,
    snapshotId: SnapshotIdInput,
    /** Files and folders in the snapshot; empty = the whole snapshot. */
    paths: z.array(AbsolutePath).max(10_000).default([]),
    /** Items the user unticked in the preview (restored as --exclude). */
    excluded: z.array(AbsolutePath).max(100_000).default([]),
    target: RestoreTargetSchema,
    options: RestoreOptionsSchema.default({ overwrite: 'always', delete: false, verify: false }),
  })
  .strict();
export type RestoreRequest = z.infer<typeof RestoreRequestSchema>;

/** Whether the target host's restic can do something, and why not when it cannot. */
export const CapabilitySchema = z.object({ supported: z.boolean(), reason: z.string().optional() });

export const RestoreCapabilitiesSchema = z.object({
  resticVersion: z.string(),
  dryRun: CapabilitySchema,
  overwrite: CapabilitySchema,
  delete: CapabilitySchema,
  verify: CapabilitySchema,
  jsonProgress: CapabilitySchema,
  limitDownload: CapabilitySchema,
});
export type RestoreCapabilities = z.infer<typeof RestoreCapabilitiesSchema>;

export const PreviewActionSchema = z.enum(['create', 'overwrite', 'unchanged', 'delete']);
export type PreviewAction = z.infer<typeof PreviewActionSchema>;

export const PreviewItemSchema = z.object({
  /** Path in the snapshot (for delete: the path in the target that would go). */
  path: z.string(),
  /** Where it lands on the target. */
  targetPath: z.string(),
  action: PreviewActionSchema,
  type: NodeTypeSchema.optional(),
  size: z.number().optional(),
});
export type PreviewItem = z.infer<typeof PreviewItemSchema>;

export const PreviewTotalsSchema = z.object({
  create: z.object({ files: z.number().int(), bytes: z.number() }),
  overwrite: z.object({ files: z.number().int(), bytes: z.number() }),
  unchanged: z.object({ files: z.number().int(), bytes: z.number() }),
  delete: z.object({ files: z.number().int(), bytes: z.number() }),
});

export const RestorePreviewSchema = z.object({
  /** How it was computed: restic's own dry run, or the snapshot listing compared with a listing of the target. */
  method: z.enum(['dry-run', 'listing', 'archive']),
  items: z.array(PreviewItemSchema),
  /** More items than were returned (totals still count them all). */
  truncated: z.boolean(),
  totals: PreviewTotalsSchema,
  capabilities: RestoreCapabilitiesSchema,
  /** In-place restores first snapshot these target paths; the user must type `confirmName`. */
  safety: z.object({ required: z.boolean(), paths: z.array(z.string()), confirmName: z.string().optional() }),
  /** The host the restore runs on (the target's), by inventory name. */
  targetHost: z.string(),
  command: CommandLine,
  warnings: z.array(z.string()),
});
export type RestorePreview = z.infer<typeof RestorePreviewSchema>;

export const RestoreStatusSchema = z.enum([
  'queued',
  'safety-snapshot',
  'restoring',
  'verifying',
  'succeeded',
  'partial',
  'failed',
  'cancelled',
]);
export type RestoreStatus = z.infer<typeof RestoreStatusSchema>;

export const RestoreFileErrorSchema = z.object({ path: z.string(), message: z.string() });

export const RestoreRecordSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  status: RestoreStatusSchema,
  repoId: IdSchema,
  repoName: z.string(),
  snapshotId: z.string(),
  paths: z.array(z.string()),
  excludedCount: z.number().int(),
  target: RestoreTargetSchema,
  targetHost: z.string(),
  options: RestoreOptionsSchema,
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  /** The snapshot taken of the target paths before an in-place restore (tag `rfc-safety`). */
  safetySnapshotId: z.string().optional(),
  /**
   * In-place restores: the target paths an undo puts back (each selected path, or the
   * highest of its folders that did not exist before the restore).
   */
  affectedPaths: z.array(z.string()).optional(),
  /** Where the selection lands on the target (the roots restic writes under). */
  targetPaths: z.array(z.string()).optional(),
  /** Set on an undo: the restore it reverses. */
  undoOf: z.string().optional(),
  /** Set once an undo has been started for this restore. */
  undoneBy: z.string().optional(),
  summary: z
    .object({
      filesRestored: z.number().int(),
      filesSkipped: z.number().int(),
      filesDeleted: z.number().int(),
      bytesRestored: z.number(),
      totalFiles: z.number().int(),
      totalBytes: z.number(),
      seconds: z.number(),
    })
    .optional(),
  /** Per-file errors (a partial result lists what did not make it). */
  errors: z.array(RestoreFileErrorSchema),
  error: ErrorBodySchema.optional(),
  /** An archive target: the file written on this machine. */
  archivePath: z.string().optional(),
  /** The equivalent restic commands, in order, secrets masked. */
  commands: z.array(CommandLine),
});
export type RestoreRecord = z.infer<typeof RestoreRecordSchema>;

export const DrillScheduleSchema = z.object({
  businessId: IdSchema,
  enabled: z.boolean(),
  /** Days between drills. */
  everyDays: z.number().int().min(1).max(366),
  hostId: IdSchema,
  /** Scratch folder on that host; each drill uses a fresh folder under it and removes it. */
  scratchPath: AbsolutePath,
  /** How many files the sample holds. */
  sampleFiles: z.number().int().min(1).max(10_000),
  /** One repository of the business; absent = each of its repositories in turn. */
  repoId: IdSchema.optional(),
  /** Only snapshots made by this host name (restic --host); absent = the repository's latest. */
  snapshotHost: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\p{Cc},]*$/u, 'a host name without control characters or commas')
    .optional(),
  nextRunAt: z.string().optional(),
  /** When the console last started this schedule's drills. */
  lastRunAt: z.string().optional(),
});
export type DrillSchedule = z.infer<typeof DrillScheduleSchema>;

export const DrillResultSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  businessId: IdSchema.optional(),
  repoId: IdSchema,
  hostId: IdSchema,
  snapshotId: z.string().optional(),
  status: z.enum(['running', 'passed', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  filesChecked: z.number().int(),
  bytesChecked: z.number(),
  mismatches: z.array(z.object({ path: z.string(), reason: z.string() })),
  reason: z.string().optional(),
  /** Names as they were when the drill ran (history survives a removed host or repository). */
  repoName: z.string().optional(),
  hostName: z.string().optional(),
  businessName: z.string().optional(),
  /** 'schedule' when the console's timer started it. */
  trigger: z.enum(['manual', 'schedule']).optional(),
  scratchPath: z.string().optional(),
  sampleFiles: z.number().int().optional(),
  /** Regular files in the snapshot the sample was drawn from. */
  filesInSnapshot: z.number().int().optional(),
  snapshotTime: z.string().optional(),
  /** The equivalent restic commands, secrets masked. */
  commands: z.array(CommandLine).optional(),
});
export type DrillResult = z.infer<typeof DrillResultSchema>;

export const restoreMethods = {
  'restore.capabilities': method({
    summary:
      "What the target host's restic supports for a restore (dry run, overwrite policies, delete, verify), with reasons.",
    input: z.object({ hostId: IdSchema }).strict(),
    output: RestoreCapabilitiesSchema,
  }),
  'restore.preview': method({
    summary:
      'What a restore would create, overwrite and delete on the target (restic restore --dry-run -vv, or the snapshot listing against the target): nothing changes.',
    input: RestoreRequestSchema.extend({ limit: z.number().int().min(1).max(200_000).default(20_000) }),
    output: RestorePreviewSchema,
  }),
  'restore.start': method({
    summary:
      'Start a restore (a job): in place it first takes a safety snapshot and needs the host name typed; the result lists per-file errors.',
    input: RestoreRequestSchema.extend({ confirm: ConfirmInput.optional() }),
    output: z.object({ restoreId: z.string(), jobId: z.string(), commands: z.array(CommandLine) }),
  }),
  'restore.get': method({
    summary: 'One restore with its summary, per-file errors, safety snapshot and commands.',
    input: z.object({ id: z.string().max(128) }).strict(),
    output: RestoreRecordSchema,
  }),
  'restore.list': method({
    summary: 'Restores, newest first (active only: the ones to re-attach to).',
    input: z
      .object({ active: z.boolean().optional(), limit: z.number().int().min(1).max(1000).default(50) })
      .strict(),
    output: z.array(RestoreRecordSchema),
  }),
  'restore.undo': method({
    summary:
      'Undo an in-place restore by restoring its safety snapshot in place (type the host name to confirm).',
    input: z.object({ id: z.string().max(128), confirm: ConfirmInput }).strict(),
    output: z.object({ restoreId: z.string(), jobId: z.string(), commands: z.array(CommandLine) }),
  }),
  'drills.run': method({
    summary:
      'Restore drill now: a sample of the latest snapshot into a scratch folder on a host, content hashes compared with the snapshot, then cleaned up.',
    input: z
      .object({
        repoId: IdSchema,
        hostId: IdSchema,
        scratchPath: AbsolutePath,
        sampleFiles: z.number().int().min(1).max(10_000).default(20),
        snapshotHost: DrillScheduleSchema.shape.snapshotHost,
      })
      .strict(),
    output: z.object({ drillId: z.string(), jobId: z.string() }),
  }),
  'drills.list': method({
    summary: 'Past restore drills, newest first.',
    input: z
      .object({
        businessId: IdSchema.optional(),
        repoId: IdSchema.optional(),
        limit: z.number().int().min(1).max(1000).default(50),
      })
      .strict(),
    output: z.array(DrillResultSchema),
  }),
  'drills.schedules': method({
    summary: 'Restore drill schedules, one per business.',
    input: z.object({}).strict(),
    output: z.array(DrillScheduleSchema),
  }),
  'drills.setSchedule': method({
    summary: "Set a business's restore drill schedule (kept and run by the console).",
    input: DrillScheduleSchema.omit({ nextRunAt: true, lastRunAt: true }).strict(),
    output: DrillScheduleSchema,
  }),
} as const;
