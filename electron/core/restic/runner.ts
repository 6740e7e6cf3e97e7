/**
 * Runs one restic command through a ProcessRunner and reports what
 * happened. Knows about restic's streams (JSON lines, stderr text, 0.18's
 * exit_error) but not about any particular command: restic.ts does that.
 *
 * - stdout is either streamed line by line to the caller (ls, diff,
 *   backup: constant memory) or collected whole (documents such as
 *   `snapshots --json`, bounded).
 * - stderr is kept as a bounded tail (the decisive "Fatal: …" lines come
 *   last) and also parsed line by line (backup's per-file errors).
 * - Cancellation goes through the runner (SIGINT, then SIGKILL).
 */
import { StringDecoder } from 'node:string_decoder';
import { ConsoleError } from '../../../shared';
import { ProgramNotFoundError, type ProcessExit, type ProcessRunner } from '../exec/process';
import {
  classifyBackendRetries,
  classifyExit,
  parseBackendRetry,
  type ExitClassification,
} from './exit-codes';
import { JsonLinesParser, type JsonLineEvent } from './jsonl';
import type { ResticVersionInfo } from './version';

export const STDERR_TAIL_BYTES = 64 * 1024;
/** `snapshots --json` of a big repository is one line of several MB; this bounds a runaway. */
export const DEFAULT_MAX_DOCUMENT_CHARS = 256 * 1024 * 1024;

export interface ResticInvocation {
  runner: ProcessRunner;
  argv: string[];
  env?: Record<string, string>;
  secretEnv?: Record<string, string>;
  cwd?: string;
  signal?: AbortSignal;
  /** Streaming mode: every stdout line, parsed. Throwing from it cancels the command. */
  onStdout?: (event: JsonLineEvent) => void;
  /** Every stderr line, parsed (backup's `error` lines). Throwing from it cancels the command. */
  onStderr?: (event: JsonLineEvent) => void;
  /** Document mode: keep all of stdout as text (up to maxDocumentChars). */
  collectStdout?: boolean;
  maxDocumentChars?: number;
  version?: ResticVersionInfo;
  /**
   * Stop the command after this many "… returned error, retrying after …"
   * lines (restic ≥ 0.16 retries a failing storage for up to 15 minutes: a
   * missing bucket, wrong S3 keys or a dead endpoint would hang a probe
   * that long). Default: no limit, restic decides.
   */
  maxBackendRetries?: number;
  /** How to show the command in errors (secrets masked). */
  display: string;
}

export interface ResticRunResult {
  exit: ProcessExit;
  /** Collected stdout (document mode only). */
  stdout: string;
  /** Last STDERR_TAIL_BYTES of stderr, as text. */
  stderr: string;
  /** undefined = exit 0. */
  failure: ExitClassification | undefined;
  /** Backend retries restic reported (see maxBackendRetries). */
  backendRetries: number;
  aborted: boolean;
}

/** Keeps the last `max` characters of a growing text without quadratic copying. */
class TailBuffer {
  private parts: string[] = [];
  private length = 0;
  constructor(private readonly max: number) {}

  push(text: string): void {
    if (!text) return;
    this.parts.push(text);
    this.length += text.length;
    if (this.length > this.max * 2) this.compact();
  }

  private compact(): void {
    const all = this.parts.join('');
    const kept = all.slice(-this.max);
    this.parts = [kept];
    this.length = kept.length;
  }

  toString(): string {
    this.compact();
    return this.parts[0] ?? '';
  }
}

export function cancelledError(display: string): ConsoleError {
  return new ConsoleError('CANCELLED', 'Cancelled.', { command: display });
}

export function missingError(program: string, runnerTarget: string, display: string): ConsoleError {
  const where = runnerTarget === 'local' ? 'on this machine' : `on host ${runnerTarget}`;
  return new ConsoleError(
    'RESTIC_MISSING',
    `restic was not found ${where} (looked for "${program}"). Install it (Debian/Ubuntu: apt install restic) or set the path to the binary.`,
    { program, target: runnerTarget, command: display },
  );
}

