// Real OpenSSH sshd instances standing in for managed backup hosts.
//
// Each host gets its own loopback address (127.0.0.2, .3, ... — all of
// 127/8 is loopback on Linux), a free port, a generated ed25519 host key, a
// config of our own (`sshd -f`), a data root and a log. All hosts of one
// startSshHosts() call accept the same generated ed25519 client key.
// Faults for tests: stop()/start() a host, swapHostKey(), dropConnections().

import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { sshdBinary, sshKeygenPath } from './peers';
import { killDescendants, spawnTracked, stopProcessTree } from './procs';
import { freePort, makeTempDir, removeTempDir, waitForPort } from './tmp';

const execFileP = promisify(execFile);
const PRIVSEP_DIR = '/run/sshd';

export interface SshHost {
  /** Inventory-style name, e.g. "host-1". */
  readonly name: string;
  /** Loopback address this sshd listens on, e.g. "127.0.0.2". */
  readonly address: string;
  readonly port: number;
  /** Login user: the user running the tests (root in CI). */
  readonly user: string;
  /** Client private key (OpenSSH format text) accepted by this host. */
  readonly privateKey: string;
  readonly privateKeyPath: string;
  /** Client public key line as in authorized_keys. */
  readonly publicKey: string;
  /** Current host key fingerprint, exactly as `ssh-keygen -lf` prints it ("SHA256:…"). Changes on swapHostKey(). */
  readonly hostKeyFingerprintSha256: string;
  /** Current host public key line ("ssh-ed25519 AAAA… comment"). Changes on swapHostKey(). */
  readonly hostPublicKey: string;
  /** Per-host scratch root: tests put this host's "filesystem" (sources, restores) under it. Also exported to sessions as RFC_DATA_ROOT. */
  readonly dataRoot: string;
  /** sshd's own log (-e output), useful in assertion messages. */
  readonly logPath: string;
  readonly configPath: string;
  isRunning(): boolean;
  /** (Re)starts sshd on the same address and port. No-op when running. */
  start(): Promise<void>;
  /** Stops sshd and every session it forked (like the host going down). */
  stop(): Promise<void>;
  /** Replaces the host key with a new one and restarts sshd if it was running. */
  swapHostKey(): Promise<{ previous: string; current: string }>;
  /** Kills all established SSH sessions, keeping the listener. Returns how many processes were killed. */
  dropConnections(): number;
  /** Current text of the sshd log. */
  readLog(): string;
}

export interface SshHosts {
  hosts: SshHost[];
  /** Stops every host and removes their temp dirs. Safe to call twice. */
  stopAll(): Promise<void>;
}

export interface SshHostsOptions {
  /** Host names are `${namePrefix}-${i}` (1-based). Default "host". */
  namePrefix?: string;
  /** Last octet of the first address; default 2 (127.0.0.2). */
  firstOctet?: number;
  /** Extra sshd_config lines appended to every host's config. */
  extraConfig?: string[];
  /** Extra environment for sessions (sshd SetEnv), e.g. a PATH that puts another restic first. */
  env?: Record<string, string> | ((index: number, name: string) => Record<string, string>);
}

/** OpenSSH's SHA256 fingerprint of a raw public key blob (unpadded base64). */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

