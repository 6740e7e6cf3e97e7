/** ProcessRunner for "this machine": child_process.spawn without a shell. */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { ProgramNotFoundError, type ProcessExit, type ProcessRunner, type ProcessSpec, type RunningProcess } from './process';

const DEFAULT_GRACE_MS = 5_000;

export class LocalRunner implements ProcessRunner {
  readonly target = 'local';

  start(spec: ProcessSpec): RunningProcess {
    const [program, ...args] = spec.argv;
    if (!program) throw new Error('empty argv');
    const child = spawn(program, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, ...spec.secretEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });

    // Streams handed out even if spawn fails, so callers can always consume them.
    const stdout = child.stdout ?? new PassThrough();
    const stderr = child.stderr ?? new PassThrough();

    const exit = new Promise<ProcessExit>((resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'EACCES') reject(new ProgramNotFoundError(program));
        else reject(err);
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    // Avoid an unhandled rejection when the caller only awaits via cancel().
    exit.catch(() => undefined);

    const cancel = async (graceMs = DEFAULT_GRACE_MS): Promise<ProcessExit> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          return await exit;
        } finally {
          clearTimeout(timer);
        }
      }
      return exit;
    };

    if (spec.signal) {
      if (spec.signal.aborted) void cancel();
      else spec.signal.addEventListener('abort', () => void cancel(), { once: true });
    }

    return { stdout, stderr, exit, cancel };
  }
}
