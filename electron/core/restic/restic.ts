/**
 * Typed restic commands for one repository, run through a ProcessRunner
 * (this machine or an SSH host). Plain Node: never imports electron.
 *
 * Rules every command follows:
 * - `--json` wherever restic has it; output parsed leniently (messages.ts).
 * - The repository goes in RESTIC_REPOSITORY, the password in
 *   RESTIC_PASSWORD through secretEnv only: never in an argv, a log, an
 *   error or the displayed command line.
 * - User-supplied values are passed as `--flag=value` and paths after `--`,
 *   so a name starting with `-` is never read as an option.
 * - Failures are ConsoleErrors with a code from the closed set (exit-codes.ts).
 */
import {
  ConsoleError,
  type CheckReadData,
  type CheckResult,
  type DiffChange,
  type DiffStats,
  type FindResult,
  type ForgetGroup,
  type LsNode,
  type RepoKey,
  type RepoStats,
  type RetentionPolicy,
  type Snapshot,
} from '../../../shared';
import type { ProcessRunner } from '../exec/process';
import { shellAssignment, shellJoin } from '../exec/shell-quote';
import { BackupOutputParser } from './backup-parser';
import { classifyStderr, resticMessage, stripAnsi } from './exit-codes';
import { parseJsonDocument, type JsonLineEvent } from './jsonl';
import {
  CatConfigSchema,
  DiffChangeMessageSchema,
  DiffStatsMessageSchema,
  LsNodeJsonSchema,
  messageTypeOf,
  parseInitOutput,
  SnapshotGroupsJsonSchema,
  SnapshotsJsonSchema,
  toDiffChange,
  toDiffStats,
  toLsNode,
  toRepoConfig,
  toSnapshot,
  type BackupItemError,
  type BackupProgress,
  type BackupSummary,
  type RepoConfig,
} from './messages';
import {
  exactPathPattern,
  FindJsonSchema,
  ForgetJsonSchema,
  isRemoveAllRefusal,
  KeyListJsonSchema,
  parseCheckOutput,
  parseKeyAddOutput,
  parsePruneOutput,
  parseTagJson,
  parseTagText,
  policyArgs,
  readDataArgs,
  StatsJsonSchema,
  toFindResults,
  toForgetGroup,
  toRepoKeys,
  toRepoStats,
  type PruneSummary,
  type TagChange,
} from './maintenance';
import { isGoneLockText, LockJsonSchema, parseLockIds, toResticLock, type ResticLock } from './locks';
import { failureError, runRestic, type ResticRunResult } from './runner';
import { parseVersionOutput, type ResticVersion } from './version';

export type { BackupItemError, BackupProgress, BackupSummary, RepoConfig } from './messages';
export type { ResticLock } from './locks';
export type { PruneSummary, TagChange } from './maintenance';
export { ResticVersion, type ResticFeature, type ResticVersionInfo } from './version';

export interface ResticTarget {
  /** LocalRunner or an SSH runner. */
  runner: ProcessRunner;
  /** 'restic' (looked up in PATH) or a path. */
  binary: string;
  /** RESTIC_REPOSITORY value; must contain no secrets (it is shown in command lines). */
  repository: string;
  /** Delivered as RESTIC_PASSWORD via secretEnv only, never argv. */
  password: string;
  /** Non-secret environment, e.g. AWS_DEFAULT_REGION, RESTIC_CACHE_DIR. */
  env?: Record<string, string>;
  /** Secret environment, e.g. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  secretEnv?: Record<string, string>;
}

export interface CommandOptions {
  signal?: AbortSignal;
  /**
   * Give up after restic reported this many retries of a failing storage
   * request (it would otherwise retry for 15 minutes from 0.16 on).
   * Default DEFAULT_PROBE_RETRIES for the short commands, unlimited for backup.
   */
  maxBackendRetries?: number;
}

/** About 7 s of restic's backoff: long enough for a blip, short enough for a daily check. */
export const DEFAULT_PROBE_RETRIES = 3;

export interface BackupOptions extends CommandOptions {
  host?: string;
  tags?: string[];
  excludes?: string[];
  /** Working directory for relative paths. */
  cwd?: string;
  /** restic's --time, e.g. "2026-11-21 04:29:14" (local time of the host). */
  time?: string;
  dryRun?: boolean;
  /** Status updates; when given, restic reports progressFps times a second. */
  onProgress?: (p: BackupProgress) => void;
  /** Default 2 updates a second: enough for a progress bar, cheap over SSH. */
  progressFps?: number;
  /** Each file restic could not read (the backup continues; it ends with RESTIC_PARTIAL). */
  onError?: (e: BackupItemError) => void;
}

/** `detail` of the RESTIC_PARTIAL error backup() throws on exit 3: a snapshot was made, some files are missing from it. */
export interface PartialBackupDetail {
  summary: BackupSummary | undefined;
  errors: BackupItemError[];
  errorCount: number;
  command: string;
  exitCode: number | null;
  stderr: string;
}

export interface SnapshotsOptions extends CommandOptions {
  host?: string;
  paths?: string[];
  tags?: string[];
  /** --no-lock: read even while an exclusive lock is held, and leave no lock behind. */
  noLock?: boolean;
}

export interface DiffOptions extends CommandOptions {
  /** Called for every change, including those beyond `limit`. Throwing cancels the diff. */
  onChange?: (c: DiffChange) => void;
  /** Changes kept in the result (default 50 000); the rest are only passed to onChange. */
  limit?: number;
}

export interface DiffResult {
  changes: DiffChange[];
  truncated: boolean;
  stats?: DiffStats;
}

