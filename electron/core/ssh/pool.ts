/**
 * The SSH connection pool: one connection per managed host, reused by
 * every command; handshakes bounded per sshd endpoint (OpenSSH's
 * MaxStartups) and fleet-wide (the fan-out); commands bounded fleet-wide.
 */
import { Semaphore, type Release } from './limiter';
import {
  configSignature,
  DEFAULT_SSH_LIMITS,
  scanHostKey,
  SshConnection,
  type HandshakeSlots,
  type SshHostConfig,
  type SshLimits,
} from './connection';
import type { OfferedHostKey, SshWhere } from './errors';

export interface SshPoolOptions {
  limits?: Partial<SshLimits>;
  log?: (message: string) => void;
}

export class SshPool {
  readonly limits: SshLimits;
  private readonly connections = new Map<string, SshConnection>();
  private readonly endpointSlots = new Map<string, Semaphore>();
  private readonly fleetHandshakes: Semaphore;
  readonly commandSlots: Semaphore;
  private readonly log: (message: string) => void;
  private readonly slots: HandshakeSlots;

  constructor(options: SshPoolOptions = {}) {
    this.limits = { ...DEFAULT_SSH_LIMITS, ...options.limits };
    this.log = options.log ?? (() => undefined);
    this.fleetHandshakes = new Semaphore(this.limits.fanOut);
    this.commandSlots = new Semaphore(this.limits.maxCommands);
    this.slots = {
      acquire: async (endpoint: string): Promise<Release> => {
        let perEndpoint = this.endpointSlots.get(endpoint);
        if (!perEndpoint) {
          perEndpoint = new Semaphore(this.limits.handshakesPerEndpoint);
          this.endpointSlots.set(endpoint, perEndpoint);
        }
        const releaseEndpoint = await perEndpoint.acquire();
        let releaseFleet: Release;
        try {
          releaseFleet = await this.fleetHandshakes.acquire();
        } catch (err) {
          releaseEndpoint();
          throw err;
        }
        return () => {
          releaseFleet();
          releaseEndpoint();
        };
      },
    };
  }

  /**
   * The connection for a host with these settings. When the settings
   * changed (address, user, key, pinned host key), the old connection is
   * retired: its running commands finish, new ones use the new settings.
   */
  connection(config: SshHostConfig): SshConnection {
    const existing = this.connections.get(config.hostId);
    if (existing) {
      if (existing.signature === configSignature(config)) return existing;
      existing.retire();
    }
    const conn = new SshConnection(config, {
      limits: this.limits,
      slots: this.slots,
      commandSlots: this.commandSlots,
      log: this.log,
    });
    this.connections.set(config.hostId, conn);
    return conn;
  }

  /** The pooled connection of a host, if any. */
  existing(hostId: string): SshConnection | undefined {
    return this.connections.get(hostId);
  }

  /** Fetches the host key a server offers (no authentication), under the same handshake bounds. */
  scan(where: SshWhere, pinnedPublicKey?: string): Promise<OfferedHostKey> {
    return scanHostKey(
      { ...where, ...(pinnedPublicKey ? { pinnedPublicKey } : {}) },
      this.limits,
      this.slots,
    );
  }

  /** Forgets a host's connection (after its key or settings changed, or it was removed). */
  drop(hostId: string): void {
    const conn = this.connections.get(hostId);
    if (!conn) return;
    this.connections.delete(hostId);
    conn.retire();
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
