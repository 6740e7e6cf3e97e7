/**
 * How a finished restic command failed, as a ConsoleError code. Pure.
 *
 * From 0.17 restic says it with exit codes (10 no repository, 11 lock
 * failed, 12 wrong password from 0.17.1); 0.14 exits 1 for all of them,
 * so its stderr text is matched too. The patterns are restic's own words,
 * recorded from both binaries (tests/fixtures/restic/<version>/) — when a
 * release rewords a message the fixture tests say so.
 */
import type { ErrorCode } from '../../../shared';
import type { ResticVersionInfo } from './version';

export interface ExitInfo {
  /** null when the process was ended by a signal. */
  code: number | null;
  signal: string | null;
  /** stderr as text (a bounded tail is fine: the decisive lines come last). */
  stderr: string;
  /** Known version of the binary; without it exit codes 10–12 are still trusted (no older release uses them). */
  version?: Pick<ResticVersionInfo, 'major' | 'minor' | 'patch'>;
  /** The caller asked for cancellation (AbortSignal). */
  aborted?: boolean;
}

/**
 * Why a failure has no closer ErrorCode: the repository's storage (S3,
 * MinIO, sftp) rejected the credentials or could not be reached. Carried
 * in the error's detail so the UI can say which.
 */
export type FailureReason = 'storage-auth' | 'storage-unreachable' | 'storage-retrying';

export interface ExitClassification {
  code: ErrorCode;
  /** restic's own message, cleaned up for display. */
  message: string;
  reason?: FailureReason;
}

export const EXIT = {
  OK: 0,
  FAILURE: 1,
  GO_RUNTIME_ERROR: 2,
  PARTIAL: 3,
  REPO_DOES_NOT_EXIST: 10,
  LOCK_FAILED: 11,
  WRONG_PASSWORD: 12,
  /** From a POSIX shell (the SSH prelude), not restic: the program was not found. */
  SHELL_NOT_FOUND: 127,
  INTERRUPTED: 130,
} as const;

/**
 * 0.14 adds "Is there a repository at the following location?" to EVERY
 * failure to open the config file — wrong S3 keys and a refused
 * connection included — so that line alone does not mean "not found".
 * It does together with one of these causes.
 */
const NOT_EXIST_CAUSE =
  /no such file or directory|bucket does not exist|key does not exist|NoSuchBucket|NoSuchKey|file does not exist/i;

/** Text patterns per error code, most specific first. Both 0.14 and 0.19 wordings. */
const STDERR_PATTERNS: ReadonlyArray<readonly [ErrorCode, RegExp]> = [
  // "unable to create lock in backend: repository is already locked exclusively by PID …"
  ['REPO_LOCKED', /repository is already locked|unable to create lock in backend/i],
  // "Fatal: wrong password or no key found"
  ['REPO_WRONG_PASSWORD', /wrong password or no key found/i],
  // "Fatal: multiple IDs with prefix "e" found" / "Ignoring "e": multiple IDs with prefix "e" found"
  ['SNAPSHOT_AMBIGUOUS', /multiple IDs with prefix|prefix .* is ambiguous/i],
  // "no matching ID found for prefix "deadbeef"", 0.19 "snapshot filter (…): no snapshot found",
  // 0.14 "Ignoring "latest", no snapshot matched given filter (…)"
  [
    'SNAPSHOT_NOT_FOUND',
    /no matching ID found for prefix|no snapshot found|no snapshot matched given filter/i,
  ],
  // init on an existing repository: "Fatal: create repository at … failed: config file already exists"
  ['CONFLICT', /config file already exists/i],
];

/** Storage failures seen from MinIO/S3 (recorded with 0.14 and 0.19 against the rig's MinIO). */
const STORAGE_PATTERNS: ReadonlyArray<readonly [FailureReason, RegExp]> = [
  // "Stat: The request signature we calculated does not match the signature you provided. Check your key and signing method."
  [
    'storage-auth',
    /signature we calculated does not match|SignatureDoesNotMatch|InvalidAccessKeyId|Access Key Id you provided does not exist|AccessDenied|Access Denied/i,
  ],
  // "Get "http://127.0.0.1:1/b/?location=": dial tcp 127.0.0.1:1: connect: connection refused"
  [
    'storage-unreachable',
    /connection refused|no such host|network is unreachable|no route to host|i\/o timeout|connection reset by peer|TLS handshake timeout|server gave HTTP response to HTTPS client|x509: /i,
  ],
];

