/**
 * Remote processes whose SSH connection was lost while they ran. Closing
 * or losing a channel does not stop the remote process, so the console
 * remembers its pid (the prelude printed it) and checks later, when the
 * host is reachable again, whether it is still running: "restic left
 * running on web-1 (pid 4711)".
 */
import type { ErrorBody } from '../../../shared';
import { ConsoleError } from '../../../shared';
import type { ProcessRunner } from '../exec/process';

export interface LeftoverProcess {
  hostId: string;
  hostName: string;
  pid: number;
  /** argv[0] as run, e.g. "restic" or "/usr/bin/restic". */
  program: string;
  /** Short description for messages: "restic backup". */
  command: string;
  /** ISO time the connection was lost. */
  lostAt: string;
}

export interface LeftoverCheck extends LeftoverProcess {
  /** running: still there; gone: finished (or the pid now belongs to another program); unknown: host not reachable. */
  state: 'running' | 'gone' | 'unknown';
  /** In words. */
  message: string;
  error?: ErrorBody;
}

export class LeftoverRegistry {
  private readonly items = new Map<string, LeftoverProcess>();

  record(item: LeftoverProcess): void {
    this.items.set(`${item.hostId}\0${item.pid}`, item);
  }

  list(hostId?: string): LeftoverProcess[] {
    return [...this.items.values()].filter((i) => hostId === undefined || i.hostId === hostId);
  }

  remove(hostId: string, pid: number): void {
    this.items.delete(`${hostId}\0${pid}`);
  }
}

export function programName(program: string): string {
  return program.split('/').filter(Boolean).pop() ?? program;
}

/** What the remote check prints: "running" + the process's argv (NULs as spaces), or "gone". */
const CHECK_SCRIPT =
  'if kill -0 "$1" 2>/dev/null; then echo running; tr "\\000" "\\n" < "/proc/$1/cmdline" 2>/dev/null; else echo gone; fi';

async function collect(
  runner: ProcessRunner,
  argv: string[],
): Promise<{ code: number | null; stdout: string }> {
  const proc = runner.start({ argv });
  let stdout = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  proc.stderr.resume();
  const exit = await proc.exit;
  return { code: exit.code, stdout };
}

/** Checks one leftover through a runner for its host. */
export async function checkLeftover(runner: ProcessRunner, item: LeftoverProcess): Promise<LeftoverCheck> {
  const name = programName(item.program);
  try {
    const { stdout } = await collect(runner, ['sh', '-c', CHECK_SCRIPT, 'rfc-leftover', String(item.pid)]);
    const lines = stdout.split('\n');
    if (lines[0] === 'running') {
      const argv0 = lines[1];
      // The pid may have been reused by an unrelated program since.
      if (argv0 !== undefined && argv0 !== '' && programName(argv0) !== name) {
        return {
          ...item,
          state: 'gone',
          message: `${name} (pid ${item.pid}) on ${item.hostName} has finished; the pid now belongs to ${programName(argv0)}.`,
        };
      }
      return {
        ...item,
        state: 'running',
        message: `${name} left running on ${item.hostName} (pid ${item.pid}) since the connection was lost at ${item.lostAt}.`,
      };
    }
    return {
      ...item,
      state: 'gone',
      message: `${name} (pid ${item.pid}) on ${item.hostName} is no longer running.`,
    };
  } catch (error) {
    const body: ErrorBody =
      error instanceof ConsoleError
        ? error.toBody()
        : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    return {
      ...item,
      state: 'unknown',
      message: `Could not check whether ${name} (pid ${item.pid}) is still running on ${item.hostName}: ${body.message}`,
      error: body,
    };
  }
}
