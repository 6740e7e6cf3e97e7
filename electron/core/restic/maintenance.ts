/**
 * Parsing for the maintenance commands: stats, check, forget, prune,
 * find, key, tag. Pure; Restic (restic.ts) runs the commands.
 *
 * Shapes recorded from 0.14.0 and 0.19.1 (tests/fixtures/restic/<v>/):
 * - stats --json: {total_size, total_file_count, total_blob_count,
 *   snapshots_count} + compression fields in raw-data mode from 0.15.
 * - check: text on stdout up to 0.17 ("no errors were found"; errors on
 *   stderr, then "Fatal: repository contains errors", exit 1); from 0.18
 *   a JSON summary on stdout and `error` messages on stderr.
 * - forget --json: [{tags, host, paths, keep, remove, reasons}] — keep,
 *   remove and reasons may be null; 0.14's reasons carry no snapshot id
 *   (they are in the order of keep).
 * - prune: text only.
 * - find --json: [{matches, hits, snapshot}].
 * - key list --json: [{current, id, userName, hostName, created}]; 0.14
 *   prints 8-digit ids, 0.19 full ones.
 * - tag --json (0.18+): `changed` {old_snapshot_id, new_snapshot_id}, then
 *   `summary` {changed_snapshots}; 0.14 prints text on stderr.
 */
import { z } from 'zod';
import type {
  CheckReadData,
  CheckResult,
  FindMatch,
  FindResult,
  ForgetGroup,
  RepoKey,
  RepoStats,
  RetentionPolicy,
} from '../../../shared';
import { stripAnsi } from './exit-codes';
import { parseJsonLines } from './jsonl';
import { messageTypeOf, SnapshotJsonSchema, toSnapshot } from './messages';

const num = z.number().optional();

// ------------------------------------------------------------------ stats

export const StatsJsonSchema = z.looseObject({
  total_size: z.number(),
  total_file_count: num,
  total_blob_count: num,
  snapshots_count: num,
  total_uncompressed_size: num,
  compression_ratio: num,
  compression_progress: num,
  compression_space_saving: num,
});

export function toRepoStats(mode: RepoStats['mode'], s: z.infer<typeof StatsJsonSchema>): RepoStats {
  return {
    mode,
    totalSize: s.total_size,
    ...(s.total_file_count !== undefined && mode === 'restore-size'
      ? { totalFileCount: s.total_file_count }
      : {}),
    ...(s.total_blob_count !== undefined ? { totalBlobCount: s.total_blob_count } : {}),
    ...(s.snapshots_count !== undefined ? { snapshotsCount: s.snapshots_count } : {}),
    ...(s.total_uncompressed_size !== undefined ? { totalUncompressedSize: s.total_uncompressed_size } : {}),
    ...(s.compression_ratio !== undefined ? { compressionRatio: s.compression_ratio } : {}),
    ...(s.compression_progress !== undefined ? { compressionProgress: s.compression_progress } : {}),
    ...(s.compression_space_saving !== undefined
      ? { compressionSpaceSaving: s.compression_space_saving }
      : {}),
  };
}

// ------------------------------------------------------------------ check

/** The --read-data / --read-data-subset flags for a choice. */
export function readDataArgs(choice: CheckReadData): string[] {
  switch (choice.kind) {
    case 'none':
      return [];
    case 'all':
      return ['--read-data'];
    case 'fraction':
      return [`--read-data-subset=${choice.n}/${choice.t}`];
    case 'percent':
      return [`--read-data-subset=${Number(choice.percent.toFixed(4))}%`];
    case 'size':
      return [`--read-data-subset=${choice.size}`];
  }
}

export const CheckSummaryJsonSchema = z.looseObject({
  message_type: z.literal('summary'),
  num_errors: z.number(),
  broken_packs: z.array(z.string()).nullish(),
  suggest_repair_index: z.boolean().optional(),
  suggest_prune: z.boolean().optional(),
});

const MAX_ERRORS_KEPT = 100;

