/**
 * One SSH connection to one managed host (an ssh2 Client), shared by every
 * command run there:
 *
 * - the host key is checked on every handshake (`hostVerifier` is always
 *   set): nothing pinned → HOST_KEY_UNKNOWN, a different key →
 *   HOST_KEY_CHANGED, and in both cases no authentication is attempted and
 *   nothing runs;
 * - keepalive is on, so a dead peer is noticed;
 * - handshakes take a slot from the pool (few per sshd endpoint, bounded
 *   fleet-wide) and are retried with jitter when the server closes the
 *   connection before the SSH banner (OpenSSH's MaxStartups drops);
 * - channels are bounded below OpenSSH's MaxSessions 10: `job` channels
 *   (commands) get `channelsPerConnection`, and `control` channels (kill,
 *   leftover checks) have slots of their own so a cancel never waits
 *   behind the commands it is cancelling;
 * - an idle connection is closed after `idleMs`.
 */
import { createHash } from 'node:crypto';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { ConsoleError } from '../../../shared';
import { fingerprintOfBlob } from '../store/host-keys';
import {
  classifySshError,
  endpointOf,
  hostKeyChangedError,
  hostKeyUnknownError,
  isRetryableHandshakeError,
  parseLoginKey,
  type OfferedHostKey,
  type SshErrorLike,
  type SshWhere,
} from './errors';
import { Semaphore, type Release } from './limiter';

export type SshAuth =
  | { kind: 'key'; privateKey: string; passphrase?: string }
  /** `socket` is SSH_AUTH_SOCK; undefined when there is no agent. */
  | { kind: 'agent'; socket: string | undefined };

export interface SshHostConfig extends SshWhere {
  auth: SshAuth;
  /** The pinned "SHA256:…" fingerprint; undefined when nothing is pinned. */
  pinnedFingerprint: string | undefined;
  /** The pinned "<type> <base64>", when known: its algorithm is asked for first. */
  pinnedPublicKey?: string | undefined;
}

export interface SshLimits {
  /** Whole handshake (TCP, key exchange, authentication). ssh2's default is 20 s. */
  readyTimeoutMs: number;
  /** SSH-level keepalive; ssh2's default 0 would never notice a dead peer. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** Command channels per connection; OpenSSH's MaxSessions is 10. */
  channelsPerConnection: number;
  /** Extra channels kept for kill / leftover checks (channelsPerConnection + this ≤ 10). */
  controlChannels: number;
  /** Handshakes in flight to one sshd (address:port); OpenSSH starts dropping at MaxStartups 10. */
  handshakesPerEndpoint: number;
  /** Handshakes in flight fleet-wide: the fan-out. */
  fanOut: number;
  /** Commands running at once fleet-wide. */
  maxCommands: number;
  /** Further attempts when a handshake is dropped before the SSH banner. */
  handshakeRetries: number;
  /** First retry waits about this long (jittered, doubling). */
  retryBaseMs: number;
  /** A connection with no channel open for this long is closed. */
  idleMs: number;
}

export const DEFAULT_SSH_LIMITS: Readonly<SshLimits> = Object.freeze({
  readyTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  channelsPerConnection: 8,
  controlChannels: 2,
  handshakesPerEndpoint: 2,
  fanOut: 8,
  maxCommands: 64,
  handshakeRetries: 4,
  retryBaseMs: 150,
  idleMs: 60_000,
});

export interface HandshakeSlots {
  /** Waits for a handshake slot for this endpoint (and one fleet-wide). */
  acquire(endpoint: string): Promise<Release>;
}

const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * The host key algorithms to offer, the pinned key's first: a server with
 * several host keys then shows the one we pinned, and a server that lost
 * it shows another (a changed key, as it should).
 */
export function hostKeyAlgorithms(pinnedPublicKey: string | undefined): string[] {
  const type = pinnedPublicKey?.trim().split(/\s+/)[0];
  if (!type) return [...DEFAULT_HOST_KEY_ALGORITHMS];
  const first = type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
  if (!first.every((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a))) return [...DEFAULT_HOST_KEY_ALGORITHMS];
  return [...first, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !first.includes(a))];
}

