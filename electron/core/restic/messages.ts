/**
 * Schemas for the restic JSON messages the console uses, and their
 * conversion to the shared domain types. Pure.
 *
 * Lenient on purpose: restic omits zero-valued fields, adds fields and
 * message types in any release, and changed a few shapes between 0.14 and
 * 0.19 (see REFERENCE.md). So every object is loose (unknown keys pass
 * through), only the fields the console cannot do without are required,
 * and numbers default to 0 where restic omits zeroes.
 */
import { z } from 'zod';
import type { DiffChange, DiffModifier, DiffStats, LsNode, Snapshot, SnapshotSummary } from '../../../shared';

const num = z.number().optional();
const str = z.string().optional();

/** restic's type tag: `message_type` everywhere from 0.17, `struct_type` in 0.14's ls. */
export function messageTypeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.message_type === 'string') return v.message_type;
  if (typeof v.struct_type === 'string') return v.struct_type;
  return undefined;
}

// ---------------------------------------------------------------- backup

export const BackupStatusMessageSchema = z.looseObject({
  message_type: z.literal('status'),
  seconds_elapsed: num,
  seconds_remaining: num,
  percent_done: num,
  total_files: num,
  files_done: num,
  total_bytes: num,
  bytes_done: num,
  error_count: num,
  current_files: z.array(z.string()).nullish(),
});

export const BackupSummaryMessageSchema = z.looseObject({
  message_type: z.literal('summary'),
  files_new: num,
  files_changed: num,
  files_unmodified: num,
  dirs_new: num,
  dirs_changed: num,
  dirs_unmodified: num,
  data_blobs: num,
  tree_blobs: num,
  data_added: num,
  data_added_packed: num,
  total_files_processed: num,
  total_bytes_processed: num,
  total_duration: num,
  backup_start: str,
  backup_end: str,
  snapshot_id: str,
  dry_run: z.boolean().optional(),
});

export const BackupErrorMessageSchema = z.looseObject({
  message_type: z.literal('error'),
  /** 0.14–0.17.0: Go's error value marshalled as-is ({Op, Path, Err} for a PathError); 0.17.1+: {message}. */
  error: z.unknown(),
  during: str,
  item: str,
});

export const VerboseStatusMessageSchema = z.looseObject({
  message_type: z.literal('verbose_status'),
  action: z.string(),
  item: str,
  duration: num,
  data_size: num,
  data_size_in_repo: num,
  metadata_size: num,
  total_files: num,
});

/** 0.18+: the last line of stderr of a failing command run with --json. */
export const ExitErrorMessageSchema = z.looseObject({
  message_type: z.literal('exit_error'),
  code: z.number(),
  message: z.string(),
});
export type ExitErrorMessage = z.infer<typeof ExitErrorMessageSchema>;

export interface BackupProgress {
  secondsElapsed: number;
  secondsRemaining?: number;
  /** 0–1. */
  percentDone: number;
  totalFiles: number;
  filesDone: number;
  totalBytes: number;
  bytesDone: number;
  errorCount: number;
  currentFiles: string[];
}

export interface BackupSummary {
  /** Full id from 0.15; 8 hex digits (a unique prefix) from 0.14. Absent on --dry-run. */
  snapshotId?: string;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  dirsNew: number;
  dirsChanged: number;
  dirsUnmodified: number;
  dataBlobs: number;
  treeBlobs: number;
  dataAdded: number;
  /** 0.17+. */
  dataAddedPacked?: number;
  totalFilesProcessed: number;
  totalBytesProcessed: number;
  /** Seconds. */
  totalDuration: number;
  /** 0.18+. */
  backupStart?: string;
  backupEnd?: string;
  dryRun: boolean;
}

export interface BackupItemError {
  /** Human-readable, whatever shape restic used. */
  message: string;
  /** "scan" or "archival" (restic's words). */
  during?: string;
  item?: string;
}

export function toBackupProgress(m: z.infer<typeof BackupStatusMessageSchema>): BackupProgress {
  return {
    secondsElapsed: m.seconds_elapsed ?? 0,
    ...(m.seconds_remaining !== undefined ? { secondsRemaining: m.seconds_remaining } : {}),
    percentDone: m.percent_done ?? 0,
    totalFiles: m.total_files ?? 0,
    filesDone: m.files_done ?? 0,
    totalBytes: m.total_bytes ?? 0,
    bytesDone: m.bytes_done ?? 0,
    errorCount: m.error_count ?? 0,
    currentFiles: m.current_files ?? [],
  };
}

