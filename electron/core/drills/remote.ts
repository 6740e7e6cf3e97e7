/**
 * What a drill runs on its host: restic (ls, restore, dump) with the
 * repository's password on the secret channel only, and a few POSIX `sh`
 * commands (make the scratch folder, hash what was restored, remove it).
 * Every path travels as its own argv word, never inside a script, and the
 * hash listing is NUL-separated, so any file name — newlines, quotes,
 * `$(…)`, a leading dash — comes back exactly.
 */
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { ConsoleError } from '../../../shared';
import { ProgramNotFoundError, type ProcessRunner } from '../exec/process';
import { classifyExit, stripAnsi } from '../restic/exit-codes';
import { LsNodeJsonSchema, messageTypeOf, toLsNode } from '../restic/messages';
import { failureError, runRestic } from '../restic/runner';
import type { ResticTarget } from '../restic/restic';
import { Restic } from '../restic/restic';

/** Same neutralized variables as the driver (restic.ts): the console's own environment must not redirect restic. */
const NEUTRALIZED_ENV = [
  'RESTIC_PASSWORD_FILE',
  'RESTIC_PASSWORD_COMMAND',
  'RESTIC_REPOSITORY_FILE',
  'RESTIC_HOST',
];

/** --include patterns per restic run: well under any host's argv limit. */
const MAX_INCLUDE_CHARS = 96 * 1024;

/** The hash listing of a sample of at most 10 000 files fits easily; this bounds a runaway. */
const MAX_HASH_OUTPUT = 32 * 1024 * 1024;

/**
 * restic matches --include with Go's filepath.Match per path component:
 * `*`, `?`, `[` and `\` are special. Escaped, the pattern names exactly
 * one path (checked against 0.14 and the newest release).
 */
