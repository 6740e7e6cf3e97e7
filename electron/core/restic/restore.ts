/**
 * `restic restore`, `restic dump --archive` and a recursive `restic ls`:
 * argument building, output parsing, and running them through the same
 * runner plumbing as the rest of the driver (secrets in secretEnv only).
 *
 * What differs by version (REFERENCE.md, checked against the rig's 0.14.0
 * and 0.19.1):
 * - 0.14/0.15 print text only: "restoring <Snapshot …> to T", per-file
 *   problems as "ignoring error for <item>: <error>" on stderr, and
 *   "Fatal: There were N errors" with exit 1. No progress, no summary.
 * - 0.16 adds `--json` `status` and `summary` lines.
 * - 0.17 adds `verbose_status` with -vv {action: restored|updated|
 *   unchanged|deleted, item, size}, `--dry-run`, `--overwrite`, skipped
 *   counters; 0.17.1 `error` lines on stderr {error:{message}, during, item}.
 * - 0.18 adds `--delete` and files_deleted.
 * Items in status/verbose lines are paths in the snapshot; the ones of
 * `deleted` lines are paths on the target.
 */
import { ConsoleError, type OverwritePolicy } from '../../../shared';
import type { JsonLineEvent } from './jsonl';
import { exactPathPattern } from './maintenance';
import { LsNodeJsonSchema, messageTypeOf, toLsNode } from './messages';
import type { Restic } from './restic';
import { failureError, runRestic, type ResticRunResult } from './runner';
import type { ResticVersion } from './version';

// ------------------------------------------------------------------ capabilities

export interface RestoreFeatureSupport {
  supported: boolean;
  /** Why not, in words the wizard shows next to the disabled option. */
  reason?: string;
}

export interface RestoreFeatures {
  resticVersion: string;
  dryRun: RestoreFeatureSupport;
  overwrite: RestoreFeatureSupport;
  delete: RestoreFeatureSupport;
  verify: RestoreFeatureSupport;
  jsonProgress: RestoreFeatureSupport;
  limitDownload: RestoreFeatureSupport;
}

function needs(version: ResticVersion, minor: number, patch: number, what: string): RestoreFeatureSupport {
  return version.atLeast(0, minor, patch)
    ? { supported: true }
    : {
        supported: false,
        reason: `${what} needs restic 0.${minor}.${patch} or newer; this host has restic ${version.version}.`,
      };
}

/** What `restic restore` can do with this binary. */
export function restoreFeatures(version: ResticVersion): RestoreFeatures {
  return {
    resticVersion: version.version,
    // restore --dry-run (restic/restic#4839, with -vv's verbose_status) and --overwrite arrived in 0.17.0;
    // 0.14 answers --dry-run with "unknown flag" (fixture restore-dry-run).
    dryRun: needs(version, 17, 0, 'A dry run of restore (restic restore --dry-run)'),
    overwrite: needs(version, 17, 0, 'Choosing an overwrite policy (restic restore --overwrite)'),
    delete: needs(version, 18, 0, 'Deleting files the snapshot does not have (restic restore --delete)'),
    verify: { supported: true },
    jsonProgress: needs(version, 16, 0, 'Live progress from restic (restore --json)'),
    limitDownload: { supported: true },
  };
}

// ------------------------------------------------------------------ arguments

export interface RestoreArgsSpec {
  snapshotId: string;
  /** Absolute folder restic restores into ("/" for in place). */
  target: string;
  /** Paths in the snapshot to restore (exact; glob characters escaped). Empty = everything. */
  includes?: readonly string[];
  /** Paths in the snapshot to leave out (exact). */
  excludes?: readonly string[];
  overwrite?: OverwritePolicy;
  delete?: boolean;
  verify?: boolean;
  dryRun?: boolean;
  limitDownloadKiB?: number;
}

const SNAPSHOT_ID_RE = /^[0-9a-f]{4,64}$/;

function assertSnapshotId(id: string): void {
  if (!SNAPSHOT_ID_RE.test(id))
    throw new ConsoleError('BAD_REQUEST', `Not a snapshot id: ${JSON.stringify(id)} (4 to 64 hex digits).`);
}

/**
 * restore's argv for this restic. Options a version lacks are refused with
 * UNSUPPORTED rather than dropped: a restore that silently ignores "never
 * overwrite" would destroy what the user meant to keep.
 */