export function toBackupSummary(m: z.infer<typeof BackupSummaryMessageSchema>): BackupSummary {
  return {
    ...(m.snapshot_id ? { snapshotId: m.snapshot_id } : {}),
    filesNew: m.files_new ?? 0,
    filesChanged: m.files_changed ?? 0,
    filesUnmodified: m.files_unmodified ?? 0,
    dirsNew: m.dirs_new ?? 0,
    dirsChanged: m.dirs_changed ?? 0,
    dirsUnmodified: m.dirs_unmodified ?? 0,
    dataBlobs: m.data_blobs ?? 0,
    treeBlobs: m.tree_blobs ?? 0,
    dataAdded: m.data_added ?? 0,
    ...(m.data_added_packed !== undefined ? { dataAddedPacked: m.data_added_packed } : {}),
    totalFilesProcessed: m.total_files_processed ?? 0,
    totalBytesProcessed: m.total_bytes_processed ?? 0,
    totalDuration: m.total_duration ?? 0,
    ...(m.backup_start ? { backupStart: m.backup_start } : {}),
    ...(m.backup_end ? { backupEnd: m.backup_end } : {}),
    dryRun: m.dry_run ?? false,
  };
}

/** Linux errno numbers restic 0.14 leaves bare in {Op, Path, Err}; the common ones for backups. */
const ERRNO: Record<number, string> = {
  1: 'operation not permitted',
  2: 'no such file or directory',
  5: 'input/output error',
  13: 'permission denied',
  20: 'not a directory',
  21: 'is a directory',
  24: 'too many open files',
  28: 'no space left on device',
  36: 'file name too long',
  40: 'too many levels of symbolic links',
};

/** Turns the many shapes of backup's `error.error` into one line of text. */
export function describeResticError(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>;
    if (typeof e.message === 'string') return e.message;
    if (typeof e.Op === 'string' && typeof e.Path === 'string') {
      const cause =
        typeof e.Err === 'number'
          ? (ERRNO[e.Err] ?? `errno ${e.Err}`)
          : typeof e.Err === 'string'
            ? e.Err
            : describeResticError(e.Err);
      return `${e.Op} ${e.Path}: ${cause}`;
    }
    const json = JSON.stringify(error);
    return json === '{}' ? 'unknown error' : json;
  }
  return error === undefined ? 'unknown error' : String(error);
}

export function toBackupItemError(m: z.infer<typeof BackupErrorMessageSchema>): BackupItemError {
  return {
    message: describeResticError(m.error),
    ...(m.during ? { during: m.during } : {}),
    ...(m.item ? { item: m.item } : {}),
  };
}

// ------------------------------------------------------------- snapshots

const SnapshotSummaryJsonSchema = z.looseObject({
  files_new: num,
  files_changed: num,
  files_unmodified: num,
  data_added: num,
  total_files_processed: num,
  total_bytes_processed: num,
});

export const SnapshotJsonSchema = z.looseObject({
  time: z.string(),
  parent: str,
  tree: str,
  paths: z.array(z.string()).nullish(),
  hostname: z.string().nullish(),
  username: str,
  tags: z.array(z.string()).nullish(),
  id: z.string().min(1),
  short_id: str,
  program_version: str,
  summary: SnapshotSummaryJsonSchema.optional(),
});
export type SnapshotJson = z.infer<typeof SnapshotJsonSchema>;

export const SnapshotsJsonSchema = z.array(SnapshotJsonSchema);

/** `snapshots --json --group-by …` prints groups instead of a flat array. */
export const SnapshotGroupsJsonSchema = z.array(
  z.looseObject({ group_key: z.unknown(), snapshots: z.array(SnapshotJsonSchema) }),
);

export function toSnapshot(s: SnapshotJson): Snapshot {
  let summary: SnapshotSummary | undefined;
  if (s.summary) {
    summary = {
      ...(s.summary.files_new !== undefined ? { filesNew: s.summary.files_new } : {}),
      ...(s.summary.files_changed !== undefined ? { filesChanged: s.summary.files_changed } : {}),
      ...(s.summary.files_unmodified !== undefined ? { filesUnmodified: s.summary.files_unmodified } : {}),
      ...(s.summary.data_added !== undefined ? { dataAdded: s.summary.data_added } : {}),
      ...(s.summary.total_files_processed !== undefined
        ? { totalFilesProcessed: s.summary.total_files_processed }
        : {}),
      ...(s.summary.total_bytes_processed !== undefined
        ? { totalBytesProcessed: s.summary.total_bytes_processed }
        : {}),
    };
  }
  return {
    id: s.id,
    shortId: s.short_id || s.id.slice(0, 8),
    time: s.time,
    hostname: s.hostname ?? '',
    ...(s.username ? { username: s.username } : {}),
    paths: s.paths ?? [],
    tags: s.tags ?? [],
    ...(s.parent ? { parent: s.parent } : {}),
    ...(s.tree ? { tree: s.tree } : {}),
    ...(s.program_version ? { programVersion: s.program_version } : {}),
    ...(summary ? { summary } : {}),
  };
}

