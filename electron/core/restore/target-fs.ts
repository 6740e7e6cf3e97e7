/**
 * What the restore needs to know about (and do to) the target's file
 * system, through the target host's ProcessRunner: a listing with sizes and
 * mtimes, which paths exist, how many bytes are there (0.14's progress),
 * whether a folder is writable, and removing paths an undo must take away.
 *
 * Every path is an argv element (never spliced into a shell line) and
 * every listing is NUL-separated, so quotes, `$(…)`, newlines and a
 * leading "-" in names are data. Targets are Linux hosts with GNU find/du.
 */
import { ConsoleError } from '../../../shared';
import { ProgramNotFoundError, type ProcessRunner } from '../exec/process';

export interface TargetEntry {
  /** f file, d dir, l symlink, others as find's %y prints them. */
  type: string;
  size: number;
  /** Seconds since the epoch (fraction dropped). */
  mtime: number;
}

interface RawResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs argv, collecting stdout as bytes (bounded) and the tail of stderr. */
async function runRaw(runner: ProcessRunner, argv: string[], signal?: AbortSignal, maxBytes = 512 * 1024 * 1024): Promise<RawResult> {
  if (signal?.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
  let proc;
  try {
    proc = runner.start({ argv, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (error instanceof ProgramNotFoundError) throw new ConsoleError('UNSUPPORTED', `${argv[0]} is not available on the target host.`);
    throw error;
  }
  const out: Buffer[] = [];
  let outLen = 0;
  let err = '';
  proc.stdout.on('data', (c: Buffer) => {
    outLen += c.length;
    if (outLen <= maxBytes) out.push(c);
  });
  proc.stderr.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-16_384);
  });
  let exit;
  try {
    exit = await proc.exit;
  } catch (error) {
    if (error instanceof ProgramNotFoundError) throw new ConsoleError('UNSUPPORTED', `${argv[0]} is not available on the target host.`);
    throw error;
  }
  if (signal?.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
  if (outLen > maxBytes) throw new ConsoleError('UNSUPPORTED', `The listing of the target is larger than ${maxBytes} bytes.`);
  return { code: exit.code, signal: exit.signal, stdout: Buffer.concat(out), stderr: err };
}

/** "f\t12\t1732170000.5\t/path\0…" → entries by path. Paths may hold tabs and newlines (they end at NUL). */
export function parseFindListing(buf: Buffer): Map<string, TargetEntry> {
  const entries = new Map<string, TargetEntry>();
  let start = 0;
  for (;;) {
    const end = buf.indexOf(0, start);
    if (end < 0) break;
    const rec = buf.subarray(start, end).toString('utf8');
    start = end + 1;
    const t1 = rec.indexOf('\t');
    const t2 = rec.indexOf('\t', t1 + 1);
    const t3 = rec.indexOf('\t', t2 + 1);
    if (t1 < 0 || t2 < 0 || t3 < 0) continue;
    const path = rec.slice(t3 + 1);
    entries.set(path, {
      type: rec.slice(0, t1),
      size: Number(rec.slice(t1 + 1, t2)) || 0,
      mtime: Math.floor(Number(rec.slice(t2 + 1, t3)) || 0),
    });
  }
  return entries;
}

const FIND_FORMAT = '%y\\t%s\\t%T@\\t%p\\0';

/**
 * Everything under `roots` on the target (roots included when they
 * exist). Missing roots are simply absent; other find errors (unreadable
 * folders) leave those parts out, as find does.
 */
export async function listTarget(runner: ProcessRunner, roots: readonly string[], signal?: AbortSignal): Promise<Map<string, TargetEntry>> {
  if (roots.length === 0) return new Map();
  assertAbsolute(roots);
  const r = await runRaw(runner, ['find', ...roots, '-printf', FIND_FORMAT], signal);
  if (r.code !== 0 && r.code !== 1) throw listingError(r);
  return parseFindListing(r.stdout);
}

/** Which of `paths` exist on the target (a symlink counts, even a dangling one). */
export async function existingPaths(runner: ProcessRunner, paths: readonly string[], signal?: AbortSignal): Promise<Map<string, TargetEntry>> {
  if (paths.length === 0) return new Map();
  assertAbsolute(paths);
  const found = new Map<string, TargetEntry>();
  for (const batch of batches(paths, 500)) {
    const r = await runRaw(runner, ['find', ...batch, '-maxdepth', '0', '-printf', FIND_FORMAT], signal);
    if (r.code !== 0 && r.code !== 1) throw listingError(r);
    for (const [p, e] of parseFindListing(r.stdout)) found.set(p, e);
  }
  return found;
}

/** Apparent bytes under `roots` (du -scb); missing roots count 0. */
export async function bytesUnder(runner: ProcessRunner, roots: readonly string[], signal?: AbortSignal): Promise<number> {
  if (roots.length === 0) return 0;
  assertAbsolute(roots);
  const r = await runRaw(runner, ['du', '-scb', '--', ...roots], signal, 1024 * 1024);
  const text = r.stdout.toString('utf8').trimEnd();
  const last = text.slice(text.lastIndexOf('\n') + 1);
  const m = /^(\d+)\ttotal$/.exec(last);
  if (!m) throw listingError(r);
  return Number(m[1]);
}

/**
 * Makes sure `dir` exists (mkdir -p) and a file can be created in it;
 * TARGET_NOT_WRITABLE with the host's own words otherwise.
 */
export async function ensureWritableDir(runner: ProcessRunner, dir: string, signal?: AbortSignal): Promise<void> {
  assertAbsolute([dir]);
  const script = 'mkdir -p -- "$1" && f="$1/.rfc-write-probe-$$" && : > "$f" && rm -f -- "$f"';
  const r = await runRaw(runner, ['sh', '-c', script, 'rfc-probe', dir], signal, 4096);
  if (r.code !== 0) {
    throw new ConsoleError('TARGET_NOT_WRITABLE', `The target folder ${dir} cannot be written: ${r.stderr.trim() || `exit ${r.code}`}`, {
      path: dir,
    });
  }
}

/** rm -rf each path (they are whole trees the undo takes back). Returns paths that are still there. */
export async function removePaths(runner: ProcessRunner, paths: readonly string[], signal?: AbortSignal): Promise<string[]> {
  assertAbsolute(paths);
  for (const p of paths) {
    // Callers pass only paths a restore created (absent before it); "/" never is one.
    if (p.split('/').filter(Boolean).length === 0)
      throw new ConsoleError('BAD_REQUEST', `Refusing to remove ${JSON.stringify(p)}.`);
  }
  for (const batch of batches(paths, 200)) await runRaw(runner, ['rm', '-rf', '--', ...batch], signal, 4096);
  const left = await existingPaths(runner, paths, signal);
  return [...left.keys()];
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function assertAbsolute(paths: readonly string[]): void {
  for (const p of paths) {
    if (!p.startsWith('/') || p.includes('\0')) throw new ConsoleError('BAD_REQUEST', `Not an absolute path: ${JSON.stringify(p)}.`);
  }
}

function listingError(r: RawResult): ConsoleError {
  const said = r.stderr.trim().slice(0, 500);
  // BusyBox find has no -printf: the host needs GNU findutils for a listing with sizes and times.
  const why = /printf|unknown predicate|unrecognized/i.test(said) ? ' (the host needs GNU find and du)' : '';
  return new ConsoleError('UNSUPPORTED', `Could not list the target${why}: exit ${r.code ?? r.signal}: ${said}`);
}