export function restoreArgs(spec: RestoreArgsSpec, version: ResticVersion): string[] {
  assertSnapshotId(spec.snapshotId);
  if (!spec.target.startsWith('/')) throw new ConsoleError('BAD_REQUEST', 'The restore target must be an absolute path.');
  const features = restoreFeatures(version);
  const refuse = (f: RestoreFeatureSupport): never => {
    throw new ConsoleError('UNSUPPORTED', f.reason ?? 'Not supported by this restic.');
  };
  const args = ['restore'];
  const json = features.jsonProgress.supported;
  if (json) args.push('--json');
  if (spec.dryRun) {
    if (!features.dryRun.supported) refuse(features.dryRun);
    args.push('--dry-run');
  }
  // -vv gives one verbose_status line per item (0.17+); 0.14 prints nothing more for it.
  if (version.atLeast(0, 17, 0)) args.push('-vv');
  args.push(`--target=${spec.target}`);
  for (const p of spec.includes ?? []) args.push(`--include=${exactPathPattern(p)}`);
  for (const p of spec.excludes ?? []) args.push(`--exclude=${exactPathPattern(p)}`);
  if (spec.overwrite && spec.overwrite !== 'always') {
    if (!features.overwrite.supported) refuse(features.overwrite);
    args.push(`--overwrite=${spec.overwrite}`);
  } else if (spec.overwrite === 'always' && features.overwrite.supported) {
    args.push('--overwrite=always');
  }
  if (spec.delete) {
    if (!features.delete.supported) refuse(features.delete);
    args.push('--delete');
  }
  if (spec.verify) args.push('--verify');
  if (spec.limitDownloadKiB !== undefined) args.push(`--limit-download=${Math.floor(spec.limitDownloadKiB)}`);
  args.push('--', spec.snapshotId);
  return args;
}

/** `restic dump --archive=<format> <snapshot> <path>`: the archive goes to stdout. */
export function dumpArgs(snapshotId: string, path: string, format: 'tar' | 'zip', limitDownloadKiB?: number): string[] {
  assertSnapshotId(snapshotId);
  if (!path.startsWith('/')) throw new ConsoleError('BAD_REQUEST', 'The path to dump must be absolute.');
  return [
    'dump',
    `--archive=${format}`,
    ...(limitDownloadKiB !== undefined ? [`--limit-download=${Math.floor(limitDownloadKiB)}`] : []),
    '--',
    snapshotId,
    path,
  ];
}

/** `restic ls --json --recursive <snapshot> <dirs…>`: every node under the given paths. */
export function lsRecursiveArgs(snapshotId: string, paths: readonly string[]): string[] {
  assertSnapshotId(snapshotId);
  return ['ls', '--json', '--recursive', '--no-lock', '--', snapshotId, ...paths];
}

// ------------------------------------------------------------------ parsing

export type RestoreItemAction = 'restored' | 'updated' | 'unchanged' | 'deleted';

export interface RestoreProgress {
  /** 0–100 */
  percent?: number;
  secondsElapsed?: number;
  totalFiles?: number;
  filesRestored?: number;
  filesSkipped?: number;
  filesDeleted?: number;
  totalBytes?: number;
  bytesRestored?: number;
  bytesSkipped?: number;
}

export interface RestoreSummary {
  secondsElapsed?: number;
  totalFiles: number;
  filesRestored: number;
  filesSkipped: number;
  filesDeleted: number;
  totalBytes: number;
  bytesRestored: number;
  bytesSkipped: number;
}

export interface RestoreItem {
  action: RestoreItemAction;
  /** Snapshot path (target path for `deleted`). */
  item: string;
  size: number;
}

export interface RestoreItemError {
  /** The snapshot path restic named (may be empty when it named none). */
  item: string;
  message: string;
}

export type RestoreEvent =
  | { kind: 'status'; progress: RestoreProgress }
  | { kind: 'item'; item: RestoreItem }
  | { kind: 'error'; error: RestoreItemError }
  | { kind: 'summary'; summary: RestoreSummary }
  /** --verify started reading back what was written (0.14's text line; JSON versions say nothing until errors). */
  | { kind: 'verifying' };

const numberOf = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ACTIONS = new Set<RestoreItemAction>(['restored', 'updated', 'unchanged', 'deleted']);

function errorMessageOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message;
    // Go's error structs before 0.17.1 ({Op, Path, Err}).
    const parts = [o.Op, o.Path, o.Err].filter((p) => typeof p === 'string' || typeof p === 'number');
    if (parts.length) return parts.join(' ');
    return JSON.stringify(v);
  }
  return String(v);
}

