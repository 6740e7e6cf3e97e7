// The restic driver where it really runs: on a managed host over SSH (a
// real OpenSSH sshd from the rig, host key pinned, secrets on stdin), and
// against a MinIO bucket as the repository (s3:, keys via secretEnv).
// Both restic versions from the peers manifest.

import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared';
import { LocalRunner } from '../../electron/core/exec/local-runner';
import { SshRunner, type SshTarget } from '../../electron/core/exec/ssh-runner';
import { Restic, type ResticTarget } from '../../electron/core/restic/restic';
import { startMinio, type MinioServer } from '../support/minio';
import { resticBinaries } from '../support/peers';
import { descendants } from '../support/procs';
import { startSshHosts, type SshHost, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const HOSTILE = [
  'quote"double',
  "it's",
  '$(touch pwned)',
  '`backtick`',
  'new\nline',
  '-leading-dash',
  '--option-like',
  'unicode-报告-ü-🙂',
  'space name ',
  '*glob?[x]',
  '\u001b[31mred',
];

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof ConsoleError) return err.code;
    throw err;
  }
}

/** Processes under this test process (sshd sessions included) whose argv mentions `needle`. */
function processesMentioning(needle: string): number[] {
  return descendants(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
    } catch {
      return false;
    }
  });
}

function sshTarget(host: SshHost, overrides: Partial<SshTarget> = {}): SshTarget {
  return {
    id: host.name,
    host: host.address,
    port: host.port,
    username: host.user,
    privateKey: host.privateKey,
    hostKeyFingerprint: host.hostKeyFingerprintSha256,
    keepaliveIntervalMs: 5_000,
    ...overrides,
  };
}

async function makeSource(dir: string): Promise<void> {
  await mkdir(join(dir, 'hostile'), { recursive: true });
  await writeFile(join(dir, 'a.txt'), 'one\n');
  for (const name of HOSTILE)
    await writeFile(join(dir, 'hostile', name), `content of ${JSON.stringify(name)}\n`);
}

describe('restic on a real sshd host', () => {
  let hosts: SshHosts;
  let host: SshHost;
  const runners: SshRunner[] = [];

  beforeAll(async () => {
    hosts = await startSshHosts(1, { namePrefix: 'restic' });
    host = hosts.hosts[0]!;
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.close()));
    await hosts?.stopAll();
    await cleanupTempDirs();
  });

  const runnerFor = (overrides: Partial<SshTarget> = {}): SshRunner => {
    const r = new SshRunner(sshTarget(host, overrides));
    runners.push(r);
    return r;
  };

  it('refuses a host whose key is not the pinned one, before running anything', async () => {
    const other = `SHA256:${'A'.repeat(43)}`;
    const restic = new Restic({
      runner: runnerFor({ hostKeyFingerprint: other }),
      binary: 'restic',
      repository: '/x',
      password: 'p',
    });
    const err = (await restic.version().catch((e: unknown) => e)) as ConsoleError;
    expect(err.code).toBe('HOST_KEY_CHANGED');
    expect(err.detail).toMatchObject({ expected: other, presented: host.hostKeyFingerprintSha256 });
    expect(() => new SshRunner(sshTarget(host, { hostKeyFingerprint: '' }))).toThrow(ConsoleError);
  });

  describe.each(resticBinaries())('restic $version', ({ version, path: binary }) => {
    let root: string;
    let src: string;
    let target: ResticTarget;
    let restic: Restic;
    const password = `pw-${Math.random().toString(36).slice(2)} 'q' "d" $(x)`;

    beforeAll(async () => {
      root = join(host.dataRoot, `restic-${version}`);
      src = join(root, 'src');
      await makeSource(src);
      target = {
        runner: runnerFor(),
        binary,
        repository: join(root, 'repo'),
        password,
        env: { RESTIC_CACHE_DIR: join(root, 'cache') },
      };
      restic = new Restic(target);
    });

    it('init, backups, snapshots, ls with hostile names, diff — all over SSH', async () => {
      expect((await restic.version()).version).toBe(version);
      await restic.init();
      expect((await restic.catConfig()).version).toBe(2);
      await restic.backup([src], { host: host.name, tags: ['plan:ssh'] });
      await writeFile(join(src, 'hostile', 'added "later" $(x)'), 'new\n');
      await writeFile(join(src, 'a.txt'), 'one\ntwo\n');
      const summary = await restic.backup([src], { host: host.name, tags: ['plan:ssh'] });
      expect(summary.filesNew).toBe(1);
      expect(summary.filesChanged).toBe(1);

      const snaps = await restic.snapshots({ host: host.name });
      expect(snaps).toHaveLength(2);
      const nodes = await restic.ls(snaps[1]!.id, join(src, 'hostile'));
      expect(nodes.map((n) => n.name).sort()).toEqual((await readdir(join(src, 'hostile'))).sort());

      const diff = await restic.diff(snaps[0]!.id, snaps[1]!.id);
      expect(diff.changes.map((c) => `${c.modifier} ${c.path}`).sort()).toEqual(
        [`+ ${src}/hostile/added "later" $(x)`, `M ${src}/a.txt`].sort(),
      );
      expect(diff.stats).toMatchObject({ changedFiles: 1, added: { files: 1 } });
    });

    it('classifies a wrong password and a missing repository the same as locally', async () => {
      expect(await codeOf(new Restic({ ...target, password: 'wrong' }).snapshots())).toBe(
        'REPO_WRONG_PASSWORD',
      );
      expect(await codeOf(new Restic({ ...target, repository: join(root, 'nope') }).catConfig())).toBe(
        'REPO_NOT_FOUND',
      );
    });

    it('a missing binary on the host is RESTIC_MISSING naming the host', async () => {
      const err = (await new Restic({ ...target, binary: join(root, 'no-restic') })
        .version()
        .catch((e: unknown) => e)) as ConsoleError;
      expect(err.code).toBe('RESTIC_MISSING');
      expect(err.message).toContain(`on host ${host.name}`);
    });

    it('cancel stops the remote restic (it cleans up its lock); the password was never in an argv', async () => {
      const big = join(root, 'big');
      await mkdir(big, { recursive: true });
      await writeFile(join(big, 'zeros'), '');
      await truncate(join(big, 'zeros'), 8 * 1024 ** 3);
      const ac = new AbortController();
      let checked = false;
      const run = restic.backup([big], {
        signal: ac.signal,
        progressFps: 4,
        onProgress: () => {
          if (checked) return;
          const pids = processesMentioning(big);
          if (pids.length === 0) return;
          checked = true;
          for (const pid of pids) {
            const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
            expect(argv).not.toContain(password);
            // Delivered through the prelude's environment instead.
            expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(
              `RESTIC_PASSWORD=${password}`,
            );
          }
          ac.abort();
        },
      });
      expect(await codeOf(run)).toBe('CANCELLED');
      expect(checked).toBe(true);
      // Give sshd a moment to reap the session.
      for (let i = 0; i < 50 && processesMentioning(big).length > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(processesMentioning(big)).toEqual([]);
      expect(readdirSync(join(root, 'repo', 'locks'))).toEqual([]);
      expect(await restic.snapshots()).toHaveLength(2);
    });
  });
});

