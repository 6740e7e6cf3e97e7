/**
 * The console's RunnerRegistry: "this machine" runs locally, every managed
 * host over its pooled SSH connection, built from the inventory (address,
 * port, user, pinned host key) and the secret store (private key and its
 * passphrase; or ssh-agent via SSH_AUTH_SOCK).
 */
import { ConsoleError } from '../../../shared';
import { LocalRunner } from '../exec/local-runner';
import type { ProcessRunner } from '../exec/process';
import type { RunnerRegistry } from '../exec/runners';
import { SshRunner } from '../exec/ssh-runner';
import { LOCAL_HOST_ID } from '../inventory/inventory';
import { secretNames, type SecretStore } from '../secrets/secret-store';
import type { HostRecord } from '../store/hosts';
import type { Store } from '../store/store';
import type { SshHostConfig, SshLimits } from './connection';
import type { OfferedHostKey, SshWhere } from './errors';
import { checkLeftover, LeftoverRegistry, type LeftoverCheck, type LeftoverProcess } from './leftovers';
import { SshPool } from './pool';

export interface FleetRunnersOptions {
  store: Pick<Store, 'hosts'>;
  secrets: SecretStore;
  log?: (message: string) => void;
  /** Pool bounds; see DEFAULT_SSH_LIMITS. */
  limits?: Partial<SshLimits>;
  /** ssh-agent socket for hosts with authKind 'agent'; default process.env.SSH_AUTH_SOCK. */
  agentSocket?: string;
}

/** A host key a server offers, compared with the pin. */
export interface HostKeyScanResult extends OfferedHostKey {
  pinned: string | null;
  status: 'unknown' | 'match' | 'changed';
}

export class FleetRunners implements RunnerRegistry {
  readonly local = new LocalRunner();
  readonly pool: SshPool;
  readonly leftovers = new LeftoverRegistry();
  private readonly store: Pick<Store, 'hosts'>;
  private readonly secrets: SecretStore;
  private readonly agentSocket: string | undefined;

  constructor(options: FleetRunnersOptions) {
    this.store = options.store;
    this.secrets = options.secrets;
    this.agentSocket = options.agentSocket ?? process.env.SSH_AUTH_SOCK;
    this.pool = new SshPool({
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }

  private async sshHost(
    hostId: string,
  ): Promise<HostRecord & { address: string; port: number; user: string }> {
    const record = await this.store.hosts.get(hostId); // NOT_FOUND for an unknown id
    if (record.kind !== 'ssh' || !record.address || !record.user) {
      throw new ConsoleError('CONFLICT', `Host "${record.name}" is not reached over SSH.`, { host: hostId });
    }
    return { ...record, address: record.address, port: record.port ?? 22, user: record.user };
  }

  /** Where a managed host is reached (address, port, user), from the inventory. */
  async where(hostId: string): Promise<SshWhere> {
    return FleetRunners.whereOf(await this.sshHost(hostId));
  }

  private static whereOf(record: HostRecord & { address: string; port: number; user: string }): SshWhere {
    return {
      hostId: record.id,
      hostName: record.name,
      address: record.address,
      port: record.port,
      user: record.user,
    };
  }

  /** Everything needed to connect to a host, read fresh from the store and the secret store. */
  async hostConfig(hostId: string): Promise<SshHostConfig> {
    const record = await this.sshHost(hostId);
    const where = FleetRunners.whereOf(record);
    let auth: SshHostConfig['auth'];
    if (record.authKind === 'agent') {
      auth = { kind: 'agent', socket: this.agentSocket };
    } else {
      const privateKey = await this.secrets.get(secretNames.hostPrivateKey(hostId));
      if (!privateKey) {
        throw new ConsoleError(
          'HOST_AUTH_FAILED',
          `No private key is stored for ${record.name}: paste or generate one (or switch the host to ssh-agent).`,
          { host: hostId, reason: 'no-key' },
        );
      }
      const passphrase = await this.secrets.get(secretNames.hostKeyPassphrase(hostId));
      auth = { kind: 'key', privateKey, ...(passphrase !== undefined ? { passphrase } : {}) };
    }
    return {
      ...where,
      auth,
      pinnedFingerprint: record.hostKey?.fingerprint,
      pinnedPublicKey: record.hostKey?.publicKey,
    };
  }

  /**
   * The runner for a host, connected: the host key matched the pin and the
   * login worked. Rejects with NOT_FOUND, HOST_KEY_UNKNOWN,
   * HOST_KEY_CHANGED, HOST_AUTH_FAILED or HOST_UNREACHABLE.
   */
  async runnerFor(hostId: string): Promise<SshRunner | LocalRunner> {
    if (hostId === LOCAL_HOST_ID) return this.local;
    const config = await this.hostConfig(hostId);
    const runner = new SshRunner(this.pool.connection(config), { leftovers: this.leftovers });
    await runner.connect();
    return runner;
  }

  /** The SSH runner of a managed host (not "this machine"). */
  async sshRunnerFor(hostId: string): Promise<SshRunner> {
    if (hostId === LOCAL_HOST_ID) throw new ConsoleError('CONFLICT', 'This machine is not reached over SSH.');
    return (await this.runnerFor(hostId)) as SshRunner;
  }

  /**
   * The host key the server offers now, compared with the pin. Needs no
   * credentials: the connection stops right after the key exchange.
   */
  async scanKey(hostId: string): Promise<HostKeyScanResult> {
    const record = await this.sshHost(hostId);
    const offered = await this.pool.scan(FleetRunners.whereOf(record), record.hostKey?.publicKey);
    const pinned = record.hostKey?.fingerprint ?? null;
    const status = pinned === null ? 'unknown' : pinned === offered.fingerprint ? 'match' : 'changed';
    return { ...offered, pinned, status };
  }

  /** Forgets a host's pooled connection (its key, address or credentials changed, or it was removed). */
  forget(hostId: string): void {
    this.pool.drop(hostId);
  }

  /** Processes cut off by a lost connection, not checked yet. */
  leftoverProcesses(hostId?: string): LeftoverProcess[] {
    return this.leftovers.list(hostId);
  }

  /**
   * Checks the hosts of recorded leftovers (or one host): still running,
   * gone (forgotten from then on), or unknown (host not reachable).
   */
  async checkLeftovers(hostId?: string): Promise<LeftoverCheck[]> {
    const items = this.leftovers.list(hostId);
    const byHost = new Map<string, LeftoverProcess[]>();
    for (const item of items) byHost.set(item.hostId, [...(byHost.get(item.hostId) ?? []), item]);
    const perHost = await Promise.all(
      [...byHost.entries()].map(async ([id, list]) => {
        let runner: ProcessRunner;
        try {
          runner = await this.runnerFor(id);
        } catch (error) {
          const body =
            error instanceof ConsoleError
              ? error.toBody()
              : {
                  code: 'INTERNAL' as const,
                  message: error instanceof Error ? error.message : String(error),
                };
          return list.map<LeftoverCheck>((item) => ({
            ...item,
            state: 'unknown',
            message: `Could not check whether ${item.command || item.program} (pid ${item.pid}) is still running on ${item.hostName}: ${body.message}`,
            error: body,
          }));
        }
        const results: LeftoverCheck[] = [];
        for (const item of list) {
          const result = await checkLeftover(runner, item);
          if (result.state === 'gone') this.leftovers.remove(item.hostId, item.pid);
          results.push(result);
        }
        return results;
      }),
    );
    return perHost.flat();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
