/**
 * ssh2's errors turned into the contract's closed set, with words a user
 * can act on ("connection refused on 127.0.0.9:2222"). Pure.
 *
 * | what happened                                   | code             |
 * | ----------------------------------------------- | ---------------- |
 * | TCP refused / no route / reset / DNS / timeout  | HOST_UNREACHABLE |
 * | closed before the SSH banner (MaxStartups drop) | HOST_UNREACHABLE (retried first) |
 * | keepalive unanswered, connection lost mid-run   | HOST_UNREACHABLE |
 * | SSH handshake / protocol failure                | HOST_UNREACHABLE |
 * | server refused every auth method (user, key)    | HOST_AUTH_FAILED |
 * | key needs a passphrase / wrong passphrase / bad key / no agent | HOST_AUTH_FAILED |
 * | nothing pinned (offered fingerprint in detail)  | HOST_KEY_UNKNOWN |
 * | pinned ≠ offered (both in detail)               | HOST_KEY_CHANGED |
 */
import { utils as ssh2Utils, type ParsedKey } from 'ssh2';
import { ConsoleError } from '../../../shared';

/** An ssh2 error: `level` says where it came from, `code` is errno text or a DISCONNECT reason. */
export type SshErrorLike = Error & { level?: string; code?: string | number; description?: string };

export interface SshWhere {
  hostId: string;
  /** Inventory name, for messages. */
  hostName: string;
  address: string;
  port: number;
  user: string;
}

export function endpointOf(where: Pick<SshWhere, 'address' | 'port'>): string {
  return where.address.includes(':') ? `[${where.address}]:${where.port}` : `${where.address}:${where.port}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

const SOCKET_WORDS: Record<string, (ep: string, where: SshWhere) => string> = {
  ECONNREFUSED: (ep) => `connection refused on ${ep} (is sshd running there, and is the port right?)`,
  EHOSTUNREACH: (ep) => `no route to host for ${ep} (host down or unreachable network)`,
  ENETUNREACH: (ep) => `network unreachable for ${ep}`,
  ETIMEDOUT: (ep) => `connection to ${ep} timed out`,
  ECONNRESET: (ep) => `connection reset by ${ep}`,
  EPIPE: (ep) => `connection to ${ep} broke (EPIPE)`,
  ENOTFOUND: (_ep, w) => `cannot resolve the address "${w.address}"`,
  EAI_AGAIN: (_ep, w) => `cannot resolve the address "${w.address}" (DNS did not answer)`,
  EADDRNOTAVAIL: (ep) => `cannot connect to ${ep} (address not available)`,
};

/**
 * Errors worth another handshake attempt: the server (or something in
 * front of it) closed the connection before SSH started. OpenSSH does
 * that to connections beyond MaxStartups, at random.
 */
export function isRetryableHandshakeError(err: SshErrorLike): boolean {
  if (err.message === 'Connection lost before handshake') return true;
  if (err.level === 'client-socket' && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return true;
  return false;
}

/** Classifies an error raised while connecting (or after, when the connection drops). */
export function classifySshError(
  err: SshErrorLike,
  where: SshWhere,
  options: { readyTimeoutMs?: number; during?: 'connect' | 'session' } = {},
): ConsoleError {
  if (err instanceof ConsoleError) return err;
  const ep = endpointOf(where);
  const base = { host: where.hostId, address: where.address, port: where.port };
  const detail = (extra: Record<string, unknown> = {}) => ({
    ...base,
    ...(err.level ? { level: err.level } : {}),
    ...(err.code !== undefined ? { cause: err.code } : { cause: err.message }),
    ...extra,
  });
  const unreachable = (words: string) =>
    new ConsoleError('HOST_UNREACHABLE', `Cannot reach ${where.hostName}: ${words}.`, detail());

  if (err.level === 'client-authentication') {
    return new ConsoleError(
      'HOST_AUTH_FAILED',
      `${where.hostName} refused the login of "${where.user}" on ${ep}: the user does not exist or does not accept this key (check the user and that the public key is in its authorized_keys).`,
      detail(),
    );
  }
  if (err.level === 'agent') {
    return new ConsoleError(
      'HOST_AUTH_FAILED',
      `ssh-agent could not be used for ${where.hostName}: ${err.message}.`,
      detail(),
    );
  }
  if (err.level === 'client-timeout') {
    if (err.message === 'Keepalive timeout')
      return unreachable(`${ep} stopped answering keepalives; the connection was given up`);
    const within = options.readyTimeoutMs ? ` within ${seconds(options.readyTimeoutMs)}` : '';
    return unreachable(`no SSH answer from ${ep}${within} (host down, firewalled, or not an SSH server)`);
  }
  if (err.level === 'client-dns') return unreachable(`cannot resolve the address "${where.address}"`);
  if (err.level === 'client-socket' || typeof err.code === 'string') {
    const words = typeof err.code === 'string' ? SOCKET_WORDS[err.code] : undefined;
    if (words) return unreachable(words(ep, where));
    return unreachable(`${ep}: ${err.message}`);
  }
  if (err.message === 'Connection lost before handshake') {
    return unreachable(
      `${ep} closed the connection before the SSH handshake (sshd turned it away: too many connections at once — MaxStartups — or a firewall/TCP wrapper)`,
    );
  }
  if (typeof err.code === 'number') {
    return unreachable(`${ep} ended the connection: ${err.message}`);
  }
  if (err.level === 'handshake' || err.level === 'protocol') {
    return unreachable(`the SSH handshake with ${ep} failed: ${err.message}`);
  }
  return unreachable(`${ep}: ${err.message}`);
}

/** The connection dropped while a command ran (socket closed without an exit status). */
export function connectionLostError(where: SshWhere, what: string, pid: number | undefined): ConsoleError {
  const still =
    pid !== undefined
      ? ` It may still be running there (pid ${pid}); the console checks for it when the host is reachable again.`
      : '';
  return new ConsoleError(
    'HOST_UNREACHABLE',
    `The connection to ${where.hostName} (${endpointOf(where)}) was lost while "${what}" was running.${still}`,
    {
      host: where.hostId,
      address: where.address,
      port: where.port,
      ...(pid !== undefined ? { pid } : {}),
      lost: true,
    },
  );
}

export interface OfferedHostKey {
  /** ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, … */
  algorithm: string;
  /** "<type> <base64>" */
  publicKey: string;
  /** "SHA256:…" as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export function hostKeyUnknownError(where: SshWhere, offered: OfferedHostKey): ConsoleError {
  return new ConsoleError(
    'HOST_KEY_UNKNOWN',
    `The host key of ${where.hostName} (${endpointOf(where)}) is not pinned yet: the server offers ${offered.fingerprint} (${offered.algorithm}). Compare it with \`ssh-keygen -lf\` on the host and accept it first; nothing was run.`,
    { host: where.hostId, offered: offered.fingerprint, algorithm: offered.algorithm },
  );
}