async function keygen(path: string, comment: string): Promise<void> {
  // ssh-keygen asks before overwriting; remove first so it never prompts.
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  await execFileP(sshKeygenPath(), ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

async function fingerprintOf(pubPath: string): Promise<string> {
  const { stdout } = await execFileP(sshKeygenPath(), ['-lf', pubPath]);
  // "256 SHA256:abc… comment (ED25519)"
  const fp = stdout.trim().split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${stdout}`);
  return fp;
}

function ensurePrivsepDir(): void {
  // sshd refuses to start without its privilege-separation directory, which
  // a container may lack because /run is a fresh tmpfs.
  if (existsSync(PRIVSEP_DIR)) return;
  try {
    mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new Error(
      `sshd needs ${PRIVSEP_DIR} and it could not be created (${(err as Error).message}); run: sudo mkdir -p ${PRIVSEP_DIR}`,
    );
  }
}

function quoteConfigValue(v: string): string {
  if (/["\n]/.test(v)) throw new Error(`unsupported character in sshd_config value: ${JSON.stringify(v)}`);
  return `"${v}"`;
}

class SshdInstance implements SshHost {
  port = 0;
  hostKeyFingerprintSha256 = '';
  hostPublicKey = '';
  readonly configPath: string;
  readonly logPath: string;
  readonly dataRoot: string;
  private readonly hostKeyPath: string;
  private readonly authorizedKeysPath: string;
  private child: ChildProcess | undefined;
  private exitInfo: string | null = null;

  constructor(
    readonly name: string,
    readonly address: string,
    readonly user: string,
    readonly dir: string,
    readonly privateKey: string,
    readonly privateKeyPath: string,
    readonly publicKey: string,
    private readonly extraConfig: string[],
    private readonly env: Record<string, string>,
  ) {
    this.configPath = join(dir, 'sshd_config');
    this.logPath = join(dir, 'sshd.log');
    this.dataRoot = join(dir, 'root');
    this.hostKeyPath = join(dir, 'ssh_host_ed25519_key');
    this.authorizedKeysPath = join(dir, 'authorized_keys');
  }

  async init(): Promise<void> {
    await mkdir(this.dataRoot, { recursive: true });
    await writeFile(this.authorizedKeysPath, `${this.publicKey}\n`, { mode: 0o600 });
    await this.generateHostKey();
  }

  private async generateHostKey(): Promise<void> {
    await keygen(this.hostKeyPath, `rfc-test-hostkey-${this.name}`);
    this.hostPublicKey = (await readFile(`${this.hostKeyPath}.pub`, 'utf8')).trim();
    this.hostKeyFingerprintSha256 = await fingerprintOf(`${this.hostKeyPath}.pub`);
  }

  private writeConfig(): void {
    const env = { RFC_DATA_ROOT: this.dataRoot, RFC_HOST_NAME: this.name, ...this.env };
    const lines = [
      `# generated by tests/support/sshd.ts for ${this.name}`,
      `ListenAddress ${this.address}:${this.port}`,
      `HostKey ${this.hostKeyPath}`,
      // -D keeps sshd in the foreground; no pid file needed (we hold the pid).
      'PidFile none',
      `AuthorizedKeysFile ${this.authorizedKeysPath}`,
      // Temp dirs are not owned/moded the way StrictModes insists on.
      'StrictModes no',
      // PAM would need a service config and root; keys are all we use.
      'UsePAM no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      // CI runs as root; allow key logins only.
      'PermitRootLogin prohibit-password',
      `AllowUsers ${this.user}`,
      'UseDNS no',
      'PrintMotd no',
      'PrintLastLog no',
      'X11Forwarding no',
      'LogLevel VERBOSE',
      // restic's sftp backend needs the sftp subsystem.
      'Subsystem sftp internal-sftp',
      // Each host gets its own data root and restic cache (via
      // XDG_CACHE_HOME), so hosts do not share state behind the tests' back.
      `SetEnv ${Object.entries({ XDG_CACHE_HOME: join(this.dataRoot, '.cache'), ...env })
        .map(([k, v]) => `${k}=${quoteConfigValue(v)}`)
        .join(' ')}`,
      ...this.extraConfig,
      '',
    ];
    writeFileSync(this.configPath, lines.join('\n'));
  }

  isRunning(): boolean {
    return this.child !== undefined && this.exitInfo === null;
  }

  readLog(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  private logTail(lines = 20): string {
    return this.readLog().trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Starts sshd once on the current port; rejects if it exits or never listens. */
  private async launch(): Promise<void> {
    ensurePrivsepDir();
    this.writeConfig();
    const logFd = openSync(this.logPath, 'a');
    this.exitInfo = null;
    let child: ChildProcess;
    try {
      child = spawnTracked(sshdBinary().path, ['-D', '-e', '-f', this.configPath], {
        stdio: ['ignore', logFd, logFd],
      });
    } finally {
      closeSync(logFd); // the child holds its own copy
    }
    this.child = child;
    child.once('exit', (code, sig) => {
      if (this.child === child) this.exitInfo = `sshd exited (code ${code}, signal ${sig})`;
    });
    child.once('error', (err) => {
      if (this.child === child) this.exitInfo = `sshd failed to start: ${err.message}`;
    });
    try {
      await waitForPort(this.address, this.port, 15_000, () =>
        this.child === child && this.exitInfo !== null
          ? `${this.name}: ${this.exitInfo}; log ${this.logPath}:\n${this.logTail()}`
          : null,
      );
    } catch (err) {
      await stopProcessTree(child, 1000);
      throw err;
    }
  }

  /** First start: picks a free port, retrying when another process wins the race for it. */
  async startFresh(): Promise<void> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort(this.address);
      try {
        await this.launch();
        return;
      } catch (err) {
        lastErr = err;
        if (!/Address already in use/.test(String(err))) break;
      }
    }
    throw lastErr;
  }

  async start(): Promise<void> {
    if (this.isRunning()) return;
    // Keep the port: tests restart a host and expect it at the same place.
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.launch();
        return;
      } catch (err) {
        lastErr = err;
        if (!/Address already in use/.test(String(err))) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw lastErr;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    await stopProcessTree(child);
    this.exitInfo ??= 'stopped';
  }

  async swapHostKey(): Promise<{ previous: string; current: string }> {
    const previous = this.hostKeyFingerprintSha256;
    const wasRunning = this.isRunning();
    // sshd loads host keys at start-up; restart so the new key is served.
    if (wasRunning) await this.stop();
    await this.generateHostKey();
    if (wasRunning) await this.start();
    return { previous, current: this.hostKeyFingerprintSha256 };
  }

  dropConnections(): number {
    return this.child && this.isRunning() ? killDescendants(this.child) : 0;
  }
}