/** The key a server offered, as `ssh-keygen` would describe it. */
export function describeHostKey(blob: Buffer): OfferedHostKey {
  let algorithm = 'unknown';
  if (blob.length >= 4) {
    const len = blob.readUInt32BE(0);
    if (len > 0 && len < 64 && 4 + len <= blob.length)
      algorithm = blob.subarray(4, 4 + len).toString('latin1');
  }
  return {
    algorithm,
    publicKey: `${algorithm} ${blob.toString('base64')}`,
    fingerprint: fingerprintOfBlob(blob),
  };
}

function jitter(baseMs: number, attempt: number): number {
  const ceiling = baseMs * 2 ** attempt;
  return Math.round(ceiling / 2 + Math.random() * ceiling);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface AttemptResult {
  client?: Client;
  offered?: OfferedHostKey;
  error?: SshErrorLike;
}

/**
 * One TCP + SSH handshake. With `scanOnly` it stops right after the
 * server showed its host key (no authentication, no credentials needed).
 */
function attemptHandshake(
  config: SshHostConfig,
  limits: SshLimits,
  scanOnly: boolean,
): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve) => {
    const client = new Client();
    let offered: OfferedHostKey | undefined;
    let firstError: SshErrorLike | undefined;
    let settled = false;
    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    client.on('error', (err: SshErrorLike) => {
      firstError ??= err;
    });
    client.on('ready', () => {
      client.removeAllListeners('error');
      // Later errors (keepalive, resets) are handled by the connection's own listener.
      client.on('error', () => undefined);
      finish({ client, ...(offered ? { offered } : {}) });
    });
    client.on('close', () => {
      finish({ ...(offered ? { offered } : {}), error: firstError ?? new Error('connection closed') });
    });

    const connectConfig: ConnectConfig = {
      host: config.address,
      port: config.port,
      username: config.user,
      readyTimeout: limits.readyTimeoutMs,
      keepaliveInterval: limits.keepaliveIntervalMs,
      keepaliveCountMax: limits.keepaliveCountMax,
      // Never off: without a verifier ssh2 accepts any host key.
      hostVerifier: (key: Buffer): boolean => {
        offered = describeHostKey(key);
        if (scanOnly) return false;
        return config.pinnedFingerprint !== undefined && offered.fingerprint === config.pinnedFingerprint;
      },
      algorithms: { serverHostKey: hostKeyAlgorithms(config.pinnedPublicKey) as never },
    };
    if (!scanOnly) {
      if (config.auth.kind === 'key') {
        connectConfig.privateKey = config.auth.privateKey;
        if (config.auth.passphrase !== undefined) connectConfig.passphrase = config.auth.passphrase;
      } else if (config.auth.socket) {
        connectConfig.agent = config.auth.socket;
      }
    }
    try {
      client.connect(connectConfig);
    } catch (err) {
      finish({ error: err as SshErrorLike });
    }
  });
}

/** Turns a failed attempt into the error the user sees (host key verdict first). */
function attemptError(config: SshHostConfig, limits: SshLimits, result: AttemptResult): ConsoleError {
  const offered = result.offered;
  if (offered && config.pinnedFingerprint === undefined) return hostKeyUnknownError(config, offered);
  if (offered && offered.fingerprint !== config.pinnedFingerprint)
    return hostKeyChangedError(config, config.pinnedFingerprint as string, offered);
  return classifySshError(result.error ?? new Error('connection closed'), config, {
    readyTimeoutMs: limits.readyTimeoutMs,
  });
}

/**
 * Handshake with retries of dropped attempts, each holding a handshake
 * slot only while it runs (not while it waits to retry).
 */