export const DEFAULT_DIFF_LIMIT = 50_000;

/** A line of a long maintenance command's text output, for the job log. */
export type OutputLineHandler = (line: string, stream: 'stdout' | 'stderr') => void;

export interface StatsOptions extends CommandOptions {
  mode?: 'restore-size' | 'raw-data';
  /** --no-lock: readable while check or prune holds an exclusive lock. */
  noLock?: boolean;
}

export interface CheckOptions extends CommandOptions {
  readData?: CheckReadData;
  onLine?: OutputLineHandler;
}

export interface ForgetOptions extends CommandOptions {
  dryRun?: boolean;
  /** restic --group-by (default host,paths); '' = one group for all snapshots. */
  groupBy?: string;
}

export interface PruneOptions extends CommandOptions {
  dryRun?: boolean;
  /** --max-unused, e.g. "5%", "unlimited", "100M". */
  maxUnused?: string;
  onLine?: OutputLineHandler;
}

export interface FindOptions extends CommandOptions {
  /** Search only these snapshots (default: all). */
  snapshotIds?: string[];
  ignoreCase?: boolean;
}

export interface TagOptions extends CommandOptions {
  add?: string[];
  remove?: string[];
  set?: string[];
}

export interface TagResult {
  changedSnapshots: number;
  /** Tagging rewrites a snapshot: its new id. */
  changes: TagChange[];
}

/** The "keeps nothing of a group" refusal, the same on every version (0.17+ refuse on their own). */
export function removeAllError(display: string, groups?: ForgetGroup[]): ConsoleError {
  const emptied = (groups ?? [])
    .filter((g) => g.keep.length === 0 && g.remove.length > 0)
    .map((g) => ({ host: g.host, paths: g.paths, tags: g.tags, remove: g.remove.length }));
  return new ConsoleError(
    'BAD_REQUEST',
    'This policy would remove every snapshot of a group, and restic refuses to do that. Add a keep rule that keeps at least one snapshot of each group (for example keep last 1).',
    { reason: 'would-remove-all', command: display, ...(emptied.length ? { groups: emptied } : {}) },
  );
}

const KEY_ADD_SCRIPT = 'p=$RFC_NEW_PASSWORD; unset RFC_NEW_PASSWORD; printf \'%s\\n\' "$p" | exec "$@"';

/**
 * Variables that would make restic ignore what the console passes (a
 * password file instead of our RESTIC_PASSWORD, another repository, a
 * host filter) if the console's own environment happened to set them.
 * restic treats an empty value as unset.
 */
const NEUTRALIZED_ENV = [
  'RESTIC_PASSWORD_FILE',
  'RESTIC_PASSWORD_COMMAND',
  'RESTIC_REPOSITORY_FILE',
  'RESTIC_HOST',
] as const;

/** A snapshot reference restic accepts: a hex id or prefix, or "latest". */
const SNAPSHOT_REF_RE = /^(?:[0-9a-f]{1,64}|latest)$/;

function assertSnapshotRef(ref: string): void {
  if (!SNAPSHOT_REF_RE.test(ref)) {
    throw new ConsoleError(
      'BAD_REQUEST',
      `Not a snapshot id: ${JSON.stringify(ref)} (expected hex digits or "latest").`,
    );
  }
}

/**
 * Normalizes an absolute path inside a snapshot: "/a//b/./c/" → "/a/b/c".
 * ".." is refused rather than resolved: the UI never builds it, so seeing
 * it means someone is probing.
 */
export function normalizeSnapshotDir(dir: string): string {
  if (!dir.startsWith('/'))
    throw new ConsoleError(
      'BAD_REQUEST',
      `A directory in a snapshot must be absolute: ${JSON.stringify(dir)}.`,
    );
  if (dir.includes('\0')) throw new ConsoleError('BAD_REQUEST', 'A path must not contain NUL.');
  const parts = dir.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..'))
    throw new ConsoleError('BAD_REQUEST', `".." is not allowed in a snapshot path: ${JSON.stringify(dir)}.`);
  return `/${parts.join('/')}`;
}