/** A storage problem behind a failure (wrong S3 keys, endpoint down), if the text shows one. */
export function storageProblem(text: string): FailureReason | undefined {
  for (const [reason, re] of STORAGE_PATTERNS) if (re.test(text)) return reason;
  return undefined;
}

/**
 * 0.16+ retry failing backend requests with backoff for up to 15 minutes,
 * printing "Stat(<config/>) returned error, retrying after 2.1s: Stat: The
 * specified bucket does not exist" each time. Parses one such line.
 */
export function parseBackendRetry(line: string): { operation: string; error: string } | undefined {
  const m = /^(\S.*?) returned error, retrying after [^:]+: (.*)$/.exec(stripAnsi(line).trim());
  return m ? { operation: m[1] as string, error: m[2] as string } : undefined;
}

/** What to make of a command the driver stopped because the storage kept failing. */
export function classifyBackendRetries(error: string, retries: number): ExitClassification {
  const message = `restic kept failing to reach the repository's storage and was stopped after ${retries} retries: ${error}`;
  if (/bucket does not exist|NoSuchBucket/i.test(error)) return { code: 'REPO_NOT_FOUND', message };
  return { code: 'RESTIC_FAILED', message, reason: storageProblem(error) ?? 'storage-retrying' };
}

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_RE, '');
}

/** Matches restic's stderr against the known failure texts. */
export function classifyStderr(stderr: string): ErrorCode | undefined {
  const text = stripAnsi(stderr);
  for (const [code, re] of STDERR_PATTERNS) if (re.test(text)) return code;
  if (/repository does not exist/i.test(text)) return 'REPO_NOT_FOUND';
  if (
    /Is there a repository at the following location\?/i.test(text) &&
    NOT_EXIST_CAUSE.test(text) &&
    !storageProblem(text)
  ) {
    return 'REPO_NOT_FOUND';
  }
  return undefined;
}

/** The exit_error document restic ≥ 0.18 ends stderr with, if present. */
export function findExitError(stderr: string): { code: number; message: string } | undefined {
  const lines = stderr.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const t = (lines[i] as string).trim();
    if (!t.startsWith('{') || !t.includes('exit_error')) continue;
    try {
      const doc = JSON.parse(t) as Record<string, unknown>;
      if (
        doc.message_type === 'exit_error' &&
        typeof doc.code === 'number' &&
        typeof doc.message === 'string'
      ) {
        return { code: doc.code, message: doc.message };
      }
    } catch {
      // A truncated line: ignore it, the text patterns still apply.
    }
  }
  return undefined;
}

const MAX_MESSAGE = 2000;

/**
 * The line(s) worth showing: restic's exit_error message (0.18+), else the
 * "Fatal: …" text through the end (0.14 adds hint lines after it), else
 * the last non-JSON lines of stderr.
 */
export function resticMessage(stderr: string): string | undefined {
  const exitError = findExitError(stderr);
  if (exitError) return clip(exitError.message.trim());
  const lines = stripAnsi(stderr)
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim().length > 0 && !l.trimStart().startsWith('{'));
  if (lines.length === 0) return undefined;
  const fatal = lines.findIndex((l) => l.startsWith('Fatal:'));
  if (fatal >= 0) return clip(lines.slice(fatal).join('\n').trim());
  // A lock failure (0.14) has no "Fatal:" and spans 4 lines; show them all.
  const lock = lines.findIndex((l) => /unable to create lock in backend/.test(l));
  if (lock >= 0) return clip(lines.slice(lock).join('\n').trim());
  return clip((lines[lines.length - 1] as string).trim());
}

