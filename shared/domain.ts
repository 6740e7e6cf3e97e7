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