export function hostKeyChangedError(where: SshWhere, pinned: string, offered: OfferedHostKey): ConsoleError {
  return new ConsoleError(
    'HOST_KEY_CHANGED',
    `The host key of ${where.hostName} (${endpointOf(where)}) has CHANGED: pinned ${pinned}, the server now offers ${offered.fingerprint} (${offered.algorithm}). Nothing runs on this host until the new key is checked and re-pinned.`,
    // `expected`/`presented` are the same two fingerprints under the names the restic driver's tests use.
    {
      host: where.hostId,
      pinned,
      offered: offered.fingerprint,
      algorithm: offered.algorithm,
      expected: pinned,
      presented: offered.fingerprint,
    },
  );
}

/**
 * Parses the login key before any connection, so a key that cannot be
 * used is reported as such (and never as "the server refused us").
 */
export function parseLoginKey(
  where: SshWhere,
  privateKey: string,
  passphrase: string | undefined,
): ParsedKey {
  const parsed = ssh2Utils.parseKey(privateKey, passphrase);
  const base = { host: where.hostId };
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message)) {
      throw new ConsoleError(
        'HOST_AUTH_FAILED',
        `The private key for ${where.hostName} is encrypted: the key needs its passphrase (set the key again with its passphrase).`,
        { ...base, reason: 'passphrase-missing' },
      );
    }
    if (passphrase && /passphrase|integrity|decrypt|malformed/i.test(parsed.message)) {
      throw new ConsoleError(
        'HOST_AUTH_FAILED',
        `The private key for ${where.hostName} could not be decrypted: wrong passphrase?`,
        { ...base, reason: 'passphrase-wrong' },
      );
    }
    throw new ConsoleError(
      'HOST_AUTH_FAILED',
      `The private key for ${where.hostName} is not usable: ${parsed.message}.`,
      {
        ...base,
        reason: 'key-invalid',
      },
    );
  }
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed;
  if (!key || key.getPrivatePEM() === null) {
    throw new ConsoleError('HOST_AUTH_FAILED', `The key stored for ${where.hostName} holds no private key.`, {
      ...base,
      reason: 'key-invalid',
    });
  }
  return key;
}