/** The path restic prints for entry `name` of directory `dir` (normalized). */
export function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** Parent directory of a normalized snapshot path ("/a/b" → "/a", "/a" → "/"). */
export function parentDir(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** `--name=value` for each value: values starting with "-" cannot be mistaken for options. */
function flagValues(name: string, values: readonly string[] | undefined): string[] {
  return (values ?? []).map((v) => `--${name}=${v}`);
}

function assertNoComma(kind: string, values: readonly string[] | undefined): void {
  // restic splits --tag values on commas: "a,b" would become two tags.
  for (const v of values ?? []) {
    if (v.includes(','))
      throw new ConsoleError('INVALID_NAME', `A ${kind} must not contain a comma: ${JSON.stringify(v)}.`);
  }
}

function invalidOutput(what: string, display: string, extra?: Record<string, unknown>): ConsoleError {
  return new ConsoleError(
    'RESTIC_OUTPUT_INVALID',
    `restic printed output the console could not use (${what}).`,
    {
      command: display,
      ...extra,
    },
  );
}

/** Keeps a few stray lines and parse problems for error details, bounded. */
class OutputNotes {
  readonly problems: string[] = [];
  readonly text: string[] = [];
  note(ev: JsonLineEvent): void {
    if (ev.kind === 'text') {
      if (this.text.length < 20) this.text.push(ev.text.slice(0, 500));
    } else if (ev.kind !== 'json') {
      if (this.problems.length < 20) {
        this.problems.push(
          ev.kind === 'oversize'
            ? `oversize line (${ev.length} chars)`
            : `${ev.kind}: ${ev.text.slice(0, 200)}`,
        );
      }
    }
  }
}

export class Restic {
  private versionPromise: Promise<ResticVersion> | undefined;
  private knownVersion: ResticVersion | undefined;

  constructor(readonly target: ResticTarget) {}

  // ------------------------------------------------------------ plumbing

  private env(extra?: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of NEUTRALIZED_ENV) env[name] = '';
    return { ...env, ...this.target.env, RESTIC_REPOSITORY: this.target.repository, ...extra };
  }

  private secretEnv(): Record<string, string> {
    return { ...this.target.secretEnv, RESTIC_PASSWORD: this.target.password };
  }

  /**
   * The equivalent shell command for the UI, POSIX-quoted. Secrets are
   * never included: the password and every secretEnv name appear as
   * NAME=*** so the user sees what must be set.
   */
  commandLine(args: string[]): string {
    const parts = [shellAssignment('RESTIC_REPOSITORY', this.target.repository), 'RESTIC_PASSWORD=***'];
    for (const name of Object.keys(this.target.secretEnv ?? {})) {
      if (name !== 'RESTIC_PASSWORD') parts.push(`${shellAssignment(name, 'x').slice(0, -1)}***`);
    }
    for (const [name, value] of Object.entries(this.target.env ?? {})) {
      if (name === 'RESTIC_REPOSITORY' || name === 'RESTIC_PASSWORD' || name in (this.target.secretEnv ?? {}))
        continue;
      parts.push(shellAssignment(name, value));
    }
    return `${parts.join(' ')} ${shellJoin([this.target.binary, ...args])}`;
  }

  private run(
    args: string[],
    opts: {
      signal?: AbortSignal;
      cwd?: string;
      env?: Record<string, string>;
      collectStdout?: boolean;
      onStdout?: (ev: JsonLineEvent) => void;
      onStderr?: (ev: JsonLineEvent) => void;
      withPassword?: boolean;
      maxBackendRetries?: number;
      /** Runs restic through this (e.g. a `sh -c` that feeds it a secret on stdin). */
      argvPrefix?: string[];
      /** More secret environment for this command only (delivered like RESTIC_PASSWORD). */
      extraSecretEnv?: Record<string, string>;
    },
  ): Promise<ResticRunResult> {
    return runRestic({
      runner: this.target.runner,
      argv: [...(opts.argvPrefix ?? []), this.target.binary, ...args],
      env: this.env(opts.env),
      ...(opts.withPassword === false
        ? this.target.secretEnv
          ? { secretEnv: this.target.secretEnv }
          : {}
        : { secretEnv: { ...this.secretEnv(), ...opts.extraSecretEnv } }),
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.collectStdout ? { collectStdout: true } : {}),
      ...(opts.onStdout ? { onStdout: opts.onStdout } : {}),
      ...(opts.onStderr ? { onStderr: opts.onStderr } : {}),
      ...(this.knownVersion ? { version: this.knownVersion } : {}),
      ...(opts.maxBackendRetries !== undefined && Number.isFinite(opts.maxBackendRetries)
        ? { maxBackendRetries: opts.maxBackendRetries }
        : {}),
      display: this.commandLine(args),
    });
  }

  /** Runs a command whose stdout is one JSON document; returns it parsed (not yet validated). */
  private async document(
    args: string[],
    opts: CommandOptions & { withPassword?: boolean },
  ): Promise<{ value: unknown; result: ResticRunResult }> {
    const result = await this.run(args, {
      ...opts,
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      collectStdout: true,
    });
    const display = this.commandLine(args);
    if (result.failure) throw failureError(result, display);
    const doc = parseJsonDocument(result.stdout);
    if (!doc)
      throw invalidOutput('no JSON document on stdout', display, { stdout: result.stdout.slice(0, 2000) });
    return { value: doc.value, result };
  }

  // ------------------------------------------------------------ commands

  /** The binary's version; asked once per Restic instance (the text form before 0.17, JSON after). */
  version(signal?: AbortSignal): Promise<ResticVersion> {
    if (!this.versionPromise) {
      const args = ['version', '--json'];
      const p = (async () => {
        const result = await this.run(args, {
          ...(signal ? { signal } : {}),
          collectStdout: true,
          withPassword: false,
        });
        const display = this.commandLine(args);
        if (result.failure) throw failureError(result, display);
        const v = parseVersionOutput(result.stdout);
        if (!v)
          throw invalidOutput('unrecognised `restic version` output', display, {
            stdout: result.stdout.slice(0, 500),
          });
        this.knownVersion = v;
        return v;
      })();
      // Failures are not cached: the next call asks again (binary installed meanwhile, cancelled call).
      p.catch(() => {
        if (this.versionPromise === p) this.versionPromise = undefined;
      });
      this.versionPromise = p;
    }
    return this.versionPromise;
  }

  /** The repository's config: the cheap "does it exist, is the password right" probe. */
  async catConfig(opts: CommandOptions = {}): Promise<RepoConfig> {
    const args = ['cat', 'config', '--json'];
    const { value } = await this.document(args, opts);
    const parsed = CatConfigSchema.safeParse(value);
    if (!parsed.success)
      throw invalidOutput('cat config', this.commandLine(args), { issues: parsed.error.issues.slice(0, 5) });
    return toRepoConfig(parsed.data);
  }

  /**
   * Creates the repository. `id` is the full id from 0.15 on, a 10-digit
   * prefix on 0.14 (text output). An existing repository is CONFLICT.
   */
  async init(opts: CommandOptions & { repositoryVersion?: 1 | 2 | 'latest' } = {}): Promise<{ id?: string }> {
    const args = [
      'init',
      '--json',
      ...(opts.repositoryVersion !== undefined ? [`--repository-version=${opts.repositoryVersion}`] : []),
    ];
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      collectStdout: true,
    });
    if (result.failure) throw failureError(result, this.commandLine(args));
    return parseInitOutput(result.stdout);
  }

  /**
   * Backs up `paths`. Resolves with restic's summary on success (exit 0).
   * Exit 3 (some files could not be read, but a snapshot was made) throws
   * RESTIC_PARTIAL whose detail is a PartialBackupDetail with the summary.
   */
  async backup(paths: string[], opts: BackupOptions = {}): Promise<BackupSummary> {
    if (paths.length === 0) throw new ConsoleError('BAD_REQUEST', 'Nothing to back up: no paths given.');
    if (opts.host !== undefined && opts.host.length === 0)
      throw new ConsoleError('INVALID_NAME', 'The host name must not be empty.');
    assertNoComma('tag', opts.tags);
    const wantProgress = opts.onProgress !== undefined;
    const args = [
      'backup',
      '--json',
      ...(wantProgress ? [] : ['--quiet']),
      ...(opts.host !== undefined ? [`--host=${opts.host}`] : []),
      ...flagValues('tag', opts.tags),
      ...flagValues('exclude', opts.excludes),
      ...(opts.time !== undefined ? [`--time=${opts.time}`] : []),
      ...(opts.dryRun ? ['--dry-run'] : []),
      '--',
      ...paths,
    ];
    const display = this.commandLine(args);
    const parser = new BackupOutputParser();
    const notes = new OutputNotes();
    const handle = (ev: JsonLineEvent): void => {
      notes.note(ev);
      const out = parser.feed(ev);
      if (out?.type === 'progress') opts.onProgress?.(out.progress);
      else if (out?.type === 'error') opts.onError?.(out.error);
    };
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      ...(opts.maxBackendRetries !== undefined ? { maxBackendRetries: opts.maxBackendRetries } : {}),
      ...(wantProgress ? { env: { RESTIC_PROGRESS_FPS: String(opts.progressFps ?? 2) } } : {}),
      onStdout: handle,
      onStderr: handle,
    });
    if (result.failure?.code === 'RESTIC_PARTIAL') {
      const detail: PartialBackupDetail = {
        summary: parser.summary,
        errors: [...parser.itemErrors],
        errorCount: parser.errorCount,
        command: display,
        exitCode: result.exit.code,
        stderr: result.stderr.slice(-4096),
      };
      const first = parser.itemErrors[0];
      const message = `Backup finished, but ${parser.errorCount || 'some'} item(s) could not be read${first ? ` (first: ${first.message})` : ''}.`;
      throw new ConsoleError('RESTIC_PARTIAL', message, detail);
    }
    if (result.failure) throw failureError(result, display, { errors: parser.itemErrors.slice(0, 20) });
    if (!parser.summary)
      throw invalidOutput('backup printed no summary', display, {
        problems: notes.problems,
        text: notes.text,
      });
    return parser.summary;
  }

  /** The repository's snapshots (optionally filtered), in restic's order (oldest first). */
  async snapshots(opts: SnapshotsOptions = {}): Promise<Snapshot[]> {
    assertNoComma('tag', opts.tags);
    const args = [
      'snapshots',
      '--json',
      ...(opts.noLock ? ['--no-lock'] : []),
      ...(opts.host !== undefined ? [`--host=${opts.host}`] : []),
      ...flagValues('path', opts.paths),
      ...flagValues('tag', opts.tags),
    ];
    const { value } = await this.document(args, opts);
    const flat = SnapshotsJsonSchema.safeParse(value);
    if (flat.success) return flat.data.map(toSnapshot);
    const grouped = SnapshotGroupsJsonSchema.safeParse(value);
    if (grouped.success) return grouped.data.flatMap((g) => g.snapshots.map(toSnapshot));
    throw invalidOutput('snapshots', this.commandLine(args), { issues: flat.error.issues.slice(0, 5) });
  }

  /**
   * The repository's locks: `list locks` then `cat lock <id>` for each
   * (at most `max`), all with --no-lock so looking adds no lock. A lock
   * released between the two steps is left out.
   */
  async locks(opts: CommandOptions & { max?: number } = {}): Promise<ResticLock[]> {
    const listArgs = ['list', 'locks', '--no-lock'];
    const listed = await this.run(listArgs, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      collectStdout: true,
    });
    if (listed.failure) throw failureError(listed, this.commandLine(listArgs));
    const ids = parseLockIds(listed.stdout).slice(0, opts.max ?? 100);
    const locks: ResticLock[] = [];
    for (const id of ids) {
      const args = ['cat', 'lock', '--no-lock', '--', id];
      // A vanished lock makes 0.14 retry for ~45 s: one retry notice is enough to know.
      const result = await this.run(args, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        maxBackendRetries: 1,
        collectStdout: true,
      });
      if (result.failure) {
        if (
          result.failure.code !== 'CANCELLED' &&
          isGoneLockText(`${result.stderr}\n${result.failure.message}`)
        )
          continue;
        throw failureError(result, this.commandLine(args));
      }
      const doc = parseJsonDocument(result.stdout);
      const parsed = doc ? LockJsonSchema.safeParse(doc.value) : undefined;
      if (!parsed?.success)
        throw invalidOutput('cat lock', this.commandLine(args), { stdout: result.stdout.slice(0, 500) });
      locks.push(toResticLock(id, parsed.data));
    }
    return locks;
  }

  /**
   * `unlock`: removes stale locks only (restic's rule: older than 30
   * minutes, or made on this host by a dead pid). `removeAll` removes
   * every lock, live ones included — only after the user's typed confirmation.
   */
  async unlock(opts: CommandOptions & { removeAll?: boolean } = {}): Promise<void> {
    const args = ['unlock', ...(opts.removeAll ? ['--remove-all'] : [])];
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
    });
    if (result.failure) throw failureError(result, this.commandLine(args));
  }

  /**
   * The direct children of `dir` in a snapshot. restic prints the snapshot,
   * then `dir` itself (absent for "/"), then its children; the first two
   * are dropped here. A directory the snapshot does not have is NOT_FOUND.
   */
  async ls(snapshotId: string, dir: string, opts: CommandOptions = {}): Promise<LsNode[]> {
    assertSnapshotRef(snapshotId);
    const wanted = normalizeSnapshotDir(dir);
    const args = ['ls', '--json', '--', snapshotId, wanted];
    const display = this.commandLine(args);
    const children: LsNode[] = [];
    let sawSnapshot = false;
    let self: LsNode | undefined;
    let badNodes = 0;
    const notes = new OutputNotes();
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      onStdout: (ev) => {
        notes.note(ev);
        if (ev.kind !== 'json') return;
        const type = messageTypeOf(ev.value);
        if (type === 'snapshot') {
          sawSnapshot = true;
          return;
        }
        if (type !== undefined && type !== 'node') return; // a future message type: not ours to show
        const parsed = LsNodeJsonSchema.safeParse(ev.value);
        if (!parsed.success) {
          badNodes += 1;
          return;
        }
        const node = toLsNode(parsed.data);
        if (node.path === wanted) self = node;
        // By name, not by cutting the path at its last "/": exact whatever the name holds.
        else if (node.path === childPath(wanted, node.name)) children.push(node);
      },
    });
    if (result.failure) throw failureError(result, display);
    if (!sawSnapshot) {
      // 0.14 exits 0 after "Ignoring "deadbeef": no matching ID found for prefix …".
      const code = classifyStderr(result.stderr);
      if (code === 'SNAPSHOT_NOT_FOUND' || code === 'SNAPSHOT_AMBIGUOUS') {
        throw new ConsoleError(code, resticMessage(result.stderr) ?? `Snapshot ${snapshotId} not found.`, {
          command: display,
          stderr: result.stderr.slice(-4096),
        });
      }
      throw invalidOutput('ls printed no snapshot line', display, {
        problems: notes.problems,
        text: notes.text,
        stderr: result.stderr.slice(-2048),
      });
    }
    if (notes.problems.length > 0 || badNodes > 0) {
      throw invalidOutput('ls', display, { problems: notes.problems, badNodes });
    }
    if (wanted !== '/') {
      if (!self)
        throw new ConsoleError('NOT_FOUND', `Snapshot ${snapshotId} has no ${JSON.stringify(wanted)}.`, {
          command: display,
        });
      if (self.type !== 'dir')
        throw new ConsoleError(
          'NOT_FOUND',
          `${JSON.stringify(wanted)} in snapshot ${snapshotId} is not a directory.`,
          { command: display },
        );
    }
    return children;
  }

  /**
   * What changed from snapshot `a` to `b`, streamed: memory stays bounded
   * by `limit` however large the diff. `truncated` says changes were dropped.
   */
  async diff(a: string, b: string, opts: DiffOptions = {}): Promise<DiffResult> {
    assertSnapshotRef(a);
    assertSnapshotRef(b);
    const limit = opts.limit ?? DEFAULT_DIFF_LIMIT;
    const args = ['diff', '--json', '--', a, b];
    const display = this.commandLine(args);
    const changes: DiffChange[] = [];
    let truncated = false;
    let stats: DiffStats | undefined;
    let badLines = 0;
    const notes = new OutputNotes();
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      onStdout: (ev) => {
        notes.note(ev);
        if (ev.kind !== 'json') return;
        const type = messageTypeOf(ev.value);
        if (type === 'change') {
          const parsed = DiffChangeMessageSchema.safeParse(ev.value);
          if (!parsed.success) {
            badLines += 1;
            return;
          }
          const change = toDiffChange(parsed.data);
          opts.onChange?.(change);
          if (changes.length < limit) changes.push(change);
          else truncated = true;
        } else if (type === 'statistics') {
          const parsed = DiffStatsMessageSchema.safeParse(ev.value);
          if (parsed.success) stats = toDiffStats(parsed.data);
          else badLines += 1;
        }
      },
    });
    if (result.failure) throw failureError(result, display);
    if (notes.problems.length > 0 || badLines > 0 || !stats) {
      throw invalidOutput(stats ? 'diff' : 'diff printed no statistics', display, {
        problems: notes.problems,
        badLines,
      });
    }
    return { changes, truncated, stats };
  }

  // ------------------------------------------------------------ maintenance

  /** `stats --json` in restore-size (default) or raw-data mode; compression fields from 0.15. */
  async stats(opts: StatsOptions = {}): Promise<RepoStats> {
    const mode = opts.mode ?? 'restore-size';
    const args = ['stats', '--json', ...(opts.noLock ? ['--no-lock'] : []), `--mode=${mode}`];
    const { value } = await this.document(args, opts);
    const parsed = StatsJsonSchema.safeParse(value);
    if (!parsed.success)
      throw invalidOutput('stats', this.commandLine(args), { issues: parsed.error.issues.slice(0, 5) });
    return toRepoStats(mode, parsed.data);
  }

  /** The argv of `check` for a read-data choice (for the job's command line). */
  checkArgs(readData: CheckReadData = { kind: 'none' }): string[] {
    return ['check', '--json', ...readDataArgs(readData)];
  }

  /**
   * `check`: resolves with the result whether or not the repository has
   * errors (ok false, numErrors, restic's error lines). Throws only when
   * restic could not check at all (locked, wrong password, missing).
   */
  async check(opts: CheckOptions = {}): Promise<CheckResult> {
    const args = this.checkArgs(opts.readData);
    const display = this.commandLine(args);
    const lines = (stream: 'stdout' | 'stderr') => (ev: JsonLineEvent) => {
      if (!opts.onLine) return;
      if (ev.kind === 'text') opts.onLine(ev.text, stream);
      else if (ev.kind === 'json') {
        const v = ev.value as Record<string, unknown>;
        opts.onLine(typeof v.message === 'string' ? v.message.trim() : JSON.stringify(v), stream);
      }
    };
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.maxBackendRetries !== undefined ? { maxBackendRetries: opts.maxBackendRetries } : {}),
      collectStdout: true,
      onStdout: lines('stdout'),
      onStderr: lines('stderr'),
    });
    if (result.failure?.code === 'CANCELLED') throw failureError(result, display);
    const parsed = parseCheckOutput(result.stdout, result.stderr, result.exit.code);
    if (parsed) return parsed;
    if (result.failure) throw failureError(result, display);
    throw invalidOutput('check printed no result', display, {
      stdout: result.stdout.slice(-2000),
      stderr: result.stderr.slice(-2000),
    });
  }

  /** The argv of `forget` for a policy (for previews and job command lines). */
  forgetArgs(policy: RetentionPolicy, opts: Pick<ForgetOptions, 'dryRun' | 'groupBy'> = {}): string[] {
    return [
      'forget',
      '--json',
      ...(opts.dryRun ? ['--dry-run'] : []),
      ...(opts.groupBy !== undefined ? [`--group-by=${opts.groupBy}`] : []),
      ...policyArgs(policy),
    ];
  }

  /**
   * `forget` by policy: the groups with what is kept (and why) and what is
   * removed. With dryRun nothing changes. A policy that would remove every
   * snapshot of a group is refused with BAD_REQUEST (reason
   * "would-remove-all") on every version: 0.17+ refuse by themselves, for
   * older ones a dry run goes first.
   */
  async forget(policy: RetentionPolicy, opts: ForgetOptions = {}): Promise<ForgetGroup[]> {
    assertNoComma('tag', policy.keepTags);
    const args = this.forgetArgs(policy, opts);
    const display = this.commandLine(args);
    if (!opts.dryRun) {
      const v = await this.version(opts.signal);
      if (!v.atLeast(0, 17, 0)) await this.forget(policy, { ...opts, dryRun: true });
    }
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      collectStdout: true,
    });
    if (result.failure) {
      if (result.failure.code !== 'CANCELLED' && isRemoveAllRefusal(result.stderr))
        throw removeAllError(display);
      throw failureError(result, display);
    }
    const doc = parseJsonDocument(result.stdout);
    const parsed = doc ? ForgetJsonSchema.safeParse(doc.value) : undefined;
    if (!parsed?.success)
      throw invalidOutput('forget', display, {
        stdout: result.stdout.slice(0, 2000),
        ...(parsed ? { issues: parsed.error.issues.slice(0, 5) } : {}),
      });
    const groups = parsed.data.map(toForgetGroup);
    if (opts.dryRun && groups.some((g) => g.keep.length === 0 && g.remove.length > 0))
      throw removeAllError(display, groups);
    return groups;
  }

  /**
   * Snapshot ids (full, or unique prefixes) → full ids, from one
   * `snapshots --json --no-lock`. SNAPSHOT_NOT_FOUND / SNAPSHOT_AMBIGUOUS
   * before anything is changed (restic itself just prints "Ignoring …"
   * and exits 0 for forget and tag).
   */
  async resolveSnapshots(ids: readonly string[], opts: CommandOptions = {}): Promise<Snapshot[]> {
    for (const id of ids) assertSnapshotRef(id);
    const all = await this.snapshots({ ...opts, noLock: true });
    return ids.map((id) => {
      const found = all.filter((s) => s.id.startsWith(id));
      if (found.length === 0)
        throw new ConsoleError('SNAPSHOT_NOT_FOUND', `No snapshot ${id} in this repository.`);
      if (found.length > 1)
        throw new ConsoleError(
          'SNAPSHOT_AMBIGUOUS',
          `"${id}" is the start of ${found.length} snapshot ids; give more digits.`,
          { candidates: found.slice(0, 10).map((s) => s.id) },
        );
      return found[0] as Snapshot;
    });
  }

  /** Snapshot id → the id of the snapshot it was rewritten from (`original`), or itself. */
  private async snapshotOrigins(opts: CommandOptions): Promise<Map<string, string>> {
    const args = ['snapshots', '--json', '--no-lock'];
    const { value } = await this.document(args, opts);
    const parsed = SnapshotsJsonSchema.safeParse(value);
    if (!parsed.success) throw invalidOutput('snapshots', this.commandLine(args));
    return new Map(
      parsed.data.map((s) => {
        const original = (s as Record<string, unknown>).original;
        return [s.id, typeof original === 'string' && original ? original : s.id];
      }),
    );
  }

  /** Throws the typed error for restic's "Ignoring "x": no matching ID …" (exit 0 on forget/tag). */
  private assertNoIgnored(stderr: string, display: string): void {
    const ignored = stripAnsi(stderr)
      .split('\n')
      .find((l) => /^Ignoring "/.test(l));
    if (!ignored) return;
    const code = classifyStderr(ignored) ?? 'SNAPSHOT_NOT_FOUND';
    throw new ConsoleError(code, ignored.trim(), { command: display, stderr: stderr.slice(-4096) });
  }

  /** `forget -- <ids>`: removes exactly these snapshots (no policy). Data stays until prune. */
  async forgetSnapshots(ids: readonly string[], opts: CommandOptions = {}): Promise<void> {
    if (ids.length === 0) throw new ConsoleError('BAD_REQUEST', 'No snapshot to forget.');
    for (const id of ids) assertSnapshotRef(id);
    if (ids.includes('latest'))
      throw new ConsoleError('BAD_REQUEST', 'Name the snapshot to forget by its id.');
    const args = ['forget', '--', ...ids];
    const display = this.commandLine(args);
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      collectStdout: true,
    });
    if (result.failure) throw failureError(result, display);
    this.assertNoIgnored(result.stderr, display);
  }

  pruneArgs(opts: Pick<PruneOptions, 'dryRun' | 'maxUnused'> = {}): string[] {
    if (
      opts.maxUnused !== undefined &&
      !/^(?:unlimited|[0-9]{1,12}(?:\.[0-9]+)?%|[0-9]{1,12}[KMGT]?)$/.test(opts.maxUnused)
    )
      throw new ConsoleError('BAD_REQUEST', `Not a --max-unused value: ${JSON.stringify(opts.maxUnused)}.`);
    return [
      'prune',
      ...(opts.dryRun ? ['--dry-run'] : []),
      ...(opts.maxUnused !== undefined ? [`--max-unused=${opts.maxUnused}`] : []),
    ];
  }

  /** `prune` (text only): removes data no snapshot references. Its statistics block, parsed. */
  async prune(opts: PruneOptions = {}): Promise<PruneSummary> {
    const args = this.pruneArgs(opts);
    const display = this.commandLine(args);
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.maxBackendRetries !== undefined ? { maxBackendRetries: opts.maxBackendRetries } : {}),
      collectStdout: true,
      onStdout: (ev) => {
        if (ev.kind === 'text') opts.onLine?.(ev.text, 'stdout');
      },
      onStderr: (ev) => {
        if (ev.kind === 'text') opts.onLine?.(ev.text, 'stderr');
      },
    });
    if (result.failure) throw failureError(result, display);
    return parsePruneOutput(result.stdout, opts.dryRun ?? false);
  }

  findArgs(
    patterns: readonly string[],
    opts: Pick<FindOptions, 'snapshotIds' | 'ignoreCase'> = {},
  ): string[] {
    if (patterns.length === 0) throw new ConsoleError('BAD_REQUEST', 'Nothing to find: no pattern given.');
    for (const p of patterns) {
      if (p.length === 0) throw new ConsoleError('BAD_REQUEST', 'A search pattern must not be empty.');
      if (p.includes('\0')) throw new ConsoleError('BAD_REQUEST', 'A pattern must not contain NUL.');
    }
    for (const id of opts.snapshotIds ?? []) assertSnapshotRef(id);
    return [
      'find',
      '--json',
      ...(opts.ignoreCase ? ['--ignore-case'] : []),
      ...flagValues('snapshot', opts.snapshotIds),
      '--',
      ...patterns,
    ];
  }

  /** `find --json`: per snapshot the nodes whose name (or, for patterns starting with "/", path) matches. */
  async find(patterns: readonly string[], opts: FindOptions = {}): Promise<FindResult[]> {
    const args = this.findArgs(patterns, opts);
    const display = this.commandLine(args);
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      collectStdout: true,
    });
    if (result.failure) throw failureError(result, display);
    this.assertNoIgnored(result.stderr, display);
    if (result.stdout.trim() === '') return [];
    const doc = parseJsonDocument(result.stdout);
    const parsed = doc ? FindJsonSchema.safeParse(doc.value) : undefined;
    if (!parsed?.success) throw invalidOutput('find', display, { stdout: result.stdout.slice(0, 2000) });
    return toFindResults(parsed.data);
  }

  /** Every snapshot's copy of one absolute path (a `find` for exactly that path). */
  async findPath(path: string, opts: CommandOptions = {}): Promise<FindResult[]> {
    const wanted = normalizeSnapshotDir(path);
    if (wanted === '/') throw new ConsoleError('BAD_REQUEST', 'Pick a file or folder, not the root.');
    const results = await this.find([exactPathPattern(wanted)], opts);
    // Only that exact path (a defensive filter: matching is restic's business).
    return results
      .map((r) => ({ ...r, matches: r.matches.filter((m) => m.path === wanted) }))
      .filter((r) => r.matches.length > 0)
      .map((r) => ({ ...r, hits: r.matches.length }));
  }

  /** `key list --json`. */
  async keys(opts: CommandOptions = {}): Promise<RepoKey[]> {
    const args = ['key', 'list', '--json'];
    const { value } = await this.document(args, opts);
    const parsed = KeyListJsonSchema.safeParse(value);
    if (!parsed.success)
      throw invalidOutput('key list', this.commandLine(args), { issues: parsed.error.issues.slice(0, 5) });
    return toRepoKeys(parsed.data);
  }

  keyAddArgs(opts: { host?: string; user?: string } = {}): string[] {
    for (const [what, v] of [
      ['host name', opts.host],
      ['user name', opts.user],
    ] as const) {
      if (v !== undefined && (v.length === 0 || v.length > 255 || /[\p{Cc}]/u.test(v)))
        throw new ConsoleError('INVALID_NAME', `Not a ${what}: ${JSON.stringify(v)}.`);
    }
    return [
      'key',
      'add',
      ...(opts.host !== undefined ? [`--host=${opts.host}`] : []),
      ...(opts.user !== undefined ? [`--user=${opts.user}`] : []),
    ];
  }

  /**
   * `key add`: a new password for the repository, e.g. one per host. The
   * new password never reaches an argv or a file: it travels like
   * RESTIC_PASSWORD (secret environment) to a `sh` that writes it to
   * restic's stdin, which restic reads when stdin is not a terminal
   * (0.14 through 0.19). Returns the new key's id (from the key list
   * before and after: 0.14 does not print it).
   */
  async keyAdd(
    newPassword: string,
    opts: CommandOptions & { host?: string; user?: string } = {},
  ): Promise<RepoKey> {
    if (newPassword.length === 0 || /[\r\n\0]/.test(newPassword))
      throw new ConsoleError('BAD_REQUEST', 'A key password must be one line, not empty.');
    const args = this.keyAddArgs(opts);
    const display = `${this.commandLine(args)}  # new password on stdin`;
    const before = new Set((await this.keys(opts)).map((k) => k.id));
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      collectStdout: true,
      argvPrefix: ['sh', '-c', KEY_ADD_SCRIPT, 'restic-key-add'],
      extraSecretEnv: { RFC_NEW_PASSWORD: newPassword },
    });
    if (result.failure) throw failureError(result, display);
    const printed = parseKeyAddOutput(result.stdout);
    const added = (await this.keys(opts)).filter((k) => !before.has(k.id));
    const key =
      added.find((k) => printed === undefined || printed.startsWith(k.id) || k.id.startsWith(printed)) ??
      added[0];
    if (!key) throw invalidOutput('key add: no new key in the key list', display);
    return key;
  }

  /** `key remove <id>`: revokes a key (restic refuses the key in use). */
  async keyRemove(keyId: string, opts: CommandOptions = {}): Promise<void> {
    if (!/^[0-9a-f]{4,64}$/.test(keyId))
      throw new ConsoleError('BAD_REQUEST', `Not a key id: ${JSON.stringify(keyId)}.`);
    const args = ['key', 'remove', '--', keyId];
    const display = this.commandLine(args);
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      collectStdout: true,
    });
    if (result.failure) {
      const text = stripAnsi(result.stderr);
      if (/refusing to remove key currently used/i.test(text))
        throw new ConsoleError(
          'CONFLICT',
          'That key is the one the console uses for this repository; it cannot remove it.',
          {
            command: display,
          },
        );
      if (/no matching ID found|key .* not found|not found/i.test(text))
        throw new ConsoleError('NOT_FOUND', `No key ${keyId} in this repository.`, { command: display });
      throw failureError(result, display);
    }
  }

  tagArgs(ids: readonly string[], opts: Pick<TagOptions, 'add' | 'remove' | 'set'>): string[] {
    for (const list of [opts.add, opts.remove, opts.set]) assertNoComma('tag', list);
    for (const id of ids) assertSnapshotRef(id);
    if (!opts.add?.length && !opts.remove?.length && opts.set === undefined)
      throw new ConsoleError('BAD_REQUEST', 'Nothing to change: give tags to add, remove or set.');
    if (opts.set !== undefined && (opts.add?.length || opts.remove?.length))
      throw new ConsoleError('BAD_REQUEST', 'Set tags, or add and remove them; not both.');
    return [
      'tag',
      '--json',
      ...flagValues('add', opts.add),
      ...flagValues('remove', opts.remove),
      // --set= with no value clears every tag.
      ...(opts.set !== undefined ? (opts.set.length ? flagValues('set', opts.set) : ['--set=']) : []),
      '--',
      ...ids,
    ];
  }

  /**
   * `tag`: changes tags of snapshots. A changed snapshot gets a new id
   * (restic writes a new snapshot with `original` pointing back): from
   * 0.18's JSON, or for older versions by comparing the snapshot list
   * before and after.
   */
  async tag(ids: readonly string[], opts: TagOptions): Promise<TagResult> {
    if (ids.length === 0) throw new ConsoleError('BAD_REQUEST', 'No snapshot to tag.');
    const args = this.tagArgs(ids, opts);
    const display = this.commandLine(args);
    const v = await this.version(opts.signal);
    const before = v.atLeast(0, 18, 0) ? undefined : await this.snapshotOrigins(opts);
    const result = await this.run(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBackendRetries: opts.maxBackendRetries ?? DEFAULT_PROBE_RETRIES,
      collectStdout: true,
    });
    if (result.failure) throw failureError(result, display);
    this.assertNoIgnored(result.stderr, display);
    const json = parseTagJson(result.stdout);
    if (json) return json;
    const count = parseTagText(`${result.stdout}\n${result.stderr}`);
    if (count === undefined) throw invalidOutput('tag', display, { stdout: result.stdout.slice(0, 500) });
    const changes: TagChange[] = [];
    if (before && count > 0) {
      const after = await this.snapshotOrigins(opts);
      for (const [oldId, origin] of before) {
        if (!ids.some((id) => oldId.startsWith(id))) continue;
        const made = [...after].find(([id, o]) => !before.has(id) && o === origin);
        if (made) changes.push({ oldSnapshotId: oldId, newSnapshotId: made[0] });
      }
    }
    return { changedSnapshots: count, changes };
  }
}