// -------------------------------------------------------------------- ls

export const LsNodeJsonSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  path: z.string(),
  uid: num,
  gid: num,
  size: num,
  mode: num,
  permissions: str,
  mtime: str,
  atime: str,
  ctime: str,
  inode: num,
  /** Not printed by 0.14–0.19; accepted should a release add it. */
  linktarget: str,
});
export type LsNodeJson = z.infer<typeof LsNodeJsonSchema>;

const NODE_TYPES = new Set(['file', 'dir', 'symlink', 'dev', 'chardev', 'fifo', 'socket', 'irregular']);

export function toLsNode(n: LsNodeJson): LsNode {
  const type = (NODE_TYPES.has(n.type) ? n.type : 'other') as LsNode['type'];
  return {
    name: n.name,
    path: n.path,
    type,
    ...(n.size !== undefined ? { size: n.size } : type === 'file' ? { size: 0 } : {}),
    ...(n.mode !== undefined ? { mode: n.mode } : {}),
    ...(n.permissions ? { permissions: n.permissions } : {}),
    ...(n.mtime ? { mtime: n.mtime } : {}),
    ...(n.uid !== undefined ? { uid: n.uid } : {}),
    ...(n.gid !== undefined ? { gid: n.gid } : {}),
    ...(n.linktarget ? { linkTarget: n.linktarget } : {}),
  };
}

// ------------------------------------------------------------------ diff

export const DiffChangeMessageSchema = z.looseObject({
  message_type: z.literal('change'),
  path: z.string(),
  modifier: z.string(),
});

const DiffCountsJsonSchema = z.looseObject({
  files: num,
  dirs: num,
  others: num,
  data_blobs: num,
  tree_blobs: num,
  bytes: num,
});

export const DiffStatsMessageSchema = z.looseObject({
  message_type: z.literal('statistics'),
  source_snapshot: z.string(),
  target_snapshot: z.string(),
  changed_files: num,
  added: DiffCountsJsonSchema.optional(),
  removed: DiffCountsJsonSchema.optional(),
});

const MODIFIERS = new Set<string>(['+', '-', 'T', 'M', 'U', '?']);

export function toDiffChange(m: z.infer<typeof DiffChangeMessageSchema>): DiffChange {
  // An unknown marker from a future release still shows up, as "?".
  const modifier = (MODIFIERS.has(m.modifier) ? m.modifier : '?') as DiffModifier;
  return { path: m.path, modifier };
}

function toCounts(c: z.infer<typeof DiffCountsJsonSchema> | undefined): DiffStats['added'] {
  return {
    files: c?.files ?? 0,
    dirs: c?.dirs ?? 0,
    others: c?.others ?? 0,
    dataBlobs: c?.data_blobs ?? 0,
    treeBlobs: c?.tree_blobs ?? 0,
    bytes: c?.bytes ?? 0,
  };
}

export function toDiffStats(m: z.infer<typeof DiffStatsMessageSchema>): DiffStats {
  return {
    sourceSnapshot: m.source_snapshot,
    targetSnapshot: m.target_snapshot,
    changedFiles: m.changed_files ?? 0,
    added: toCounts(m.added),
    removed: toCounts(m.removed),
  };
}

// ------------------------------------------------------ init, cat config

export const InitMessageSchema = z.looseObject({
  message_type: z.literal('initialized'),
  id: z.string(),
  repository: str,
});

/** 0.14 ignores --json for init: "created restic repository 2426af7748 at /path". */
const INIT_TEXT_RE = /created restic repository ([0-9a-f]+) at /;

export function parseInitOutput(stdout: string): { id?: string } {
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (t.startsWith('{')) {
      try {
        const parsed = InitMessageSchema.safeParse(JSON.parse(t));
        if (parsed.success) return { id: parsed.data.id };
      } catch {
        // Not JSON after all; keep looking.
      }
    }
    const m = INIT_TEXT_RE.exec(t);
    // The text form gives a 10-digit prefix of the id only.
    if (m?.[1]) return { id: m[1] };
  }
  return {};
}

export const CatConfigSchema = z.looseObject({
  version: z.number(),
  id: z.string(),
  chunker_polynomial: str,
});

export interface RepoConfig {
  version: number;
  id: string;
  chunkerPolynomial?: string;
}

export function toRepoConfig(c: z.infer<typeof CatConfigSchema>): RepoConfig {
  return {
    version: c.version,
    id: c.id,
    ...(c.chunker_polynomial ? { chunkerPolynomial: c.chunker_polynomial } : {}),
  };
}