/** One JSON line of restore's stdout or stderr; undefined for lines that are not restore messages. */
export function parseRestoreJson(value: unknown): RestoreEvent | undefined {
  const type = messageTypeOf(value);
  const v = value as Record<string, unknown>;
  switch (type) {
    case 'status': {
      const pct = numberOf(v.percent_done);
      const progress: RestoreProgress = {};
      if (pct !== undefined) progress.percent = Math.max(0, Math.min(100, pct * 100));
      const set = (key: keyof RestoreProgress, name: string): void => {
        const n = numberOf(v[name]);
        if (n !== undefined) progress[key] = n;
      };
      set('secondsElapsed', 'seconds_elapsed');
      set('totalFiles', 'total_files');
      set('filesRestored', 'files_restored');
      set('filesSkipped', 'files_skipped');
      set('filesDeleted', 'files_deleted');
      set('totalBytes', 'total_bytes');
      set('bytesRestored', 'bytes_restored');
      set('bytesSkipped', 'bytes_skipped');
      return { kind: 'status', progress };
    }
    case 'summary':
      return {
        kind: 'summary',
        summary: {
          ...(numberOf(v.seconds_elapsed) !== undefined ? { secondsElapsed: numberOf(v.seconds_elapsed) } : {}),
          totalFiles: numberOf(v.total_files) ?? 0,
          filesRestored: numberOf(v.files_restored) ?? 0,
          filesSkipped: numberOf(v.files_skipped) ?? 0,
          filesDeleted: numberOf(v.files_deleted) ?? 0,
          totalBytes: numberOf(v.total_bytes) ?? 0,
          bytesRestored: numberOf(v.bytes_restored) ?? 0,
          bytesSkipped: numberOf(v.bytes_skipped) ?? 0,
        },
      };
    case 'verbose_status': {
      const action = v.action as RestoreItemAction;
      if (!ACTIONS.has(action) || typeof v.item !== 'string') return undefined;
      return { kind: 'item', item: { action, item: v.item, size: numberOf(v.size) ?? 0 } };
    }
    case 'error':
      return {
        kind: 'error',
        error: { item: typeof v.item === 'string' ? v.item : '', message: errorMessageOf(v.error) },
      };
    default:
      return undefined;
  }
}

const IGNORING_PREFIX = 'ignoring error for ';

/**
 * 0.14–0.17.0's text error line: "ignoring error for <item>: <error>".
 * The item may itself contain ": ", so the split is chosen where the rest
 * names the item again (restic's errors say "open <target><item>: …"),
 * else at the first ": ".
 */
export function parseIgnoringErrorLine(line: string): RestoreItemError | undefined {
  if (!line.startsWith(IGNORING_PREFIX)) return undefined;
  const rest = line.slice(IGNORING_PREFIX.length);
  const splits: number[] = [];
  for (let i = rest.indexOf(': '); i >= 0; i = rest.indexOf(': ', i + 1)) splits.push(i);
  if (splits.length === 0) return { item: '', message: rest };
  // The longest item the rest names again: "/a" is also a prefix of "/a: b".
  const named = [...splits].reverse().find((i) => rest.slice(i + 2).includes(rest.slice(0, i)));
  const at = named ?? (splits[0] as number);
  return { item: rest.slice(0, at), message: rest.slice(at + 2) };
}

/** "Fatal: There were 2 errors" (text, or the exit_error line's message). */
export function errorCountOf(stderr: string): number | undefined {
  const m = /There were (\d+) errors/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** Turns restore's output streams (either version) into events. */
export class RestoreOutputParser {
  constructor(private readonly emit: (event: RestoreEvent) => void) {}

  stdout(ev: JsonLineEvent): void {
    if (ev.kind === 'text' && ev.text.startsWith('verifying files in ')) this.emit({ kind: 'verifying' });
    if (ev.kind !== 'json') return;
    const parsed = parseRestoreJson(ev.value);
    if (parsed) this.emit(parsed);
  }

  stderr(ev: JsonLineEvent): void {
    if (ev.kind === 'json') {
      const parsed = parseRestoreJson(ev.value);
      if (parsed?.kind === 'error') this.emit(parsed);
      return;
    }
    if (ev.kind === 'text') {
      const e = parseIgnoringErrorLine(ev.text.trim());
      if (e) this.emit({ kind: 'error', error: e });
    }
  }
}

// ------------------------------------------------------------------ running

/**
 * Runs `restic <args>` for a Restic's repository, streaming both outputs.
 * Mirrors Restic's own plumbing (environment, secrets, display) for the
 * commands this module adds.
 */
export function runResticStreaming(
  restic: Restic,
  args: string[],
  opts: {
    signal?: AbortSignal;
    onStdout?: (ev: JsonLineEvent) => void;
    onStderr?: (ev: JsonLineEvent) => void;
    version?: ResticVersion;
    env?: Record<string, string>;
  },
): Promise<ResticRunResult> {
  const t = restic.target;
  return runRestic({
    runner: t.runner,
    argv: [t.binary, ...args],
    env: resticEnv(restic, opts.env),
    secretEnv: { ...t.secretEnv, RESTIC_PASSWORD: t.password },
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onStdout ? { onStdout: opts.onStdout } : {}),
    ...(opts.onStderr ? { onStderr: opts.onStderr } : {}),
    ...(opts.version ? { version: opts.version } : {}),
    display: restic.commandLine(args),
  });
}

