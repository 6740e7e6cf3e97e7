/**
 * Plain domain types shared by the core and the renderer, as zod schemas so
 * the contract can validate them at the boundary.
 */
import { z } from 'zod';

export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'ids are letters, digits, dot, underscore, colon and dash');

export const HostSchema = z.object({
  id: IdSchema,
  name: z.string(),
  kind: z.enum(['local', 'ssh']),
  address: z.string().optional(),
  port: z.number().int().optional(),
  user: z.string().optional(),
});
export type Host = z.infer<typeof HostSchema>;

export const RepoKindSchema = z.enum(['local', 'sftp', 's3', 'rest', 'other']);
export type RepoKind = z.infer<typeof RepoKindSchema>;

export const RepoSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** restic's repository string with any credentials removed, e.g. `s3:http://127.0.0.1:9000/bucket`. */
  location: z.string(),
  kind: RepoKindSchema,
  /** The host restic runs on to reach this repository ("this machine" for local exec). */
  hostId: IdSchema,
  business: z.string().optional(),
  businessId: IdSchema.optional(),
  role: z.enum(['primary', 'offsite']).optional(),
  demo: z.boolean().default(false),
  passwordSet: z.boolean(),
});
export type Repo = z.infer<typeof RepoSchema>;

export const SnapshotSummarySchema = z.object({
  filesNew: z.number().optional(),
  filesChanged: z.number().optional(),
  filesUnmodified: z.number().optional(),
  dataAdded: z.number().optional(),
  totalFilesProcessed: z.number().optional(),
  totalBytesProcessed: z.number().optional(),
});
export type SnapshotSummary = z.infer<typeof SnapshotSummarySchema>;

export const SnapshotSchema = z.object({
  id: z.string(),
  shortId: z.string(),
  /** ISO 8601 with the offset restic recorded. */
  time: z.string(),
  hostname: z.string(),
  username: z.string().optional(),
  paths: z.array(z.string()),
  tags: z.array(z.string()),
  parent: z.string().optional(),
  tree: z.string().optional(),
  programVersion: z.string().optional(),
  /** From restic ≥ 0.17 only: older snapshots carry no counters. */
  summary: SnapshotSummarySchema.optional(),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const NodeTypeSchema = z.enum(['file', 'dir', 'symlink', 'dev', 'chardev', 'fifo', 'socket', 'irregular', 'other']);

export const LsNodeSchema = z.object({
  name: z.string(),
  path: z.string(),
  type: NodeTypeSchema,
  size: z.number().optional(),
  mode: z.number().optional(),
  permissions: z.string().optional(),
  mtime: z.string().optional(),
  uid: z.number().optional(),
  gid: z.number().optional(),
  linkTarget: z.string().optional(),
});
export type LsNode = z.infer<typeof LsNodeSchema>;

export const DiffModifierSchema = z.enum(['+', '-', 'T', 'M', 'U', '?']);
export type DiffModifier = z.infer<typeof DiffModifierSchema>;

export const DiffChangeSchema = z.object({ path: z.string(), modifier: DiffModifierSchema });
export type DiffChange = z.infer<typeof DiffChangeSchema>;

const DiffCountsSchema = z.object({
  files: z.number(),
  dirs: z.number(),
  others: z.number(),
  dataBlobs: z.number(),
  treeBlobs: z.number(),
  bytes: z.number(),
});

export const DiffStatsSchema = z.object({
  sourceSnapshot: z.string(),
  targetSnapshot: z.string(),
  changedFiles: z.number(),
  added: DiffCountsSchema,
  removed: DiffCountsSchema,
});
export type DiffStats = z.infer<typeof DiffStatsSchema>;

// ---------------------------------------------------------------- repository maintenance (issue 4)

/** `restic stats --json` in one mode; compression fields from 0.15 (raw-data mode only). */
export const RepoStatsSchema = z.object({
  mode: z.enum(['restore-size', 'raw-data']),
  totalSize: z.number(),
  totalFileCount: z.number().optional(),
  totalBlobCount: z.number().optional(),
  snapshotsCount: z.number().optional(),
  totalUncompressedSize: z.number().optional(),
  /** uncompressed / compressed (e.g. 1.9 = data shrank to about half). */
  compressionRatio: z.number().optional(),
  /** Percent of the data that is stored compressed (0–100). */
  compressionProgress: z.number().optional(),
  /** Percent of space compression saves (0–100). */
  compressionSpaceSaving: z.number().optional(),
});
export type RepoStats = z.infer<typeof RepoStatsSchema>;

/** What `check` reads of the pack files' data: nothing (structure only), all, or a subset. */
export const CheckReadDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('all') }).strict(),
  /** Group n of t (restic --read-data-subset=n/t). */
  z
    .object({
      kind: z.literal('fraction'),
      n: z.number().int().min(1).max(1_000_000),
      t: z.number().int().min(1).max(1_000_000),
    })
    .strict()
    .refine((v) => v.n <= v.t, 'n must not exceed t'),
  /** A random x% of the packs (--read-data-subset=x%). */
  z.object({ kind: z.literal('percent'), percent: z.number().gt(0).max(100) }).strict(),
  /** Random packs up to a size (--read-data-subset=500M); K, M, G, T suffixes. */
  z
    .object({
      kind: z.literal('size'),
      size: z.string().regex(/^[1-9][0-9]{0,12}[KMGT]?$/, 'a size like 500M or 2G'),
    })
    .strict(),
]);
export type CheckReadData = z.infer<typeof CheckReadDataSchema>;

