// Remote execution through FleetRunners against real OpenSSH sshd hosts:
// argv arrives byte for byte and nothing injected runs; secrets reach the
// program's environment but no argv and no log; cancel leaves nothing
// behind; a lost connection is HOST_UNREACHABLE and the process left
// running is found later; bad hosts and keys are typed errors that change
// nothing.

import { readdirSync, readFileSync } from 'node:fs';
import { appendFile, chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { utils as ssh2Utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared';
import { SshRunner, type SshRunningProcess } from '../../electron/core/exec/ssh-runner';
import { Restic } from '../../electron/core/restic/restic';
import { FileSecretStore } from '../../electron/core/secrets/file-secret-store';
import { FleetRunners } from '../../electron/core/ssh/fleet-runners';
import { openStore, type Store } from '../../electron/core/store/store';
import { startSshHosts, type SshHost, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, freePort, makeTempDir } from '../support/tmp';

// 127.0.0.140–141: this file's hosts (other files use 2–3 and 20).
const FIRST_OCTET = 140;

async function errorOf(p: Promise<unknown>): Promise<ConsoleError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConsoleError) return err;
    throw err;
  }
  throw new Error('expected a ConsoleError, got success');
}

interface Ran {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: string;
}

async function collect(proc: SshRunningProcess | ReturnType<SshRunner['start']>): Promise<Ran> {
  const out: Buffer[] = [];
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => out.push(d));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exit = await proc.exit;
  return { ...exit, stdout: Buffer.concat(out), stderr };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every process's argv on this machine (the test hosts are on loopback). */
function allCmdlines(): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * Cuts the SSH connection of a running remote process the way a network
 * failure would, without touching the process: kills the per-connection
 * sshd processes above it, not the listener.
 */
function killSessionAbove(pid: number, host: SshHost): number[] {
  const killed: number[] = [];
  for (let p = parentOf(pid); p > 1; p = parentOf(p)) {
    const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
    if (cmdline.includes(host.configPath)) break; // the listener
    const comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
    if (comm.startsWith('sshd')) killed.push(p);
  }
  for (const p of killed) process.kill(p, 'SIGKILL');
  return killed;
}

