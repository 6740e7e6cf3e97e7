/**
 * ProcessRunner for a managed host over SSH (the ssh2 package), with the
 * same contract as LocalRunner: an argv (never a shell string), non-secret
 * and secret environment, cancellation.
 *
 * How a command runs remotely, and why:
 * - sshd hands the command to the login shell, so it is one POSIX-quoted
 *   line: `exec sh -c '<prelude>' rfc-exec <cwd> <argv…>` — every
 *   argument single-quoted by shellQuote, so no user value reaches a shell
 *   unquoted.
 * - The environment (secret or not) goes on stdin as NAME=value lines and
 *   a blank line; the prelude exports them. Nothing secret is in any argv
 *   (visible in `ps`), in an SSH env request (dropped anyway unless the
 *   server's AcceptEnv allows it) or in a log.
 * - The prelude prints its pid on stderr, then `exec`s the program with
 *   stdin from /dev/null: the pid is the program's, for `kill` on cancel.
 *   stdin of the channel stays open for the job's life because OpenSSH
 *   honours signal requests only then.
 * - No pty: it would merge stderr into stdout. Both streams are read.
 * - Cancel: a signal request (INT), then `kill -INT <pid>` over a second
 *   channel if the first did not work, then `kill -KILL` after the grace
 *   period. Closing a channel alone does not stop the remote process.
 *   The fallback is not theoretical: OpenSSH (9.2 in the rig) refuses
 *   signal requests for root logins ("session signalling requires
 *   privilege separation"), and root is how many fleets log in.
 * - The host key is pinned: the SHA256 fingerprint `ssh-keygen -lf`
 *   prints. Anything else refuses the connection (HOST_KEY_CHANGED).
 * - The connection comes from electron/core/ssh (SshConnection): pooled
 *   per host by FleetRunners (bounded channels, handshakes and fan-out,
 *   typed errors), or a private one for a runner built from an SshTarget.
 * - A lost connection while the program runs rejects its exit with
 *   HOST_UNREACHABLE and records the remote pid in a LeftoverRegistry, so
 *   a later check can say "restic left running on <host> (pid N)".
 *
 * The login shell must be POSIX-like (sh, bash, dash, ksh, zsh).
 */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { ConsoleError } from '../../../shared';
import { SshConnection, type SshLimits } from '../ssh/connection';
import { connectionLostError } from '../ssh/errors';
import { checkLeftover, LeftoverRegistry, programName, type LeftoverCheck } from '../ssh/leftovers';
import { SshPool } from '../ssh/pool';
import {
  ProgramNotFoundError,
  type ProcessExit,
  type ProcessRunner,
  type ProcessSpec,
  type RunningProcess,
} from './process';
import { shellQuote } from './shell-quote';