/** Lines of restic's text that are progress, hints or the final verdict, not errors. */
function isCheckChatter(line: string): boolean {
  return (
    /^Fatal: /.test(line) ||
    /^\[\d+:\d\d\]/.test(line) ||
    /^(using temporary cache|create exclusive lock|load indexes|check all packs|check snapshots|read all data|read group|read \d|no errors were found|created new cache|repository [0-9a-f]+ opened|\d+ additional files were found)/i.test(
      line,
    )
  );
}

/**
 * A finished check. Returns undefined when the output shows that restic did
 * not get to check anything (wrong password, lock failure): the caller then
 * reports the ordinary failure instead.
 */
export function parseCheckOutput(
  stdout: string,
  stderr: string,
  exitCode: number | null,
): CheckResult | undefined {
  // 0.18+: the JSON summary (stdout) and error messages (stderr).
  let summary: z.infer<typeof CheckSummaryJsonSchema> | undefined;
  for (const ev of parseJsonLines(stdout)) {
    if (ev.kind !== 'json') continue;
    const parsed = CheckSummaryJsonSchema.safeParse(ev.value);
    if (parsed.success) summary = parsed.data;
  }
  const jsonErrors: string[] = [];
  let exitError: string | undefined;
  for (const ev of parseJsonLines(stderr)) {
    if (ev.kind !== 'json') continue;
    const v = ev.value as Record<string, unknown>;
    if (messageTypeOf(v) === 'error' && typeof v.message === 'string') {
      const msg = v.message.replace(/\s+$/, '');
      if (!msg.trim()) continue;
      // "error for tree x:" then "  decrypting blob … failed" arrive as two messages.
      if (/^\s/.test(msg) && jsonErrors.length > 0) {
        const i = jsonErrors.length - 1;
        jsonErrors[i] = `${jsonErrors[i]} ${msg.trim()}`;
      } else if (jsonErrors.length < MAX_ERRORS_KEPT) jsonErrors.push(msg.trim());
    } else if (messageTypeOf(v) === 'exit_error' && typeof v.message === 'string') exitError = v.message;
  }
  if (summary) {
    // 0.19 prints a summary even when it could not open the repository (num_errors 1, exit 12).
    if (exitCode !== 0 && exitCode !== 1) return undefined;
    if (exitCode === 1 && summary.num_errors === 0 && !/contains errors/i.test(exitError ?? ''))
      return undefined;
    return {
      ok: exitCode === 0 && summary.num_errors === 0,
      numErrors: summary.num_errors,
      errors: jsonErrors,
      brokenPacks: summary.broken_packs ?? [],
      ...(summary.suggest_repair_index !== undefined
        ? { suggestRepairIndex: summary.suggest_repair_index }
        : {}),
      ...(summary.suggest_prune !== undefined ? { suggestPrune: summary.suggest_prune } : {}),
    };
  }
  // Text (0.14–0.17).
  const out = stripAnsi(stdout);
  const err = stripAnsi(stderr);
  if (exitCode === 0 && /no errors were found/i.test(out)) {
    return { ok: true, numErrors: 0, errors: [], brokenPacks: [] };
  }
  if (exitCode === 1 && /repository contains errors/i.test(err)) {
    const errors: string[] = [];
    let count = 0;
    for (const raw of err.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (!line.trim() || isCheckChatter(line)) continue;
      if (/^\s/.test(line) && errors.length > 0) {
        // A continuation line ("error for tree x:\n  decrypting blob … failed").
        const i = errors.length - 1;
        errors[i] = `${errors[i]} ${line.trim()}`;
        continue;
      }
      count += 1;
      if (errors.length < MAX_ERRORS_KEPT) errors.push(line.trim());
    }
    const brokenPacks = [...err.matchAll(/(?:[Pp]ack|Pack ID does not match, want) ([0-9a-f]{64})/g)].map(
      (m) => m[1] as string,
    );
    return { ok: false, numErrors: Math.max(count, 1), errors, brokenPacks: [...new Set(brokenPacks)] };
  }
  return undefined;
}

// ----------------------------------------------------------------- forget

