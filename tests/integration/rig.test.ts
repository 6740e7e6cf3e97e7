// Proves the test rig itself: real sshd hosts, host-key pinning, MinIO + mc,
// and the provisioned restic binaries. If this file fails, every other
// integration test would fail for reasons unrelated to the product.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcAlias, startMinio, type McClient, type MinioServer } from '../support/minio';
import { loadManifest, resticBinaries } from '../support/peers';
import { HostKeyMismatchError, sshExec, startSshHosts, type SshHosts } from '../support/sshd';
import { cleanupTempDirs } from '../support/tmp';

const execFileP = promisify(execFile);

afterAll(async () => {
  await cleanupTempDirs();
});

describe('sshd hosts', () => {
  let fleet: SshHosts | undefined;

  beforeAll(async () => {
    fleet = await startSshHosts(2);
  });
  afterAll(async () => {
    await fleet?.stopAll();
  });

  const hosts = () => {
    if (!fleet) throw new Error('sshd fixture did not start');
    return fleet.hosts;
  };

  it('starts each host on its own loopback address', () => {
    const [a, b] = hosts();
    expect(a?.address).toBe('127.0.0.2');
    expect(b?.address).toBe('127.0.0.3');
    for (const h of hosts()) {
      expect(h.hostKeyFingerprintSha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(h.hostPublicKey).toMatch(/^ssh-ed25519 /);
      expect(h.privateKey).toContain('OPENSSH PRIVATE KEY');
    }
    expect(a?.hostKeyFingerprintSha256).not.toBe(b?.hostKeyFingerprintSha256);
  });

  it('runs a command on every host over a pinned connection', async () => {
    for (const h of hosts()) {
      const r = await sshExec(h, `echo hello from "$RFC_HOST_NAME"; echo err >&2; exit 3`);
      expect(r).toEqual({ code: 3, stdout: `hello from ${h.name}\n`, stderr: 'err\n' });
    }
  });

  it('exposes the per-host data root to sessions and passes stdin through', async () => {
    const h = hosts()[0]!;
    const r = await sshExec(h, 'printf %s "$RFC_DATA_ROOT"; cat', { stdin: ':piped' });
    expect(r.stdout).toBe(`${h.dataRoot}:piped`);
  });

  it('refuses a host whose key was swapped', async () => {
    const h = hosts()[1]!;
    const pinned = h.hostKeyFingerprintSha256;
    const { previous, current } = await h.swapHostKey();
    expect(previous).toBe(pinned);
    expect(current).not.toBe(pinned);
    expect(h.hostKeyFingerprintSha256).toBe(current);

    const err = await sshExec(h, 'echo should-not-run', { expectedFingerprint: pinned }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HostKeyMismatchError);
    expect((err as HostKeyMismatchError).expected).toBe(pinned);
    expect((err as HostKeyMismatchError).actual).toBe(current);
    expect((err as Error).message).toMatch(/host key mismatch .* connection refused/);

    // Pinning the new key works again.
    expect((await sshExec(h, 'echo ok')).stdout).toBe('ok\n');
  });

  it('stops and restarts a host at the same address and port', async () => {
    const h = hosts()[0]!;
    const port = h.port;
    await h.stop();
    expect(h.isRunning()).toBe(false);
    await expect(sshExec(h, 'true', { timeoutMs: 5000 })).rejects.toThrow(/ECONNREFUSED/);
    await h.start();
    expect(h.port).toBe(port);
    expect((await sshExec(h, 'echo back')).stdout).toBe('back\n');
  });

  it('drops established sessions on demand', async () => {
    const h = hosts()[0]!;
    const running = sshExec(h, 'sleep 30; echo finished', { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.dropConnections()).toBeGreaterThan(0);
    const outcome = await running.then(
      (r) => r,
      (e: unknown) => e,
    );
    // Either the channel closes without an exit status or the connection errors; never a normal finish.
    if (outcome instanceof Error) expect(outcome.message).toMatch(/ssh to|timed out|ECONNRESET|closed/i);
    else expect(outcome).not.toMatchObject({ code: 0 });
    expect(h.isRunning()).toBe(true);
  });
});

describe('minio', () => {
  let minio: MinioServer | undefined;
  let client: McClient | undefined;

  beforeAll(async () => {
    minio = await startMinio({ drives: 4 });
    client = await mcAlias(minio);
  });
  afterAll(async () => {
    await minio?.dispose();
  });

  it('listens on loopback and reports healthy', async () => {
    expect(minio!.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(minio!.dataDirs).toHaveLength(4);
    const res = await fetch(`${minio!.endpoint}/minio/health/cluster`);
    expect(res.status).toBe(200);
  });

  it('does not show the secret key when printed', () => {
    expect(JSON.stringify(minio)).not.toContain(minio!.secretKey);
    expect(Object.keys(minio!)).not.toContain('secretKey');
  });

  it('creates a bucket with mc and lists it', async () => {
    const { alias, mc, mcJson } = client!;
    await mc(['mb', `${alias}/rig-bucket`]);
    const ls = await mc(['ls', alias]);
    expect(ls.stdout).toContain('rig-bucket/');
    const entries = await mcJson(['ls', alias]);
    expect(entries.map((e) => e.key)).toContain('rig-bucket/');
  });

  it('reports a failing mc command as a failure', async () => {
    const { alias, mc } = client!;
    const r = await mc(['ls', `${alias}/no-such-bucket`], { allowFailure: true });
    expect(r.code).not.toBe(0);
    await expect(mc(['ls', `${alias}/no-such-bucket`])).rejects.toThrow(/exited/);
  });
});

describe('restic binaries', () => {
  it('provides Debian 0.14 and a newer build', () => {
    const versions = resticBinaries().map((r) => r.version);
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatch(/^0\.14\./);
    expect(versions[1]).toMatch(/^0\.(1[5-9]|[2-9]\d)\./);
  });

  for (const r of loadManifest().restic) {
    it(`restic ${r.version} at ${r.path} reports that version`, async () => {
      const { stdout } = await execFileP(r.path, ['version']);
      expect(stdout).toMatch(new RegExp(`^restic ${r.version.replace(/\./g, '\\.')} `));
    });
  }
});
