/**
 * Which ProcessRunner runs commands for a host: local exec for "this
 * machine", SSH (pooled, pinned host key) for managed hosts.
 */
import { ConsoleError } from '../../../shared';
import { LOCAL_HOST_ID } from '../inventory/inventory';
import { LocalRunner } from './local-runner';
import type { LeftoverCheck } from '../ssh/leftovers';
import type { ProcessRunner } from './process';

export interface RunnerRegistry {
  /** The runner for a host; rejects with a typed error (HOST_KEY_UNKNOWN, NOT_FOUND, …) when it cannot run there. */
  runnerFor(hostId: string): Promise<ProcessRunner>;
  /** Closes pooled connections. */
  close(): Promise<void>;
  /** Programs left running on a host after the connection to it was lost (SSH only). */
  checkLeftovers?(hostId: string): Promise<LeftoverCheck[]>;
}

/** Only "this machine": what the console can do before any SSH host is configured. */
export class LocalRunners implements RunnerRegistry {
  readonly local = new LocalRunner();

  async runnerFor(hostId: string): Promise<ProcessRunner> {
    if (hostId === LOCAL_HOST_ID) return this.local;
    throw new ConsoleError('NOT_FOUND', `Host "${hostId}" cannot run commands: SSH hosts are not available in this build.`);
  }

  async close(): Promise<void> {}
}