export interface SshTarget {
  /** Host id, for messages and logs. */
  id: string;
  host: string;
  port?: number;
  username: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  /** Path of an ssh-agent socket, as an alternative to privateKey. */
  agent?: string;
  /** The pinned host key: "SHA256:…" exactly as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  readyTimeoutMs?: number;
  /** Keepalive probes; without them a dead peer is never noticed. Default 15 s. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

const DEFAULT_GRACE_MS = 5_000;
/** How long the signal request gets before the `kill` fallback. */
const SIGNAL_FALLBACK_MS = 1_000;
const PID_MARKER = '__RFC_PID__ ';
const NOT_FOUND_MARKER = '__RFC_NOT_FOUND__';

/** OpenSSH's SHA256 fingerprint of a raw public key blob: "SHA256:" + unpadded base64. */
export function sshFingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The remote prelude, one line of POSIX sh. Reads NAME=value lines up to
 * a blank line (exiting if stdin ends first) and exports them, changes to
 * $1 when given, checks the program exists, prints its pid, then execs
 * the program with stdin from /dev/null.
 */
export const REMOTE_PRELUDE = [
  // End of stdin before the blank line means the preamble was cut short: never run the program then.
  'while :; do',
  'IFS= read -r __rfc_kv || { echo "rfc-exec: environment preamble cut short" >&2; exit 125; };',
  '[ -n "$__rfc_kv" ] || break;',
  'case ${__rfc_kv%%=*} in ""|[0-9]*|*[!A-Za-z0-9_]*) echo "rfc-exec: bad environment name" >&2; exit 125;; esac;',
  'export "$__rfc_kv";',
  'done;',
  'unset __rfc_kv;',
  '__rfc_cwd=$1; shift;',
  'if [ -n "$__rfc_cwd" ]; then cd "$__rfc_cwd" || exit 125; fi;',
  'unset __rfc_cwd;',
  `command -v "$1" >/dev/null 2>&1 || { echo ${NOT_FOUND_MARKER} >&2; exit 127; };`,
  `echo "${PID_MARKER}$$" >&2;`,
  'exec "$@" </dev/null',
].join(' ');

/** The command line sent to sshd for one argv. */
export function remoteCommand(argv: readonly string[], cwd?: string): string {
  const program = argv[0];
  if (!program) throw new ConsoleError('BAD_REQUEST', 'empty argv');
  if (program.startsWith('-'))
    throw new ConsoleError('BAD_REQUEST', `program name must not start with "-": ${JSON.stringify(program)}`);
  // A NUL cannot be in an argv, and sshd would cut the command line at it.
  if (argv.some((a) => a.includes('\0')) || cwd?.includes('\0'))
    throw new ConsoleError('BAD_REQUEST', 'an argument contains a NUL byte, which no program can receive');
  return [
    'exec',
    'sh',
    '-c',
    shellQuote(REMOTE_PRELUDE),
    'rfc-exec',
    shellQuote(cwd ?? ''),
    ...argv.map(shellQuote),
  ].join(' ');
}

/** The stdin preamble: NAME=value lines and a blank line. Values may hold anything but a newline or NUL. */
export function encodeEnv(env: Record<string, string>): string {
  let out = '';
  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new ConsoleError('BAD_REQUEST', `not a valid environment variable name: ${JSON.stringify(name)}`);
    // Do not echo the value: it may be a secret.
    if (/[\n\r\0]/.test(value))
      throw new ConsoleError(
        'BAD_REQUEST',
        `the value of ${name} contains a line break or NUL, which cannot be passed to a remote host`,
      );
    out += `${name}=${value}\n`;
  }
  return `${out}\n`;
}

/**
 * Settles when a consumer reading the stream has seen all of it ('end'),
 * or — when nobody reads it (yet) — once everything is written into it:
 * the exit of a process whose output nobody reads must not hang, and a
 * late reader still finds the output buffered.
 */
function ended(stream: PassThrough): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  if (stream.readableFlowing !== true) {
    if (stream.writableFinished) return Promise.resolve();
    return new Promise((resolve) => stream.once('finish', () => resolve()));
  }
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}

/** A RunningProcess on a remote host; `remotePid` resolves once the prelude reported it (undefined if it never did). */
export interface SshRunningProcess extends RunningProcess {
  readonly remotePid: Promise<number | undefined>;
}

export interface SshRunnerOptions {
  /** Where processes cut off by a lost connection are recorded (FleetRunners shares one). */
  leftovers?: LeftoverRegistry;
}

/** A standalone runner's private connection, from an SshTarget. */
function standaloneConnection(o: SshTarget): SshConnection {
  const limits: Partial<SshLimits> = {
    readyTimeoutMs: o.readyTimeoutMs ?? 20_000,
    keepaliveIntervalMs: o.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: o.keepaliveCountMax ?? 3,
    // One runner, one connection, kept until close() (or until it drops; then the next command reconnects).
    idleMs: 0,
  };
  const privateKey = o.privateKey === undefined ? undefined : o.privateKey.toString();
  return new SshPool({ limits }).connection({
    hostId: o.id,
    hostName: o.id,
    address: o.host,
    port: o.port ?? 22,
    user: o.username,
    auth:
      privateKey !== undefined
        ? { kind: 'key', privateKey, ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}) }
        : { kind: 'agent', socket: o.agent },
    pinnedFingerprint: o.hostKeyFingerprint,
  });
}