function clip(text: string): string {
  // 0.18+ wraps some messages twice: "Fatal: Fatal: create repository …".
  const s = text.replace(/^(Fatal: )+/, 'Fatal: ');
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s;
}

function atLeast(v: ExitInfo['version'], major: number, minor: number, patch: number): boolean {
  if (!v) return true;
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/**
 * Classifies a finished command. Returns undefined for success (exit 0).
 * Command-specific successes-that-are-failures (0.14's `ls` exiting 0 on an
 * unknown snapshot) are the driver's business: it calls classifyStderr.
 */
export function classifyExit(info: ExitInfo): ExitClassification | undefined {
  const { code, signal, stderr, version } = info;
  if (code === 0) return undefined;
  const said = resticMessage(stderr);
  const message = (fallback: string): string => said ?? fallback;

  // Cancellation wins over whatever restic printed while being interrupted.
  if (info.aborted) return { code: 'CANCELLED', message: 'Cancelled.' };
  if (code === EXIT.INTERRUPTED) return { code: 'CANCELLED', message: message('restic was interrupted.') };
  if (code === null) {
    return { code: 'RESTIC_FAILED', message: `restic was killed by ${signal ?? 'a signal'}.` };
  }

  const exitError = findExitError(stderr);
  const effective = exitError?.code ?? code;

  if (effective === EXIT.REPO_DOES_NOT_EXIST && atLeast(version, 0, 17, 0)) {
    return { code: 'REPO_NOT_FOUND', message: message('The repository does not exist.') };
  }
  if (effective === EXIT.LOCK_FAILED && atLeast(version, 0, 17, 0)) {
    return { code: 'REPO_LOCKED', message: message('The repository is locked.') };
  }
  if (effective === EXIT.WRONG_PASSWORD && atLeast(version, 0, 17, 1)) {
    return { code: 'REPO_WRONG_PASSWORD', message: message('Wrong password, or no key found.') };
  }
  if (effective === EXIT.PARTIAL) {
    return { code: 'RESTIC_PARTIAL', message: message('restic finished, but skipped something.') };
  }
  if (effective === EXIT.SHELL_NOT_FOUND && /not found|No such file/i.test(stderr)) {
    return { code: 'RESTIC_MISSING', message: message('restic is not installed.') };
  }
  const byText = classifyStderr(stderr);
  if (byText) return { code: byText, message: message(`restic failed (exit ${code}).`) };
  const reason = storageProblem(stripAnsi(stderr));
  if (reason) return { code: 'RESTIC_FAILED', message: message(`restic failed (exit ${code}).`), reason };
  if (effective === EXIT.GO_RUNTIME_ERROR) {
    return { code: 'RESTIC_FAILED', message: message('restic crashed (Go runtime error, exit 2).') };
  }
  return { code: 'RESTIC_FAILED', message: message(`restic failed (exit ${code}).`) };
}

export interface LockInfo {
  exclusive: boolean;
  pid?: number;
  host?: string;
  user?: string;
  /** As restic printed it, in the locking host's local time: "2026-11-21 04:29:14". */
  createdAt?: string;
  storageId?: string;
}

/**
 * Who holds the lock, from restic's lock failure text (same wording in
 * 0.14 and 0.19): "repository is already locked exclusively by PID 20261
 * on vm by root (UID 0, GID 0)\nlock was created at 2026-11-21 04:29:14
 * (2.02s ago)\nstorage ID e78f3d88".
 */
export function parseLockInfo(stderr: string): LockInfo | undefined {
  const text = stderr.replace(/\\n/g, '\n');
  const m = /already locked (exclusively )?by PID (\d+) on (.+?) by (.+?) \(UID/.exec(text);
  if (!m) return undefined;
  const created = /lock was created at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/.exec(text);
  const storage = /storage ID ([0-9a-f]+)/.exec(text);
  return {
    exclusive: Boolean(m[1]),
    pid: Number(m[2]),
    host: m[3] as string,
    user: m[4] as string,
    ...(created?.[1] ? { createdAt: created[1] } : {}),
    ...(storage?.[1] ? { storageId: storage[1] } : {}),
  };
}