/** restic forget's flags for a policy. Tags go as --keep-tag=value each. */
export function policyArgs(policy: RetentionPolicy): string[] {
  const args: string[] = [];
  const count = (flag: string, v: number | undefined) => {
    if (v !== undefined) args.push(`--${flag}=${v}`);
  };
  count('keep-last', policy.keepLast);
  count('keep-hourly', policy.keepHourly);
  count('keep-daily', policy.keepDaily);
  count('keep-weekly', policy.keepWeekly);
  count('keep-monthly', policy.keepMonthly);
  count('keep-yearly', policy.keepYearly);
  if (policy.keepWithin !== undefined) args.push(`--keep-within=${policy.keepWithin}`);
  for (const tag of policy.keepTags ?? []) args.push(`--keep-tag=${tag}`);
  return args;
}

const ReasonJsonSchema = z.looseObject({
  snapshot: z.looseObject({ id: z.string().optional(), time: z.string().optional() }).nullish(),
  matches: z.array(z.string()).nullish(),
});

export const ForgetGroupJsonSchema = z.looseObject({
  tags: z.array(z.string()).nullish(),
  host: z.string().nullish(),
  paths: z.array(z.string()).nullish(),
  keep: z.array(SnapshotJsonSchema).nullish(),
  remove: z.array(SnapshotJsonSchema).nullish(),
  reasons: z.array(ReasonJsonSchema).nullish(),
});
export const ForgetJsonSchema = z.array(ForgetGroupJsonSchema);

export function toForgetGroup(g: z.infer<typeof ForgetGroupJsonSchema>): ForgetGroup {
  const keep = g.keep ?? [];
  const reasons = g.reasons ?? [];
  const byId = new Map<string, string[]>();
  for (const r of reasons) if (r.snapshot?.id) byId.set(r.snapshot.id, r.matches ?? []);
  return {
    ...(g.host ? { host: g.host } : {}),
    ...(g.paths ? { paths: g.paths } : {}),
    ...(g.tags ? { tags: g.tags } : {}),
    keep: keep.map((s, i) => {
      // 0.14's reasons carry no id: they are in the order of keep (restic appends both together).
      const byIndex = reasons[i];
      const sameTime = byIndex?.snapshot?.time === undefined || byIndex.snapshot.time === s.time;
      return {
        snapshot: toSnapshot(s),
        reasons: byId.get(s.id) ?? (sameTime ? (byIndex?.matches ?? []) : []),
      };
    }),
    remove: (g.remove ?? []).map((s) => ({ snapshot: toSnapshot(s), reasons: [] })),
  };
}

/** 0.17+: "refusing to delete last snapshot of snapshot group …" (without --unsafe-allow-remove-all). */
export function isRemoveAllRefusal(stderr: string): boolean {
  return /refusing to delete last snapshot|unsafe-allow-remove-all/i.test(stderr);
}

// ------------------------------------------------------------------ prune

export interface PruneSummary {
  /** "to repack", "this removes", "to delete", "total prune", "remaining", "unused size after prune", … as restic printed them. */
  lines: Record<string, string>;
  /** Blobs / bytes restic said it removes in all (the "total prune" line), when it printed one. */
  totalPruneBlobs?: number;
  totalPruneSize?: string;
  remainingSize?: string;
  dryRun: boolean;
}

/** The statistics block prune prints (text in every version). */
export function parsePruneOutput(text: string, dryRun: boolean): PruneSummary {
  const lines: Record<string, string> = {};
  for (const raw of stripAnsi(text).split('\n')) {
    const m =
      /^(to repack|this removes|to delete|total prune|remaining|unused size after prune|unused size|deleted|repacked|collecting packs.*|keep|would have made.*):\s*(.+)$/i.exec(
        raw.trim(),
      );
    if (m) lines[(m[1] as string).toLowerCase()] = (m[2] as string).trim();
  }
  const total = /^(\d+) blobs \/ (.+)$/.exec(lines['total prune'] ?? '');
  const remaining = /\/ (.+)$/.exec(lines.remaining ?? '');
  return {
    lines,
    ...(total ? { totalPruneBlobs: Number(total[1]), totalPruneSize: (total[2] as string).trim() } : {}),
    ...(remaining ? { remainingSize: (remaining[1] as string).trim() } : {}),
    dryRun,
  };
}