/**
 * Starts `n` sshd hosts. Always pair with `afterAll(() => hosts.stopAll())`;
 * processes are also killed when the test process exits.
 */
export async function startSshHosts(n: number, opts: SshHostsOptions = {}): Promise<SshHosts> {
  const first = opts.firstOctet ?? 2;
  if (n < 1 || first + n - 1 > 254) throw new Error(`cannot place ${n} hosts from 127.0.0.${first}`);
  const base = await makeTempDir('rfc-sshd-');
  const user = userInfo().username;

  // One client key for all hosts of this call.
  const keyPath = join(base, 'id_ed25519');
  await keygen(keyPath, 'rfc-test-client');
  const privateKey = await readFile(keyPath, 'utf8');
  const publicKey = (await readFile(`${keyPath}.pub`, 'utf8')).trim();

  const hosts: SshdInstance[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(hosts.map((h) => h.stop()));
    await removeTempDir(base);
  };
  try {
    for (let i = 0; i < n; i++) {
      const name = `${opts.namePrefix ?? 'host'}-${i + 1}`;
      const env = typeof opts.env === 'function' ? opts.env(i, name) : (opts.env ?? {});
      const dir = join(base, name);
      await mkdir(dir, { recursive: true });
      const host = new SshdInstance(
        name,
        `127.0.0.${first + i}`,
        user,
        dir,
        privateKey,
        keyPath,
        publicKey,
        opts.extraConfig ?? [],
        env,
      );
      hosts.push(host);
      await host.init();
      await host.startFresh();
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { hosts, stopAll };
}

// ------------------------------------------------------------- sshExec ----

export interface ExecResult {
  /** Exit code, or null when the remote process died from a signal. */
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface SshExecOptions {
  /** Fingerprint to pin ("SHA256:…"); default: the host's current one. */
  expectedFingerprint?: string;
  /** Text written to the command's stdin (then closed). */
  stdin?: string;
  timeoutMs?: number;
}

/** Raised when the server's host key does not match the pinned fingerprint. */
export class HostKeyMismatchError extends Error {
  constructor(
    readonly host: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `host key mismatch for ${host}: expected ${expected}, server presented ${actual}; connection refused`,
    );
    this.name = 'HostKeyMismatchError';
  }
}

/**
 * Runs one command on a fixture host over a fresh ssh2 connection whose
 * host key is pinned (test helper; the product has its own SSH layer).
 */
export function sshExec(host: SshHost, command: string, opts: SshExecOptions = {}): Promise<ExecResult> {
  const expected = opts.expectedFingerprint ?? host.hostKeyFingerprintSha256;
  const where = `${host.name} (${host.address}:${host.port})`;
  return new Promise<ExecResult>((resolve, reject) => {
    const conn = new Client();
    let presented: string | undefined;
    let settled = false;
    const finish = (err: Error | null, result?: ExecResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.end();
      if (err) reject(err);
      else resolve(result as ExecResult);
    };
    const timer = setTimeout(
      () =>
        finish(new Error(`sshExec on ${where} timed out after ${opts.timeoutMs ?? 30_000} ms: ${command}`)),
      opts.timeoutMs ?? 30_000,
    );
    conn.on('error', (err: Error) => {
      if (presented !== undefined && presented !== expected) {
        finish(new HostKeyMismatchError(where, expected, presented));
      } else {
        finish(new Error(`ssh to ${where} failed: ${err.message}`));
      }
    });
    conn.on('ready', () => {
      conn.exec(command, (err, stream) => {
        if (err) return finish(new Error(`exec on ${where} failed: ${err.message}`));
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        let signal: string | undefined;
        stream.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        stream.on('exit', (c: number | null, s?: string) => {
          code = c;
          signal = s ?? undefined;
        });
        stream.on('close', () => finish(null, { code, ...(signal ? { signal } : {}), stdout, stderr }));
        stream.end(opts.stdin ?? '');
      });
    });
    conn.connect({
      host: host.address,
      port: host.port,
      username: host.user,
      privateKey: host.privateKey,
      readyTimeout: 15_000,
      keepaliveInterval: 5_000,
      hostVerifier: (key: Buffer): boolean => {
        presented = sshFingerprint(key);
        return presented === expected;
      },
    });
  });
}