/** The same environment Restic gives its own commands: variables that would redirect restic emptied. */
export function resticEnv(restic: Restic, extra?: Record<string, string>): Record<string, string> {
  return {
    RESTIC_PASSWORD_FILE: '',
    RESTIC_PASSWORD_COMMAND: '',
    RESTIC_REPOSITORY_FILE: '',
    RESTIC_HOST: '',
    ...restic.target.env,
    RESTIC_REPOSITORY: restic.target.repository,
    ...extra,
  };
}

export interface RestoreRunResult {
  summary?: RestoreSummary;
  errors: RestoreItemError[];
  /** Errors restic counted ("There were N errors"); may exceed errors.length when lines were not parseable. */
  errorCount: number;
  items: number;
  display: string;
  result: ResticRunResult;
}

export interface RunRestoreOptions {
  signal?: AbortSignal;
  onEvent?: (event: RestoreEvent) => void;
  /** Per-file errors kept (the count goes on). Default 10 000. */
  maxErrors?: number;
}

/**
 * Runs a restore. Resolves when restic finished, also with per-file
 * errors (the caller makes that a partial result); rejects with a typed
 * error when restic failed as a whole (wrong password, lock, cancel…).
 */
export async function runRestore(
  restic: Restic,
  args: string[],
  version: ResticVersion,
  opts: RunRestoreOptions = {},
): Promise<RestoreRunResult> {
  const errors: RestoreItemError[] = [];
  const maxErrors = opts.maxErrors ?? 10_000;
  let summary: RestoreSummary | undefined;
  let items = 0;
  let parsedErrors = 0;
  const parser = new RestoreOutputParser((event) => {
    if (event.kind === 'error') {
      parsedErrors += 1;
      if (errors.length < maxErrors) errors.push(event.error);
    } else if (event.kind === 'summary') summary = event.summary;
    else if (event.kind === 'item') items += 1;
    opts.onEvent?.(event);
  });
  const display = restic.commandLine(args);
  const result = await runResticStreaming(restic, args, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onStdout: (ev) => parser.stdout(ev),
    onStderr: (ev) => parser.stderr(ev),
    version,
    // 60 status lines a second (10 from 0.19) is more than a progress bar needs over SSH.
    env: { RESTIC_PROGRESS_FPS: '2' },
  });
  const counted = errorCountOf(result.stderr);
  if (result.failure) {
    // "There were N errors" after per-file errors: restic restored the rest.
    const onlyFileErrors =
      result.failure.code === 'RESTIC_FAILED' && result.exit.code === 1 && counted !== undefined && parsedErrors > 0;
    if (!onlyFileErrors) throw failureError(result, display);
  }
  return {
    ...(summary ? { summary } : {}),
    errors,
    errorCount: Math.max(counted ?? 0, parsedErrors),
    items,
    display,
    result,
  };
}

export interface SnapshotEntry {
  path: string;
  type: ReturnType<typeof toLsNode>['type'];
  size: number;
  mtime?: string;
}

/**
 * Every node under `paths` in a snapshot (restic ls --recursive), streamed
 * to `onEntry`. 0.14 marks its lines with struct_type, later ones with
 * message_type; the first line is the snapshot.
 */
export async function listSnapshotTree(
  restic: Restic,
  snapshotId: string,
  paths: readonly string[],
  onEntry: (e: SnapshotEntry) => void,
  opts: { signal?: AbortSignal; version?: ResticVersion } = {},
): Promise<void> {
  const args = lsRecursiveArgs(snapshotId, paths);
  const result = await runResticStreaming(restic, args, {
    ...opts,
    onStdout: (ev) => {
      if (ev.kind !== 'json') return;
      const type = messageTypeOf(ev.value);
      if (type !== 'node') return;
      const parsed = LsNodeJsonSchema.safeParse(ev.value);
      if (!parsed.success) return;
      const n = toLsNode(parsed.data);
      onEntry({ path: n.path, type: n.type, size: n.size ?? 0, ...(n.mtime ? { mtime: n.mtime } : {}) });
    },
  });
  if (result.failure) throw failureError(result, restic.commandLine(args));
}