/** The parsed outcome of a finished `restic check` (text in 0.14–0.17, JSON summary from 0.18). */
export const CheckResultSchema = z.object({
  ok: z.boolean(),
  numErrors: z.number(),
  /** restic's error lines (bounded). */
  errors: z.array(z.string()),
  brokenPacks: z.array(z.string()),
  suggestRepairIndex: z.boolean().optional(),
  suggestPrune: z.boolean().optional(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

const keepCount = z.number().int().min(1).max(1_000_000).optional();

/** A retention policy: restic forget's --keep-* options. At least one rule is required. */
export const RetentionPolicySchema = z
  .object({
    keepLast: keepCount,
    keepHourly: keepCount,
    keepDaily: keepCount,
    keepWeekly: keepCount,
    keepMonthly: keepCount,
    keepYearly: keepCount,
    /** A duration like 1y5m7d2h (restic --keep-within). */
    keepWithin: z
      .string()
      .regex(/^(?:[0-9]{1,6}[ymdh]){1,4}$/, 'a duration like 1y5m7d2h')
      .optional(),
    /** Keep snapshots carrying any of these tags. */
    keepTags: z
      .array(
        z
          .string()
          .min(1)
          .max(256)
          .regex(/^[^,\p{Cc}]+$/u, 'a tag has no comma or control character'),
      )
      .max(64)
      .optional(),
  })
  .strict()
  .refine(
    (p) => Object.values(p).some((v) => v !== undefined && (!Array.isArray(v) || v.length > 0)),
    'a retention policy needs at least one keep rule',
  );
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;

export const ForgetGroupBySchema = z
  .string()
  .regex(/^(?:host|paths|tags)(?:,(?:host|paths|tags)){0,2}$/, 'group by host, paths and/or tags')
  .or(z.literal(''));

export const ForgetEntrySchema = z.object({
  snapshot: SnapshotSchema,
  /** Why restic keeps it ("last snapshot", "daily snapshot", …); empty for removed ones. */
  reasons: z.array(z.string()),
});
export type ForgetEntry = z.infer<typeof ForgetEntrySchema>;

export const ForgetGroupSchema = z.object({
  host: z.string().optional(),
  paths: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  keep: z.array(ForgetEntrySchema),
  remove: z.array(ForgetEntrySchema),
});
export type ForgetGroup = z.infer<typeof ForgetGroupSchema>;

export const RepoKeySchema = z.object({
  id: z.string(),
  current: z.boolean(),
  userName: z.string(),
  hostName: z.string(),
  created: z.string(),
});
export type RepoKey = z.infer<typeof RepoKeySchema>;

export const RepoLockSchema = z.object({
  id: z.string(),
  time: z.string(),
  exclusive: z.boolean(),
  hostname: z.string(),
  username: z.string(),
  pid: z.number(),
  ageSeconds: z.number().nullable(),
  /** Whether the owner pid is alive on its host (asked over SSH when the host is in the inventory). */
  pidState: z.enum(['alive', 'dead', 'unknown-host', 'unchecked']),
  /** The inventory host the lock's hostname names, when one does. */
  ownerHostId: IdSchema.optional(),
  /** restic would remove it with a plain unlock (older than 30 min, or its pid is dead). */
  stale: z.boolean(),
  note: z.string().optional(),
});
export type RepoLock = z.infer<typeof RepoLockSchema>;

export const GrowthPointSchema = z.object({
  time: z.string(),
  snapshotId: z.string(),
  hostname: z.string(),
  totalBytesProcessed: z.number().optional(),
  dataAdded: z.number().optional(),
});
export type GrowthPoint = z.infer<typeof GrowthPointSchema>;

/** A file found by `restic find` in one snapshot. */
export const FindMatchSchema = z.object({
  path: z.string(),
  name: z.string(),
  type: NodeTypeSchema,
  size: z.number().optional(),
  mode: z.number().optional(),
  permissions: z.string().optional(),
  mtime: z.string().optional(),
});
export type FindMatch = z.infer<typeof FindMatchSchema>;

export const FindResultSchema = z.object({
  snapshotId: z.string(),
  shortId: z.string(),
  time: z.string().optional(),
  hostname: z.string().optional(),
  hits: z.number(),
  matches: z.array(FindMatchSchema),
});
export type FindResult = z.infer<typeof FindResultSchema>;

/** One snapshot's version of a file, oldest snapshot first. */
export const FileVersionSchema = z.object({
  snapshotId: z.string(),
  shortId: z.string(),
  time: z.string(),
  hostname: z.string(),
  type: NodeTypeSchema,
  size: z.number().optional(),
  mtime: z.string().optional(),
  /** 'first' for the oldest copy, 'changed' when size or mtime differ from the previous copy. */
  status: z.enum(['first', 'changed', 'unchanged']),
});
export type FileVersion = z.infer<typeof FileVersionSchema>;