async function handshake(
  config: SshHostConfig,
  limits: SshLimits,
  slots: HandshakeSlots,
  scanOnly: boolean,
): Promise<AttemptResult & { attempts: number }> {
  const endpoint = endpointOf(config);
  for (let attempt = 0; ; attempt++) {
    const release = await slots.acquire(endpoint);
    let result: AttemptResult;
    try {
      result = await attemptHandshake(config, limits, scanOnly);
    } finally {
      release();
    }
    const retryable =
      result.error !== undefined && result.offered === undefined && isRetryableHandshakeError(result.error);
    if (!retryable || attempt >= limits.handshakeRetries) return { ...result, attempts: attempt + 1 };
    await sleep(jitter(limits.retryBaseMs, attempt));
  }
}

/** Fetches the host key a server offers, without authenticating. */
export async function scanHostKey(
  config: Omit<SshHostConfig, 'auth' | 'pinnedFingerprint'> & { pinnedPublicKey?: string | undefined },
  limits: SshLimits,
  slots: HandshakeSlots,
): Promise<OfferedHostKey> {
  const full: SshHostConfig = {
    ...config,
    auth: { kind: 'agent', socket: undefined },
    pinnedFingerprint: undefined,
  };
  const result = await handshake(full, limits, slots, true);
  result.client?.end();
  if (result.offered) return result.offered;
  throw classifySshError(result.error ?? new Error('connection closed'), full, {
    readyTimeoutMs: limits.readyTimeoutMs,
  });
}

/** What identifies a connection's settings: a changed address, user, key or pin means a new connection. */
export function configSignature(config: SshHostConfig): string {
  const auth =
    config.auth.kind === 'key'
      ? {
          kind: 'key',
          key: createHash('sha256')
            .update(config.auth.privateKey)
            .update('\0')
            .update(config.auth.passphrase ?? '')
            .digest('hex'),
        }
      : { kind: 'agent', socket: config.auth.socket ?? null };
  return createHash('sha256')
    .update(
      JSON.stringify([config.address, config.port, config.user, auth, config.pinnedFingerprint ?? null]),
    )
    .digest('hex');
}

export type ChannelKind = 'job' | 'control';

export interface SshConnectionDeps {
  limits: SshLimits;
  slots: HandshakeSlots;
  /** Fleet-wide bound on running commands (job channels). */
  commandSlots: Semaphore;
  log: (message: string) => void;
}

export class SshConnection {
  readonly signature: string;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly jobSlots: Semaphore;
  private readonly controlSlots: Semaphore;
  private openChannels = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private retired = false;
  /** Connections made so far (tests and logs: reuse means this stays at 1). */
  handshakes = 0;

  constructor(
    readonly config: SshHostConfig,
    private readonly deps: SshConnectionDeps,
  ) {
    this.signature = configSignature(config);
    this.jobSlots = new Semaphore(deps.limits.channelsPerConnection);
    this.controlSlots = new Semaphore(Math.max(1, deps.limits.controlChannels));
  }

  get where(): SshWhere {
    return this.config;
  }

  get isConnected(): boolean {
    return this.client !== undefined;
  }

  get channelsOpen(): number {
    return this.openChannels;
  }

  /** Connects (or reuses the connection). Rejects with a typed error; nothing is cached on failure. */
  ready(): Promise<Client> {
    if (this.closed) return Promise.reject(this.closedError());
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    const p = this.connect();
    this.connecting = p;
    p.then(
      () => {
        if (this.connecting === p) this.connecting = undefined;
      },
      () => {
        if (this.connecting === p) this.connecting = undefined;
      },
    );
    return p;
  }

  private closedError(): ConsoleError {
    return new ConsoleError(
      'HOST_UNREACHABLE',
      `The connection to ${this.config.hostName} was closed by the console.`,
      {
        host: this.config.hostId,
      },
    );
  }