describe('a MinIO bucket as the repository', () => {
  let minio: MinioServer;
  let hosts: SshHosts;
  const runners: SshRunner[] = [];

  beforeAll(async () => {
    minio = await startMinio();
    hosts = await startSshHosts(1, { namePrefix: 's3client', firstOctet: 20 });
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.close()));
    await hosts?.stopAll();
    await minio?.dispose();
    await cleanupTempDirs();
  });

  describe.each(resticBinaries())('restic $version', ({ version, path: binary }) => {
    let src: string;
    let target: ResticTarget;
    let restic: Restic;
    const bucket = `rfc-${version.replace(/\./g, '-')}`;

    beforeAll(async () => {
      const root = await makeTempDir(`rfc-s3-${version}-`);
      src = join(root, 'src');
      await makeSource(src);
      target = {
        runner: new LocalRunner(),
        binary,
        repository: `s3:${minio.endpoint}/${bucket}`,
        password: `pw-${Math.random().toString(36).slice(2)}`,
        env: { RESTIC_CACHE_DIR: join(root, 'cache') },
        secretEnv: { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey },
      };
      restic = new Restic(target);
    });

    it('init creates the bucket; backup, snapshots, ls and diff work on it', async () => {
      await restic.init();
      expect((await restic.catConfig()).version).toBe(2);
      await restic.backup([src], { host: 'web-1' });
      await writeFile(join(src, 'a.txt'), 'changed\n');
      await restic.backup([src], { host: 'web-1' });
      const snaps = await restic.snapshots();
      expect(snaps).toHaveLength(2);
      expect((await restic.ls(snaps[1]!.id, join(src, 'hostile'))).map((n) => n.name).sort()).toEqual(
        [...HOSTILE].sort(),
      );
      const d = await restic.diff(snaps[0]!.id, snaps[1]!.id);
      expect(d.changes).toEqual([{ path: `${src}/a.txt`, modifier: 'M' }]);
      // The command shown to the user names the keys but never their values.
      const line = restic.commandLine(['snapshots', '--json']);
      expect(line).toContain('AWS_SECRET_ACCESS_KEY=***');
      expect(line).not.toContain(minio.secretKey);
    });

    it('the same repository through restic on an SSH host, keys and password on stdin', async () => {
      const host = hosts.hosts[0]!;
      const runner = new SshRunner(sshTarget(host));
      runners.push(runner);
      const remote = new Restic({
        ...target,
        runner,
        env: { RESTIC_CACHE_DIR: join(host.dataRoot, `cache-${version}`) },
      });
      expect((await remote.snapshots()).map((s) => s.id)).toEqual(
        (await restic.snapshots()).map((s) => s.id),
      );
    });

    it('wrong password, missing bucket, wrong keys: each classified, none waits out restic’s retries', async () => {
      expect(await codeOf(new Restic({ ...target, password: 'wrong' }).snapshots())).toBe(
        'REPO_WRONG_PASSWORD',
      );
      expect(
        await codeOf(
          new Restic({ ...target, repository: `s3:${minio.endpoint}/${bucket}/no-repo-here` }).catConfig(),
        ),
      ).toBe('REPO_NOT_FOUND');

      const t0 = Date.now();
      expect(
        await codeOf(
          new Restic({ ...target, repository: `s3:${minio.endpoint}/no-such-bucket-${bucket}` }).catConfig(),
        ),
      ).toBe('REPO_NOT_FOUND');
      const badKeys = new Restic({
        ...target,
        secretEnv: { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: 'not-the-key' },
      });
      const err = (await badKeys.snapshots().catch((e: unknown) => e)) as ConsoleError;
      expect(err.code).toBe('RESTIC_FAILED');
      expect(err.detail).toMatchObject({ reason: 'storage-auth' });
      expect(JSON.stringify(err.detail)).not.toContain(minio.secretKey);
      // restic ≥ 0.16 would retry each for 15 minutes.
      expect(Date.now() - t0).toBeLessThan(60_000);
    });
  });
});