// ------------------------------------------------------------------- find

const FindNodeJsonSchema = z.looseObject({
  path: z.string(),
  type: z.string().optional(),
  size: num,
  mode: num,
  permissions: z.string().optional(),
  mtime: z.string().optional(),
});

export const FindJsonSchema = z.array(
  z.looseObject({
    matches: z.array(FindNodeJsonSchema).nullish(),
    hits: num,
    snapshot: z.string(),
  }),
);

const NODE_TYPES = new Set(['file', 'dir', 'symlink', 'dev', 'chardev', 'fifo', 'socket', 'irregular']);

export function toFindMatch(n: z.infer<typeof FindNodeJsonSchema>): FindMatch {
  const i = n.path.lastIndexOf('/');
  return {
    path: n.path,
    name: i >= 0 ? n.path.slice(i + 1) : n.path,
    type: (n.type && NODE_TYPES.has(n.type) ? n.type : 'other') as FindMatch['type'],
    ...(n.size !== undefined ? { size: n.size } : {}),
    ...(n.mode !== undefined ? { mode: n.mode } : {}),
    ...(n.permissions !== undefined ? { permissions: n.permissions } : {}),
    ...(n.mtime !== undefined ? { mtime: n.mtime } : {}),
  };
}

export function toFindResults(doc: z.infer<typeof FindJsonSchema>): FindResult[] {
  return doc.map((r) => ({
    snapshotId: r.snapshot,
    shortId: r.snapshot.slice(0, 8),
    hits: r.hits ?? r.matches?.length ?? 0,
    matches: (r.matches ?? []).map(toFindMatch),
  }));
}

/**
 * A pattern restic find matches against exactly one absolute path: each
 * glob character escaped (restic's filter.Match uses Go's path.Match per
 * component, where "\\" escapes).
 */
export function exactPathPattern(path: string): string {
  return path.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}

// -------------------------------------------------------------------- key

export const KeyListJsonSchema = z.array(
  z.looseObject({
    current: z.boolean().optional(),
    id: z.string(),
    userName: z.string().optional(),
    hostName: z.string().optional(),
    created: z.string().optional(),
  }),
);

export function toRepoKeys(doc: z.infer<typeof KeyListJsonSchema>): RepoKey[] {
  return doc.map((k) => ({
    id: k.id,
    current: k.current ?? false,
    userName: k.userName ?? '',
    hostName: k.hostName ?? '',
    created: k.created ?? '',
  }));
}

/** The id `key add` printed: 0.19 "saved new key with ID <64 hex>"; 0.14 prints no id. */
export function parseKeyAddOutput(text: string): string | undefined {
  return /saved new key with ID ([0-9a-f]{8,64})/.exec(text)?.[1];
}

// -------------------------------------------------------------------- tag

export interface TagChange {
  oldSnapshotId: string;
  newSnapshotId: string;
}

/** 0.18+ `tag --json`: changed lines, then a summary. Returns undefined for text output (0.14). */
export function parseTagJson(stdout: string): { changes: TagChange[]; changedSnapshots: number } | undefined {
  const changes: TagChange[] = [];
  let changedSnapshots: number | undefined;
  for (const ev of parseJsonLines(stdout)) {
    if (ev.kind !== 'json') continue;
    const v = ev.value as Record<string, unknown>;
    const type = messageTypeOf(v);
    if (
      type === 'changed' &&
      typeof v.old_snapshot_id === 'string' &&
      typeof v.new_snapshot_id === 'string'
    ) {
      changes.push({ oldSnapshotId: v.old_snapshot_id, newSnapshotId: v.new_snapshot_id });
    } else if (type === 'summary' && typeof v.changed_snapshots === 'number') {
      changedSnapshots = v.changed_snapshots;
    }
  }
  if (changedSnapshots === undefined && changes.length === 0) return undefined;
  return { changes, changedSnapshots: changedSnapshots ?? changes.length };
}

/** 0.14's "modified tags on N snapshots". */
export function parseTagText(text: string): number | undefined {
  const m = /modified tags on (\d+) snapshots?/i.exec(text);
  return m ? Number(m[1]) : undefined;
}
