/**
 * Small commands on a host (uname, a pid probe) through its ProcessRunner,
 * and per-command deadlines, for the daily check.
 */
import { ConsoleError } from '../../../shared';
import { ProgramNotFoundError, type ProcessRunner } from '../exec/process';

export interface CommandResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 64 * 1024;

/** Runs argv to completion, keeping at most 64 KiB of each stream. Rejects on cancel or when the program is missing. */
export async function runCommand(
  runner: ProcessRunner,
  argv: string[],
  signal?: AbortSignal,
): Promise<CommandResult> {
  if (signal?.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
  let proc;
  try {
    proc = runner.start({ argv, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (error instanceof ProgramNotFoundError)
      throw new ConsoleError('NOT_FOUND', `${argv[0]}: program not found`);
    throw error;
  }
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outLen = 0;
  let errLen = 0;
  proc.stdout.on('data', (c: Buffer) => {
    if (outLen < MAX_OUTPUT) out.push(c);
    outLen += c.length;
  });
  proc.stderr.on('data', (c: Buffer) => {
    if (errLen < MAX_OUTPUT) err.push(c);
    errLen += c.length;
  });
  let exit;
  try {
    exit = await proc.exit;
  } catch (error) {
    if (error instanceof ProgramNotFoundError)
      throw new ConsoleError('NOT_FOUND', `${argv[0]}: program not found`);
    throw error;
  }
  if (signal?.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
  return {
    code: exit.code,
    signal: exit.signal,
    stdout: Buffer.concat(out).toString('utf8').slice(0, MAX_OUTPUT),
    stderr: Buffer.concat(err).toString('utf8').slice(0, MAX_OUTPUT),
  };
}

/**
 * A signal that fires when `parent` does or after `ms`. `timedOut()` tells
 * the two apart, so a hung command becomes "timed out", not "cancelled".
 */
export function deadline(
  parent: AbortSignal,
  ms: number,
): { signal: AbortSignal; timedOut(): boolean; clear(): void } {
  const controller = new AbortController();
  let fired = false;
  const onParent = (): void => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onParent, { once: true });
  const timer = setTimeout(() => {
    fired = true;
    controller.abort(new ConsoleError('TIMEOUT', `No answer within ${Math.round(ms / 1000)} s.`));
  }, ms);
  timer.unref?.();
  return {
    signal: controller.signal,
    timedOut: () => fired && !parent.aborted,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}

/** Runs `work` with a deadline; a timeout becomes a TIMEOUT ConsoleError, a cancel stays CANCELLED. */
export async function withDeadline<T>(
  parent: AbortSignal,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const d = deadline(parent, ms);
  try {
    return await work(d.signal);
  } catch (error) {
    if (d.timedOut()) throw new ConsoleError('TIMEOUT', `timed out after ${Math.round(ms / 1000)} s`);
    if (parent.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
    throw error;
  } finally {
    d.clear();
  }
}
