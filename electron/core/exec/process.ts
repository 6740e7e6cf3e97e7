/**
 * One interface for running a program on "this machine" (local exec) or on
 * a managed host (SSH). The restic driver only sees this interface.
 */
import type { Readable } from 'node:stream';

export interface ProcessSpec {
  /** argv[0] is the program; every argument is passed as-is, never through a shell. */
  argv: string[];
  /** Non-secret environment added to the child's. */
  env?: Record<string, string>;
  /**
   * Secret environment (RESTIC_PASSWORD, AWS_SECRET_ACCESS_KEY, …). Local
   * exec puts it in the child's environment; SSH sends it on stdin to a
   * prelude. It never reaches an argv, an SSH env request or a log.
   */
  secretEnv?: Record<string, string>;
  cwd?: string;
  /** Aborting it cancels the process (SIGINT first, then SIGKILL after a grace period). */
  signal?: AbortSignal;
}

export interface ProcessExit {
  /** null when the process was ended by a signal. */
  code: number | null;
  signal: string | null;
}

export interface RunningProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles when the process has exited and both streams have ended. */
  readonly exit: Promise<ProcessExit>;
  /** SIGINT, then SIGKILL if it has not exited within the grace period. Resolves on exit. */
  cancel(graceMs?: number): Promise<ProcessExit>;
}

export interface ProcessRunner {
  /** 'local' or the host id; for messages and logs. */
  readonly target: string;
  start(spec: ProcessSpec): RunningProcess;
}

/** Thrown synchronously-or-async by runners when argv[0] cannot be executed at all. */
export class ProgramNotFoundError extends Error {
  constructor(readonly program: string) {
    super(`${program}: program not found`);
    this.name = 'ProgramNotFoundError';
  }
}