describe('remote execution over real sshd hosts', () => {
  let fleet: SshHosts;
  let host: SshHost;
  let other: SshHost;
  let store: Store;
  let secrets: FileSecretStore;
  let runners: FleetRunners;
  let hostId: string;
  const logs: string[] = [];

  /** A host record for `h`, key stored and (by default) pinned. */
  async function addHost(
    name: string,
    h: { address: string; port: number; user: string },
    opts: { key?: string | null; passphrase?: string; pin?: string | null } = {},
  ): Promise<string> {
    const created = await store.hosts.create({
      name,
      address: h.address,
      port: h.port,
      user: h.user,
      authKind: 'key',
    });
    const key = opts.key === undefined ? host.privateKey : opts.key;
    if (key !== null) await store.hosts.setPrivateKey(created.id, key, opts.passphrase);
    const pin = opts.pin === undefined ? host.hostPublicKey : opts.pin;
    if (pin !== null) await store.hosts.pinHostKey(created.id, pin);
    return created.id;
  }

  beforeAll(async () => {
    fleet = await startSshHosts(2, { namePrefix: 'sshrun', firstOctet: FIRST_OCTET });
    host = fleet.hosts[0]!;
    other = fleet.hosts[1]!;
    const dataDir = await makeTempDir('rfc-sshrun-store-');
    secrets = new FileSecretStore(join(dataDir, 'secrets'));
    store = await openStore({ dataDir, secrets });
    runners = new FleetRunners({ store, secrets, log: (m) => logs.push(m) });
    hostId = await addHost('sshrun-1', host);
  });

  afterAll(async () => {
    await runners?.close();
    store?.close();
    await fleet?.stopAll();
    await cleanupTempDirs();
  });

  it('passes every argument byte for byte and runs nothing injected', async () => {
    const dir = join(host.dataRoot, `we'ird $(dir) \`x\``);
    await mkdir(dir, { recursive: true });
    const echo = join(dir, 'argv-echo');
    await writeFile(echo, '#!/bin/sh\nfor a in "$@"; do printf \'%s\\0\' "$a"; done\n');
    await chmod(echo, 0o755);
    const canary = join(host.dataRoot, 'CANARY');
    const inject = `touch ${canary}`;
    const pieces = [...`a'"$\`\\\n报🙂 -;|&*?~`];
    let big = '';
    for (let i = 0; big.length < 4096; i++) big += pieces[i % pieces.length];
    const args = [
      `$(${inject})`,
      `\`${inject}\``,
      `; ${inject}`,
      `' ; ${inject} ; '`,
      `" ; ${inject} ; "`,
      `\n${inject}\n`,
      `&& ${inject}`,
      `| ${inject}`,
      `$((6*7)) \${HOME} ~ * ?`,
      "it's",
      'quote"double',
      '\\',
      "'",
      '"',
      '',
      ' ',
      '-rf',
      '--help',
      '-',
      'tab\there',
      '\u001b[31mred',
      '!bang',
      'unicode 报告 ü 🙂',
      big,
    ];
    expect(big.length).toBeGreaterThanOrEqual(4096);
    const runner = await runners.sshRunnerFor(hostId);
    const r = await collect(runner.start({ argv: [echo, ...args] }));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const received = r.stdout.toString('utf8').split('\0').slice(0, -1);
    expect(received).toEqual(args);
    expect(Buffer.concat(args.map((a) => Buffer.from(`${a}\0`, 'utf8'))).equals(r.stdout)).toBe(true);

    // A working directory with quotes and $(…) in its name.
    const pwd = await collect(runner.start({ argv: ['pwd'], cwd: dir }));
    expect(pwd.stdout.toString('utf8')).toBe(`${dir}\n`);

    // None of it ran.
    const ls = await collect(runner.start({ argv: ['ls', '-A', host.dataRoot] }));
    expect(ls.stdout.toString('utf8').split('\n')).not.toContain('CANARY');
    expect(() => readFileSync(canary)).toThrow();

    // What no program can receive is refused before anything is sent.
    expect(() => runner.start({ argv: ['-x'] })).toThrow(ConsoleError);
    expect(() => runner.start({ argv: ['echo', 'a\0b'] })).toThrow(/NUL/);
  });

  it('delivers secrets in the environment only: not in any argv, not in the sshd log', async () => {
    const secret = `s3cr3t-${Math.random().toString(36).slice(2)} 'q' "d" $(x) \`y\` =`;
    const out = join(host.dataRoot, 'secret-out');
    const runner = await runners.sshRunnerFor(hostId);
    const proc = runner.start({
      argv: ['sh', '-c', 'printf %s "$RFC_TEST_SECRET" > "$1"; exec sleep 30', 'rfc-secret', out],
      env: { RFC_PLAIN: 'plain value' },
      secretEnv: { RFC_TEST_SECRET: secret },
    });
    const pid = await proc.remotePid;
    expect(pid).toBeGreaterThan(1);
    await waitFor('the secret file', () => {
      try {
        return readFileSync(out, 'utf8') === secret;
      } catch {
        return false;
      }
    });
    await waitFor('exec sleep', () => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'));
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(secret);
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain(`RFC_TEST_SECRET=${secret}`);
    expect(environ).toContain('RFC_PLAIN=plain value');
    expect(allCmdlines().filter((c) => c.includes(secret))).toEqual([]);

    // Cancel: the remote process is gone, well within the grace period.
    const t0 = Date.now();
    const exit = await proc.cancel(5_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(exit).toEqual({ code: null, signal: 'SIGINT' });
    await waitFor('the cancelled process to go', () => !alive(pid!), 5_000);
    expect(allCmdlines().filter((c) => c.includes(out))).toEqual([]);

    expect(host.readLog()).not.toContain(secret);
    expect(logs.join('\n')).not.toContain(secret);
  });

  it('reuses one connection and queues commands beyond the channel limit', async () => {
    const runner = await runners.sshRunnerFor(hostId);
    const before = runner.connection.handshakes;
    const results = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        collect(runner.start({ argv: ['sh', '-c', 'sleep 0.3; echo "$1"', 'x', String(i)] })),
      ),
    );
    expect(results.map((r) => r.stdout.toString('utf8').trim())).toEqual(
      Array.from({ length: 14 }, (_, i) => String(i)),
    );
    expect(runner.connection.handshakes).toBe(before);
    expect(logs.filter((l) => /refused a session/.test(l))).toEqual([]);
  });

  it('a missing program is ProgramNotFound (RESTIC_MISSING for restic), not a hang', async () => {
    const runner = await runners.sshRunnerFor(hostId);
    const restic = new Restic({
      runner,
      binary: join(host.dataRoot, 'no-restic'),
      repository: '/x',
      password: 'p',
    });
    expect((await errorOf(restic.version())).code).toBe('RESTIC_MISSING');
  });

  it('a connection killed mid-command is HOST_UNREACHABLE, and the pid is checked afterwards', async () => {
    const runner = await runners.sshRunnerFor(hostId);
    const proc = runner.start({ argv: ['sleep', '61'] });
    proc.stdout.resume();
    proc.stderr.resume();
    const pid = (await proc.remotePid)!;
    expect(alive(pid)).toBe(true);
    expect(host.dropConnections()).toBeGreaterThan(0);
    const err = await errorOf(proc.exit);
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.message).toContain('was lost');
    expect(err.detail).toMatchObject({ pid });
    expect(runners.leftoverProcesses(hostId).map((l) => l.pid)).toContain(pid);
    // dropConnections() killed the whole session, the process too: the check says so and forgets it.
    await waitFor('the dropped process to go', () => !alive(pid));
    const checks = await runners.checkLeftovers(hostId);
    expect(checks.find((c) => c.pid === pid)).toMatchObject({ state: 'gone' });
    expect(runners.leftoverProcesses(hostId)).toEqual([]);
    // And the host is usable again: a new connection.
    const again = await collect((await runners.sshRunnerFor(hostId)).start({ argv: ['echo', 'back'] }));
    expect(again.stdout.toString('utf8')).toBe('back\n');
  });

  it('finds the process a lost connection left running: "sleep left running on <host> (pid N)"', async () => {
    const runner = await runners.sshRunnerFor(hostId);
    const proc = runner.start({ argv: ['sleep', '62'] });
    proc.stdout.resume();
    proc.stderr.resume();
    const pid = (await proc.remotePid)!;
    expect(killSessionAbove(pid, host).length).toBeGreaterThan(0);
    const err = await errorOf(proc.exit);
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(alive(pid)).toBe(true);

    const [check] = await runners.checkLeftovers(hostId);
    expect(check).toMatchObject({ state: 'running', pid, hostName: 'sshrun-1' });
    expect(check!.message).toContain(`sleep left running on sshrun-1 (pid ${pid})`);
    // Still recorded while it runs.
    expect(runners.leftoverProcesses(hostId).map((l) => l.pid)).toEqual([pid]);

    process.kill(pid, 'SIGKILL');
    await waitFor('the leftover to go', () => !alive(pid));
    const [after] = await runners.checkLeftovers(hostId);
    expect(after).toMatchObject({ state: 'gone', pid });
    expect(runners.leftoverProcesses(hostId)).toEqual([]);
  });

  it('keepalive notices a peer that went silent; an idle connection is closed and reopened on demand', async () => {
    const tuned = new FleetRunners({
      store,
      secrets,
      limits: { keepaliveIntervalMs: 300, keepaliveCountMax: 2, idleMs: 400 },
    });
    try {
      // Idle: closed after idleMs, the next command connects again.
      const runner = await tuned.sshRunnerFor(hostId);
      await collect(runner.start({ argv: ['true'] }));
      expect(runner.connection.isConnected).toBe(true);
      await waitFor('the idle connection to close', () => !runner.connection.isConnected, 5_000);
      const handshakes = runner.connection.handshakes;
      const back = await collect(runner.start({ argv: ['echo', 'again'] }));
      expect(back.stdout.toString('utf8')).toBe('again\n');
      expect(runner.connection.handshakes).toBe(handshakes + 1);

      // Silent peer: the session's sshd processes are stopped (not killed), so no FIN, no RST — only keepalive can tell.
      const proc = runner.start({ argv: ['sleep', '63'] });
      proc.stdout.resume();
      proc.stderr.resume();
      const pid = (await proc.remotePid)!;
      const frozen: number[] = [];
      for (let p = parentOf(pid); p > 1; p = parentOf(p)) {
        if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(host.configPath)) break;
        if (readFileSync(`/proc/${p}/comm`, 'utf8').trim().startsWith('sshd')) frozen.push(p);
      }
      expect(frozen.length).toBeGreaterThan(0);
      for (const p of frozen) process.kill(p, 'SIGSTOP');
      try {
        const t0 = Date.now();
        const err = await errorOf(proc.exit);
        expect(err.code).toBe('HOST_UNREACHABLE');
        expect(Date.now() - t0).toBeLessThan(10_000);
      } finally {
        for (const p of frozen) process.kill(p, 'SIGKILL');
      }
      process.kill(pid, 'SIGKILL');
    } finally {
      await tuned.close();
    }
  });

  describe('bad hosts and keys: typed errors, nothing pinned or changed', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    let quick: FleetRunners;

    beforeAll(async () => {
      // Accepts TCP and never says a word: a host that does not answer SSH.
      silent = createServer((s) => sockets.push(s));
      await new Promise<void>((r) => silent.listen(0, other.address, r));
      quick = new FleetRunners({ store, secrets, limits: { readyTimeoutMs: 1_500 } });
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent?.close(r));
      await quick?.close();
    });

    /** The record before and after a failed attempt is the same: nothing pinned, nothing changed. */
    async function unchanged<T>(id: string, work: () => Promise<T>): Promise<T> {
      const before = await store.hosts.get(id);
      const result = await work();
      expect(await store.hosts.get(id)).toEqual(before);
      return result;
    }

    it('a host that never answers: HOST_UNREACHABLE within the ready timeout', async () => {
      const port = (silent.address() as { port: number }).port;
      const id = await addHost('silent', { address: other.address, port, user: host.user });
      const err = await unchanged(id, () => errorOf(quick.runnerFor(id)));
      expect(err.code).toBe('HOST_UNREACHABLE');
      expect(err.message).toContain(`no SSH answer from ${other.address}:${port} within 1.5 s`);
      expect((await errorOf(quick.scanKey(id))).code).toBe('HOST_UNREACHABLE');
    });

    it('a refused port: HOST_UNREACHABLE "connection refused on <address>:<port>"', async () => {
      const port = await freePort(host.address);
      const id = await addHost('refused', { address: host.address, port, user: host.user });
      const err = await unchanged(id, () => errorOf(runners.runnerFor(id)));
      expect(err.code).toBe('HOST_UNREACHABLE');
      expect(err.message).toContain(`connection refused on ${host.address}:${port}`);
    });

    it('an unknown user: HOST_AUTH_FAILED', async () => {
      const id = await addHost('wrong-user', { ...host, user: 'rfc-no-such-user' });
      const err = await unchanged(id, () => errorOf(runners.runnerFor(id)));
      expect(err.code).toBe('HOST_AUTH_FAILED');
      expect(err.message).toContain('rfc-no-such-user');
    });

    it('a key the host does not accept: HOST_AUTH_FAILED', async () => {
      const wrong = ssh2Utils.generateKeyPairSync('ed25519').private;
      const id = await addHost('wrong-key', host, { key: wrong });
      const err = await unchanged(id, () => errorOf(runners.runnerFor(id)));
      expect(err.code).toBe('HOST_AUTH_FAILED');
    });

    it('a passphrase-protected key: HOST_AUTH_FAILED without its passphrase, logs in with it', async () => {
      const pair = ssh2Utils.generateKeyPairSync('ed25519', {
        passphrase: 'correct horse',
        cipher: 'aes256-ctr',
        rounds: 16,
      });
      await appendFile(join(dirname(host.configPath), 'authorized_keys'), `${pair.public}\n`);
      const id = await addHost('passphrase', host, { key: pair.private });
      const err = await unchanged(id, () => errorOf(runners.runnerFor(id)));
      expect(err.code).toBe('HOST_AUTH_FAILED');
      expect(err.message).toContain('needs its passphrase');

      await store.hosts.setPrivateKey(id, pair.private, 'wrong one');
      expect((await errorOf(runners.runnerFor(id))).message).toContain('wrong passphrase');

      await store.hosts.setPrivateKey(id, pair.private, 'correct horse');
      const ok = await collect((await runners.sshRunnerFor(id)).start({ argv: ['echo', 'in'] }));
      expect(ok.stdout.toString('utf8')).toBe('in\n');
    });

    it('no pinned key: HOST_KEY_UNKNOWN with the offered fingerprint, and nothing runs', async () => {
      const id = await addHost('unpinned', host, { pin: null });
      const err = await unchanged(id, () => errorOf(runners.runnerFor(id)));
      expect(err.code).toBe('HOST_KEY_UNKNOWN');
      expect(err.detail).toMatchObject({ offered: host.hostKeyFingerprintSha256 });
      expect(err.message).toContain(host.hostKeyFingerprintSha256);
    });

    it('a changed host key: HOST_KEY_CHANGED with both fingerprints; nothing runs until re-pinned', async () => {
      const id = await addHost('swapped', other, { pin: other.hostPublicKey });
      const canary = join(other.dataRoot, 'SWAP-CANARY');
      const runner = await runners.sshRunnerFor(id);
      const first = await collect(runner.start({ argv: ['echo', 'before'] }));
      expect(first.stdout.toString('utf8')).toBe('before\n');

      const { previous, current } = await other.swapHostKey(); // restarts sshd: the pooled connection drops
      const err = await unchanged(id, () => errorOf(runners.runnerFor(id)));
      expect(err.code).toBe('HOST_KEY_CHANGED');
      expect(err.detail).toMatchObject({ pinned: previous, offered: current });
      expect(err.message).toContain(previous);
      expect(err.message).toContain(current);
      // The runner obtained before the swap cannot run anything either.
      const late = runner.start({ argv: ['touch', canary] });
      expect((await errorOf(late.exit)).code).toBe('HOST_KEY_CHANGED');
      expect(() => readFileSync(canary)).toThrow();
      expect((await store.hosts.get(id)).hostKey?.fingerprint).toBe(previous);

      const scan = await unchanged(id, () => runners.scanKey(id));
      expect(scan).toMatchObject({ status: 'changed', pinned: previous, fingerprint: current });
    });
  });
});