/** Runs the command to completion. Rejects only for problems outside restic's exit status. */
export async function runRestic(inv: ResticInvocation): Promise<ResticRunResult> {
  const program = inv.argv[0] ?? '';
  if (inv.signal?.aborted) throw cancelledError(inv.display);

  // Our own abort, for when a line callback throws: the caller's signal and ours both cancel.
  const internal = new AbortController();
  const onOuterAbort = (): void => internal.abort();
  inv.signal?.addEventListener('abort', onOuterAbort, { once: true });

  let proc;
  try {
    proc = inv.runner.start({
      argv: inv.argv,
      ...(inv.env ? { env: inv.env } : {}),
      ...(inv.secretEnv ? { secretEnv: inv.secretEnv } : {}),
      ...(inv.cwd ? { cwd: inv.cwd } : {}),
      signal: internal.signal,
    });
  } catch (err) {
    inv.signal?.removeEventListener('abort', onOuterAbort);
    if (err instanceof ProgramNotFoundError) throw missingError(program, inv.runner.target, inv.display);
    throw err;
  }

  let callbackError: unknown;
  const guard = (fn: () => void): void => {
    if (callbackError !== undefined) return;
    try {
      fn();
    } catch (err) {
      callbackError = err;
      internal.abort();
    }
  };

  const maxDoc = inv.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS;
  const docParts: string[] = [];
  let docLength = 0;
  let docOverflow = false;
  const stdoutDecoder = new StringDecoder('utf8');
  const stdoutLines = inv.onStdout ? new JsonLinesParser() : undefined;

  proc.stdout.on('data', (chunk: Buffer) => {
    if (inv.collectStdout && !docOverflow) {
      const text = stdoutDecoder.write(chunk);
      docLength += text.length;
      if (docLength > maxDoc) {
        docOverflow = true;
        docParts.length = 0;
      } else docParts.push(text);
    }
    if (stdoutLines && inv.onStdout) {
      const cb = inv.onStdout;
      for (const ev of stdoutLines.push(chunk)) guard(() => cb(ev));
    }
  });

  const stderrDecoder = new StringDecoder('utf8');
  const stderrTail = new TailBuffer(STDERR_TAIL_BYTES);
  // stderr is always split into lines: backend retry notices are text lines.
  const stderrLines = new JsonLinesParser({ maxLineLength: 1024 * 1024 });
  let backendRetries = 0;
  let gaveUp: ExitClassification | undefined;
  const onStderrLine = (ev: JsonLineEvent): void => {
    if (ev.kind === 'text' && inv.maxBackendRetries !== undefined && gaveUp === undefined) {
      const retry = parseBackendRetry(ev.text);
      if (retry) {
        backendRetries += 1;
        if (backendRetries >= inv.maxBackendRetries) {
          gaveUp = classifyBackendRetries(retry.error, backendRetries);
          internal.abort();
        }
      }
    }
    if (inv.onStderr) {
      const cb = inv.onStderr;
      guard(() => cb(ev));
    }
  };
  proc.stderr.on('data', (chunk: Buffer) => {
    const text = stderrDecoder.write(chunk);
    stderrTail.push(text);
    for (const ev of stderrLines.push(text)) onStderrLine(ev);
  });

  let exit: ProcessExit;
  try {
    exit = await proc.exit;
  } catch (err) {
    if (err instanceof ProgramNotFoundError) throw missingError(program, inv.runner.target, inv.display);
    if (err instanceof ConsoleError) throw err;
    throw new ConsoleError(
      'RESTIC_FAILED',
      `Could not run restic: ${err instanceof Error ? err.message : String(err)}`,
      {
        command: inv.display,
      },
    );
  } finally {
    inv.signal?.removeEventListener('abort', onOuterAbort);
  }

  // Flush the last, unterminated lines (a truncated line is reported, not fatal here).
  if (stdoutLines && inv.onStdout) {
    const cb = inv.onStdout;
    for (const ev of stdoutLines.end()) guard(() => cb(ev));
  }
  const stderrRest = stderrDecoder.end();
  stderrTail.push(stderrRest);
  for (const ev of [...stderrLines.push(stderrRest), ...stderrLines.end()]) onStderrLine(ev);
  if (callbackError !== undefined) throw callbackError;

  if (inv.collectStdout && !docOverflow) docParts.push(stdoutDecoder.end());
  if (docOverflow) {
    throw new ConsoleError(
      'RESTIC_OUTPUT_INVALID',
      `restic printed more than ${maxDoc} characters where one JSON document was expected.`,
      {
        command: inv.display,
      },
    );
  }

  const aborted = inv.signal?.aborted ?? false;
  const stderr = stderrTail.toString();
  // The caller's own cancel wins; otherwise giving up on the storage explains the abort.
  const failure =
    (aborted ? undefined : gaveUp) ??
    classifyExit({
      code: exit.code,
      signal: exit.signal,
      stderr,
      aborted,
      ...(inv.version ? { version: inv.version } : {}),
    });
  return { exit, stdout: docParts.join(''), stderr, failure, aborted, backendRetries };
}

/** The ConsoleError for a failed run, with the context a job log needs (no secrets). */
export function failureError(
  result: ResticRunResult,
  display: string,
  extra?: Record<string, unknown>,
): ConsoleError {
  const failure = result.failure ?? { code: 'RESTIC_FAILED' as const, message: 'restic failed.' };
  if (failure.code === 'CANCELLED') return cancelledError(display);
  return new ConsoleError(failure.code, failure.message, {
    command: display,
    ...(failure.reason ? { reason: failure.reason } : {}),
    exitCode: result.exit.code,
    signal: result.exit.signal,
    stderr: result.stderr.slice(-4096),
    ...extra,
  });
}