export function includePattern(path: string): string {
  return path.replace(/[\\*?[]/g, (c) => `\\${c}`);
}

/** The `--include` batches for a sample (several restores when the argv would grow too long). */
export function includeBatches(paths: readonly string[], maxChars = MAX_INCLUDE_CHARS): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const p of paths) {
    const arg = `--include=${includePattern(p)}`;
    if (current.length > 0 && size + arg.length > maxChars) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(arg);
    size += arg.length + 1;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export class DrillRestic {
  readonly restic: Restic;

  constructor(readonly target: ResticTarget) {
    this.restic = new Restic(target);
  }

  private env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of NEUTRALIZED_ENV) env[name] = '';
    return { ...env, ...this.target.env, RESTIC_REPOSITORY: this.target.repository };
  }

  private secretEnv(): Record<string, string> {
    return { ...this.target.secretEnv, RESTIC_PASSWORD: this.target.password };
  }

  commandLine(args: string[]): string {
    return this.restic.commandLine(args);
  }

  /** `ls --json <snapshot>`: every regular file, streamed (a snapshot of a million files costs no memory here). */
  async listFiles(
    snapshotId: string,
    onFile: (file: { path: string; size: number }) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const args = ['ls', '--json', '--', snapshotId];
    const display = this.commandLine(args);
    let sawSnapshot = false;
    let bad = 0;
    const result = await runRestic({
      runner: this.target.runner,
      argv: [this.target.binary, ...args],
      env: this.env(),
      secretEnv: this.secretEnv(),
      signal,
      display,
      maxBackendRetries: 3,
      onStdout: (ev) => {
        if (ev.kind !== 'json') {
          if (ev.kind !== 'text') bad += 1;
          return;
        }
        const type = messageTypeOf(ev.value);
        if (type === 'snapshot') {
          sawSnapshot = true;
          return;
        }
        if (type !== undefined && type !== 'node') return;
        const parsed = LsNodeJsonSchema.safeParse(ev.value);
        if (!parsed.success) {
          bad += 1;
          return;
        }
        const node = toLsNode(parsed.data);
        if (node.type === 'file') onFile({ path: node.path, size: node.size ?? 0 });
      },
    });
    if (result.failure) throw failureError(result, display);
    if (!sawSnapshot || bad > 0)
      throw new ConsoleError(
        'RESTIC_OUTPUT_INVALID',
        'restic ls printed a listing the console could not use.',
        {
          command: display,
          badLines: bad,
        },
      );
  }

  /**
   * `restore <snapshot> --target=<dir> --include=…` for the sample.
   * Resolves with restic's per-file complaints ("ignoring error for …");
   * a failed run is not thrown when restic got as far as restoring: the
   * drill reports what is missing or wrong, file by file.
   */
  async restore(
    snapshotId: string,
    dir: string,
    includes: string[],
    signal: AbortSignal,
  ): Promise<{ command: string; fileErrors: Map<string, string>; failure?: string }> {
    const args = ['restore', snapshotId, `--target=${dir}`, ...includes];
    const display = this.commandLine(args);
    const fileErrors = new Map<string, string>();
    const result = await runRestic({
      runner: this.target.runner,
      argv: [this.target.binary, ...args],
      env: this.env(),
      secretEnv: this.secretEnv(),
      signal,
      display,
      onStderr: (ev) => {
        if (ev.kind === 'json') {
          // 0.17+ may print errors as JSON lines ({message_type: "error", item, error.message}).
          const v = ev.value as { message_type?: unknown; item?: unknown; error?: { message?: unknown } };
          if (v.message_type === 'error' && typeof v.item === 'string')
            fileErrors.set(v.item, String(v.error?.message ?? 'error'));
          return;
        }
        if (ev.kind !== 'text') return;
        const m = /^ignoring error for (.*?): (.*)$/.exec(stripAnsi(ev.text));
        if (m && fileErrors.size < 10_000) fileErrors.set(m[1] as string, m[2] as string);
      },
    });
    if (result.failure?.code === 'CANCELLED') throw failureError(result, display);
    if (result.failure) {
      // Errors restic could tell file by file leave the drill to report them; anything else stops it.
      const err = failureError(result, display);
      if (fileErrors.size === 0) throw err;
      return { command: display, fileErrors, failure: err.message };
    }
    return { command: display, fileErrors };
  }

  /** `dump <snapshot> <path>` hashed as it streams through the console: the snapshot's own bytes. */
  async dumpHash(
    snapshotId: string,
    path: string,
    signal: AbortSignal,
  ): Promise<{ sha256: string; bytes: number }> {
    const args = ['dump', '--', snapshotId, path];
    const display = this.commandLine(args);
    if (signal.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
    let proc;
    try {
      proc = this.target.runner.start({
        argv: [this.target.binary, ...args],
        env: this.env(),
        secretEnv: this.secretEnv(),
        signal,
      });
    } catch (error) {
      if (error instanceof ProgramNotFoundError)
        throw new ConsoleError('RESTIC_MISSING', `restic was not found on ${this.target.runner.target}.`);
      throw error;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    proc.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    const decoder = new StringDecoder('utf8');
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 16 * 1024) stderr += decoder.write(chunk);
    });
    const exit = await proc.exit;
    const failure = classifyExit({ code: exit.code, signal: exit.signal, stderr, aborted: signal.aborted });
    if (failure) {
      if (failure.code === 'CANCELLED')
        throw new ConsoleError('CANCELLED', 'Cancelled.', { command: display });
      throw new ConsoleError(failure.code, failure.message, {
        command: display,
        stderr: stderr.slice(-2048),
      });
    }
    return { sha256: hash.digest('hex'), bytes };
  }
}

// ---------------------------------------------------------------- host shell

interface ShellResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