export class SshRunner implements ProcessRunner {
  /** The host id. */
  readonly target: string;
  readonly connection: SshConnection;
  readonly leftovers: LeftoverRegistry;
  private readonly ownsConnection: boolean;

  /**
   * From an SshTarget: a connection of its own (opened on first use, again
   * after it dropped). From an SshConnection: the pool's (FleetRunners).
   */
  constructor(target: SshTarget | SshConnection, options: SshRunnerOptions = {}) {
    this.leftovers = options.leftovers ?? new LeftoverRegistry();
    if (target instanceof SshConnection) {
      this.connection = target;
      this.ownsConnection = false;
      this.target = target.config.hostId;
      return;
    }
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(target.hostKeyFingerprint)) {
      throw new ConsoleError(
        'HOST_KEY_UNKNOWN',
        `No pinned SHA256 host key for ${target.id}: accept its fingerprint first.`,
        {
          host: target.id,
        },
      );
    }
    this.connection = standaloneConnection(target);
    this.ownsConnection = true;
    this.target = target.id;
  }

  /** The host's inventory name, for messages. */
  get hostName(): string {
    return this.connection.config.hostName;
  }

  /** Connects now (or reuses the connection): host key checked, logged in. Rejects with a typed error. */
  async connect(): Promise<void> {
    await this.connection.ready();
  }

  /** Runs a short helper command (kill) on a control channel of its own; errors ignored. */
  private async helper(command: string): Promise<void> {
    try {
      const ch = await this.connection.exec(command, 'control');
      await new Promise<void>((resolve) => {
        ch.on('close', () => resolve());
        ch.on('data', () => undefined);
        ch.stderr.on('data', () => undefined);
        ch.end();
      });
    } catch {
      // Best effort: the main channel's own exit is what counts.
    }
  }

  start(spec: ProcessSpec): SshRunningProcess {
    const command = remoteCommand(spec.argv, spec.cwd);
    const preamble = encodeEnv({ ...spec.env, ...spec.secretEnv });
    const program = spec.argv[0] as string;
    const what = [programName(program), spec.argv[1]]
      .filter((s) => s !== undefined && /^[\w.:-]{1,40}$/.test(s))
      .join(' ');
    const stdout = new PassThrough();
    const stderr = new PassThrough();

    let channel: ClientChannel | undefined;
    let pid: number | undefined;
    let exited = false;
    let cancelRequested = false;
    let settleCancelled: (() => void) | undefined;
    let reportPid: (pid: number | undefined) => void = () => undefined;
    const remotePid = new Promise<number | undefined>((resolve) => (reportPid = resolve));

    const exit = new Promise<ProcessExit>((resolve, reject) => {
      const endStreams = (): void => {
        stdout.end();
        stderr.end();
      };
      // Cancelled before the program started: nothing runs remotely.
      settleCancelled = () => {
        exited = true;
        endStreams();
        reportPid(undefined);
        resolve({ code: null, signal: 'SIGINT' });
      };
      if (spec.signal?.aborted) {
        settleCancelled();
        return;
      }
      this.connection.exec(command, 'job').then(
        (ch) => {
          if (exited) {
            // Cancelled while the session opened: the prelude sees stdin end before its blank line and exits.
            ch.close();
            return;
          }
          channel = ch;
          let code: number | null = null;
          let signal: string | null = null;
          let gotExit = false;
          let notFound = false;
          // stderr until the pid line is the prelude's (and the login shell's rc files'); after it, the program's.
          let head = '';
          let headDone = false;
          ch.on('data', (d: Buffer) => stdout.write(d));
          ch.stderr.on('data', (d: Buffer) => {
            if (headDone) {
              stderr.write(d);
              return;
            }
            head += d.toString('latin1');
            for (;;) {
              const nl = head.indexOf('\n');
              if (nl < 0) break;
              const line = head.slice(0, nl);
              head = head.slice(nl + 1);
              if (line.startsWith(PID_MARKER)) {
                pid = Number(line.slice(PID_MARKER.length));
                reportPid(pid);
                headDone = true;
                if (head) stderr.write(Buffer.from(head, 'latin1'));
                head = '';
                return;
              }
              if (line === NOT_FOUND_MARKER) notFound = true;
              else stderr.write(Buffer.from(`${line}\n`, 'latin1'));
            }
            if (head.length > 65_536) {
              // No marker: not our prelude talking. Pass everything through.
              headDone = true;
              stderr.write(Buffer.from(head, 'latin1'));
              head = '';
            }
          });
          ch.on('exit', (c: number | null, s?: string) => {
            gotExit = true;
            if (typeof c === 'number') code = c;
            else signal = s ? (s.startsWith('SIG') ? s : `SIG${s}`) : null;
          });
          ch.on('close', () => {
            exited = true;
            if (!headDone && head) stderr.write(Buffer.from(head, 'latin1'));
            endStreams();
            reportPid(pid);
            // No exit status: the connection went away (or we gave up on the channel) — the
            // program may well still run there. Remember it for the leftover check.
            if (!gotExit && pid !== undefined) {
              this.leftovers.record({
                hostId: this.target,
                hostName: this.hostName,
                pid,
                program,
                command: what,
                lostAt: new Date().toISOString(),
              });
            }
            void Promise.all([ended(stdout), ended(stderr)]).then(() => {
              if (notFound && code === 127) reject(new ProgramNotFoundError(program));
              else if (!gotExit && !cancelRequested) {
                reject(connectionLostError(this.connection.where, what || programName(program), pid));
              } else resolve({ code, signal: gotExit ? signal : (signal ?? 'SIGINT') });
            });
          });
          // Secrets and environment, then stdin stays open (see the header).
          ch.write(preamble);
        },
        (err: unknown) => {
          exited = true;
          endStreams();
          reportPid(undefined);
          reject(err);
        },
      );
    });
    exit.catch(() => undefined);

    let cancelling: Promise<void> | undefined;
    const sendCancel = (graceMs = DEFAULT_GRACE_MS): Promise<void> => {
      if (cancelling) return cancelling;
      cancelling = (async () => {
        const ch = channel;
        if (!ch || exited) return;
        try {
          ch.signal('INT');
        } catch {
          // Not supported by this server: the kill fallback follows.
        }
        const waitExit = (ms: number) =>
          Promise.race([
            exit.then(
              () => true,
              () => true,
            ),
            new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
          ]);
        if (await waitExit(Math.min(SIGNAL_FALLBACK_MS, graceMs))) return;
        // Before the pid line the INT reached the prelude's sh (if at all); wait for the pid briefly.
        if (pid === undefined) await Promise.race([remotePid, waitExit(SIGNAL_FALLBACK_MS)]);
        // The pid is ours as long as the channel has not reported an exit.
        if (pid !== undefined && !exited) await this.helper(`kill -INT ${pid}`);
        if (await waitExit(graceMs)) return;
        if (pid !== undefined && !exited) await this.helper(`kill -KILL ${pid}`);
        if (await waitExit(2_000)) return;
        ch.close();
      })();
      return cancelling;
    };

    const cancel = async (graceMs = DEFAULT_GRACE_MS): Promise<ProcessExit> => {
      cancelRequested = true;
      if (!channel) {
        // Not started yet: settle without running anything (the exec callback checks the flag too).
        if (!exited) settleCancelled?.();
      } else {
        void sendCancel(graceMs);
      }
      return exit;
    };

    if (spec.signal && !spec.signal.aborted)
      spec.signal.addEventListener('abort', () => void cancel(), { once: true });

    return { stdout, stderr, exit, cancel, remotePid };
  }

  /** Checks this host for processes left running by earlier lost connections; forgets those that are gone. */
  async checkLeftovers(): Promise<LeftoverCheck[]> {
    const results: LeftoverCheck[] = [];
    for (const item of this.leftovers.list(this.target)) {
      const result = await checkLeftover(this, item);
      if (result.state === 'gone') this.leftovers.remove(item.hostId, item.pid);
      results.push(result);
    }
    return results;
  }

  /** Closes this runner's own connection (running commands lose their channel). A pooled runner leaves the pool's alone. */
  async close(): Promise<void> {
    if (this.ownsConnection) await this.connection.close();
  }
}