  private async connect(): Promise<Client> {
    const { config, deps } = this;
    // A key that cannot be used is the user's problem to fix, not the server's: say so before connecting.
    if (config.auth.kind === 'key') parseLoginKey(config, config.auth.privateKey, config.auth.passphrase);
    else if (!config.auth.socket) {
      throw new ConsoleError(
        'HOST_AUTH_FAILED',
        `${config.hostName} logs in with ssh-agent, but no agent is available to the console (SSH_AUTH_SOCK is not set). Start one, or store a private key for this host.`,
        { host: config.hostId, reason: 'no-agent' },
      );
    }
    const result = await handshake(config, deps.limits, deps.slots, false);
    const client = result.client;
    if (!client) throw attemptError(config, deps.limits, result);
    this.handshakes += 1;
    if (this.closed) {
      client.end();
      throw this.closedError();
    }
    if (result.attempts > 1) deps.log(`ssh ${config.hostName}: connected after ${result.attempts} attempts`);
    this.client = client;
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
    });
    client.on('error', (err: SshErrorLike) => {
      deps.log(`ssh ${config.hostName}: ${err.level ?? 'error'}: ${err.message}`);
    });
    this.armIdle();
    return client;
  }

  /**
   * Opens an exec channel (no pty, no env request). The slot is held until
   * the channel closes. Rejects with a typed error when the host cannot be
   * reached or refuses the session.
   */
  async exec(command: string, kind: ChannelKind = 'job'): Promise<ClientChannel> {
    const slots = kind === 'job' ? this.jobSlots : this.controlSlots;
    for (let attempt = 0; ; attempt++) {
      const releaseLocal = await slots.acquire();
      let releaseFleet: Release = () => undefined;
      try {
        if (kind === 'job') releaseFleet = await this.deps.commandSlots.acquire();
      } catch (err) {
        releaseLocal();
        throw err;
      }
      this.openChannels += 1;
      this.disarmIdle();
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        releaseFleet();
        releaseLocal();
        this.openChannels -= 1;
        this.afterChannel();
      };
      try {
        const client = await this.ready();
        const channel = await new Promise<ClientChannel>((resolve, reject) => {
          try {
            client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch)));
          } catch (err) {
            reject(err);
          }
        });
        channel.once('close', release);
        return channel;
      } catch (err) {
        release();
        if (err instanceof ConsoleError) throw err;
        const e = err as SshErrorLike;
        // The server allows fewer sessions than we assumed (MaxSessions < ours): use what it gives, then queue.
        if (
          /Channel open failure/i.test(e.message) &&
          kind === 'job' &&
          this.openChannels > 0 &&
          attempt < 20
        ) {
          const lower = Math.max(1, Math.min(this.jobSlots.limit - 1, this.openChannels));
          if (lower < this.jobSlots.limit) {
            this.jobSlots.setLimit(lower);
            this.deps.log(
              `ssh ${this.config.hostName}: the server refused a session; now at most ${lower} at once`,
            );
          }
          continue;
        }
        // The connection went away between ready() and exec(): once more, on a new one.
        if (/Not connected|No response from server/i.test(e.message) && attempt < 1) continue;
        throw new ConsoleError(
          'HOST_UNREACHABLE',
          `${this.config.hostName} (${endpointOf(this.config)}) refused to open a session: ${e.message}.`,
          { host: this.config.hostId },
        );
      }
    }
  }

  private afterChannel(): void {
    if (this.openChannels > 0) return;
    if (this.retired) {
      void this.close();
      return;
    }
    this.armIdle();
  }

  private armIdle(): void {
    this.disarmIdle();
    if (this.openChannels > 0 || !this.client || this.deps.limits.idleMs <= 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.openChannels === 0 && this.client) {
        this.deps.log(`ssh ${this.config.hostName}: closing idle connection`);
        const client = this.client;
        this.client = undefined;
        client.end();
      }
    }, this.deps.limits.idleMs);
    this.idleTimer.unref();
  }

  private disarmIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** No new work; closes once the running channels are done. */
  retire(): void {
    this.retired = true;
    if (this.openChannels === 0) void this.close();
  }

  /** Ends the connection now (running commands see it as lost). */
  async close(): Promise<void> {
    this.closed = true;
    this.disarmIdle();
    const pending = this.connecting;
    if (pending) await pending.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, 2_000);
      timer.unref();
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }
}