async function runShell(
  runner: ProcessRunner,
  argv: string[],
  signal: AbortSignal,
  maxStdout = 64 * 1024,
): Promise<ShellResult> {
  if (signal.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
  let proc;
  try {
    proc = runner.start({ argv, signal });
  } catch (error) {
    if (error instanceof ProgramNotFoundError)
      throw new ConsoleError('NOT_FOUND', `${argv[0]}: program not found`);
    throw error;
  }
  const out: Buffer[] = [];
  let outLen = 0;
  let overflow = false;
  proc.stdout.on('data', (c: Buffer) => {
    outLen += c.length;
    if (outLen > maxStdout) overflow = true;
    else out.push(c);
  });
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 8192) stderr += c.toString('utf8');
  });
  const exit = await proc.exit;
  if (signal.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
  if (overflow) throw new ConsoleError('INTERNAL', `${argv[0]} printed more than ${maxStdout} bytes.`);
  return { code: exit.code, stdout: Buffer.concat(out), stderr: stderr.trim() };
}

/** Creates `dir` (owner-only) under `parent`, making `parent` when needed; an existing `dir` is refused. */
export async function makeScratch(
  runner: ProcessRunner,
  parent: string,
  dir: string,
  signal: AbortSignal,
  hostName: string = runner.target,
): Promise<void> {
  const r = await runShell(
    runner,
    ['sh', '-c', 'umask 077 && mkdir -p -- "$1" && mkdir -- "$2"', 'rfc-drill', parent, dir],
    signal,
  );
  if (r.code !== 0)
    throw new ConsoleError(
      'TARGET_NOT_WRITABLE',
      `The scratch folder ${dir} could not be made on ${hostName}: ${r.stderr.split('\n').pop() || `exit ${r.code}`}.`,
      { dir },
    );
}

/**
 * sha256 of every regular file under `dir`, on the host: `path → hex`,
 * paths relative to `dir` with a leading "/" (the snapshot path the
 * restore recreated). A file the host could not read maps to undefined.
 */
const HASH_EACH = `for f do if h=$(sha256sum < "$f"); then printf '%s\\0%s\\0' "\${h%% *}" "$f"; else printf '!\\0%s\\0' "$f"; fi; done`;

export async function hashTree(
  runner: ProcessRunner,
  dir: string,
  signal: AbortSignal,
  hostName: string = runner.target,
): Promise<Map<string, string | undefined>> {
  const r = await runShell(
    runner,
    [
      'sh',
      '-c',
      'cd -- "$1" && exec find . -type f -exec sh -c "$2" rfc-hash {} +',
      'rfc-drill',
      dir,
      HASH_EACH,
    ],
    signal,
    MAX_HASH_OUTPUT,
  );
  if (r.code !== 0)
    throw new ConsoleError(
      'RESTIC_FAILED',
      `Hashing the restored files on ${hostName} failed: ${r.stderr.split('\n').pop() || `exit ${r.code}`}.`,
    );
  return parseHashListing(r.stdout);
}

/** "hex\0./path\0…" → map of "/path" → hex ("!" = unreadable → undefined). */
export function parseHashListing(out: Buffer): Map<string, string | undefined> {
  const fields = out.toString('utf8').split('\0');
  const map = new Map<string, string | undefined>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const hex = fields[i] as string;
    const rel = fields[i + 1] as string;
    const path = rel.startsWith('./') ? rel.slice(1) : `/${rel}`;
    map.set(path, /^[0-9a-f]{64}$/.test(hex) ? hex : undefined);
  }
  return map;
}

/**
 * Removes the scratch folder. restic restores folders with their modes
 * (a read-only folder cannot be emptied), so it is made writable first.
 * Resolves with why it could not be removed, or undefined when it is gone.
 */
export async function removeScratch(
  runner: ProcessRunner,
  dir: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const r = await runShell(
    runner,
    [
      'sh',
      '-c',
      'chmod -R u+rwx -- "$1" 2>/dev/null; rm -rf -- "$1"; if [ -e "$1" ]; then echo "still there" >&2; exit 1; fi',
      'rfc-drill',
      dir,
    ],
    signal,
  );
  return r.code === 0 ? undefined : r.stderr.split('\n').pop() || `exit ${r.code}`;
}
